package io.layerswarm.sim.net;

/**
 * A group of racks joined to the core by one duplex link. Traffic between hosts in different zones
 * crosses the sender's zone link up and the receiver's zone link down. Made by {@link
 * Network#addZone}; used on the simulation's thread only.
 */
public final class Zone {
  private final int id;
  private final LinkSpec link;
  final Resource up;
  final Resource down;

  Zone(int id, LinkSpec link) {
    this.id = id;
    this.link = link;
    this.up = new Resource("zone-" + id + "-up", link.upBitsPerSecond());
    this.down = new Resource("zone-" + id + "-down", link.downBitsPerSecond());
  }

  /** This zone's number, 0 for the first zone of its network. */
  public int id() {
    return id;
  }

  /** The zone's link to the core. */
  public LinkSpec link() {
    return link;
  }

  @Override
  public String toString() {
    return "zone-" + id;
  }
}
