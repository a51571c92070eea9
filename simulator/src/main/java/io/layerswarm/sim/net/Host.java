package io.layerswarm.sim.net;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * A machine of the simulated network: an upload and a download capacity, each shared max-min fairly
 * by the flows that cross it, a one-way latency, and its place in the topology (a rack, or none).
 * Counts the bytes it sent (a message counts once its last byte is transmitted) and received (once
 * delivered). Made by {@link Network#addHost}; used on the simulation's thread only.
 */
public final class Host {
  private final int id;
  private final HostSpec spec;
  private final Rack rack;
  final Resource up;
  final Resource down;
  private final List<Connection> connections = new ArrayList<>();
  private final List<Connection> connectionsView = Collections.unmodifiableList(connections);
  private boolean failed;
  long bytesSent;
  long bytesReceived;

  Host(int id, HostSpec spec, Rack rack) {
    this.id = id;
    this.spec = spec;
    this.rack = rack;
    this.up = new Resource("host-" + id + "-up", spec.uploadBitsPerSecond());
    this.down = new Resource("host-" + id + "-down", spec.downloadBitsPerSecond());
  }

  /** This host's number, 0 for the first host of its network. */
  public int id() {
    return id;
  }

  public HostSpec spec() {
    return spec;
  }

  /** The rack this host sits in; empty for a host joined straight to the core. */
  public Optional<Rack> rack() {
    return Optional.ofNullable(rack);
  }

  Rack rackOrNull() {
    return rack;
  }

  Zone zoneOrNull() {
    return rack == null ? null : rack.zone();
  }

  /** Bytes of every message this host finished transmitting, over all its connections. */
  public long bytesSent() {
    long total = bytesSent;
    for (Connection connection : connections) {
      total += connection.from(this).pendingSentBytes();
    }
    return total;
  }

  /** Bytes of every message delivered to this host, over all its connections. */
  public long bytesReceived() {
    return bytesReceived;
  }

  /** True once {@link Network#fail} was called for this host. */
  public boolean isFailed() {
    return failed;
  }

  /** The open connections this host is an end of, oldest first (a live, read-only view). */
  public List<Connection> connections() {
    return connectionsView;
  }

  void markFailed() {
    failed = true;
  }

  void attach(Connection connection) {
    connections.add(connection);
  }

  void detach(Connection connection) {
    connections.remove(connection);
  }

  @Override
  public String toString() {
    return "host-" + id;
  }
}
