package io.layerswarm.sim.net;

/**
 * Told when a connection closes, on the simulation's thread, at the virtual instant it closes.
 * Messages not yet delivered by then are dropped.
 */
@FunctionalInterface
public interface CloseListener {
  void closed(Connection connection, CloseCause cause);
}
