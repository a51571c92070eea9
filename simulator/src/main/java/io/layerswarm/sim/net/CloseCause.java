package io.layerswarm.sim.net;

/** Why a {@link Connection} closed. */
public enum CloseCause {
  /** {@link Connection#close()} was called (by either end). */
  CLOSED,
  /** One of its hosts failed ({@link Network#fail}). */
  HOST_FAILED
}
