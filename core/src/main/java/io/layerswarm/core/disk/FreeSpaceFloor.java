package io.layerswarm.core.disk;

/**
 * The free space a daemon keeps on its data file system: eviction starts before writes would fail.
 * A pure decision over what {@link DiskSpace} reports; it does no I/O itself. Thread-safe
 * (immutable).
 *
 * @param floor the free space to keep; off keeps none
 */
public record FreeSpaceFloor(SpaceLimit floor) {
  /** The default of {@code agent.disk-free-min} and {@code seeder.disk-free-min}. */
  public static final SpaceLimit DEFAULT = SpaceLimit.ofPercent(10);

  public FreeSpaceFloor {
    if (floor == null) {
      throw new IllegalArgumentException("a free-space floor is required (OFF for none)");
    }
  }

  /** The floor in bytes on {@code disk}. */
  public long floorBytes(DiskSpace disk) {
    return floor.resolve(disk.totalBytes());
  }

  /**
   * How many bytes must be freed on {@code disk} so that {@code incomingBytes} more still leave the
   * floor free: 0 when they fit.
   */
  public long bytesToFree(DiskSpace disk, long incomingBytes) {
    long usable = disk.usableBytes();
    long need = floorBytes(disk) + Math.max(0, incomingBytes);
    return need > usable ? need - usable : 0;
  }

  /** Whether {@code incomingBytes} more fit on {@code disk} above the floor. */
  public boolean fits(DiskSpace disk, long incomingBytes) {
    return bytesToFree(disk, incomingBytes) == 0;
  }
}
