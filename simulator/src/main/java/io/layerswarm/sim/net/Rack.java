package io.layerswarm.sim.net;

/**
 * A group of hosts joined to their zone by one duplex link. Traffic between hosts in different
 * racks crosses the sender's rack link up and the receiver's rack link down. Made by {@link
 * Network#addRack}; used on the simulation's thread only.
 */
public final class Rack {
  private final int id;
  private final Zone zone;
  private final LinkSpec link;
  final Resource up;
  final Resource down;

  Rack(int id, Zone zone, LinkSpec link) {
    this.id = id;
    this.zone = zone;
    this.link = link;
    this.up = new Resource("rack-" + id + "-up", link.upBitsPerSecond());
    this.down = new Resource("rack-" + id + "-down", link.downBitsPerSecond());
  }

  /** This rack's number, 0 for the first rack of its network. */
  public int id() {
    return id;
  }

  /** The zone this rack belongs to. */
  public Zone zone() {
    return zone;
  }

  /** The rack's link to its zone. */
  public LinkSpec link() {
    return link;
  }

  @Override
  public String toString() {
    return "rack-" + id;
  }
}
