package io.layerswarm.tracker.fleet;

/**
 * A fleet job was not created: the message says why (no agent matches, too many jobs running) and
 * what to do. Nothing was stored.
 */
public final class FleetRefusedException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Whether trying again later may succeed (a bound was reached), or only another request. */
  private final boolean busy;

  public FleetRefusedException(String message, boolean busy) {
    super(message);
    this.busy = busy;
  }

  public boolean busy() {
    return busy;
  }
}
