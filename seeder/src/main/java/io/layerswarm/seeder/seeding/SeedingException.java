package io.layerswarm.seeder.seeding;

/**
 * A local failure while storing, hashing or seeding a blob (disk, metainfo file, swarm engine); not
 * the origin's fault.
 */
public final class SeedingException extends SeederException {
  private static final long serialVersionUID = 1L;

  public SeedingException(String message, Throwable cause) {
    super(message, cause);
  }
}
