package io.layerswarm.sim.net;

import io.layerswarm.sim.kernel.Simulation;
import io.layerswarm.sim.kernel.Timer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A flow-level network on a {@link Simulation}: hosts, an optional topology of racks and zones, and
 * connections whose directions share every resource they cross max-min fairly.
 *
 * <p><b>Resources.</b> Each host's upload and download; with a topology, each direction of each
 * rack's link to its zone and of each zone's link to the core. A flow from host {@code s} to host
 * {@code r} crosses {@code s}'s upload and {@code r}'s download; if their racks differ, {@code s}'s
 * rack link up and {@code r}'s rack link down; if their zones differ, the same for the zone links.
 * A host without a rack is joined straight to the core. Capacities are in bits per second.
 *
 * <p><b>Rates.</b> Every active flow (a direction with bytes not yet transmitted) gets its max-min
 * fair rate. Rates are recomputed whenever the set of active flows changes: a flow starts or
 * drains, a connection closes, a host fails. Changes within one virtual instant are batched into
 * one recomputation at that instant, before time moves on, so no byte is ever sent at a stale rate.
 * The recomputation is incremental ({@link MaxMinSolver}) and exact up to a relative tolerance of
 * 1e-9.
 *
 * <p><b>Latency.</b> A path's one-way latency is the sum of its two hosts' latencies and the
 * latencies of the links it crosses; every message pays it once, after its last byte is sent.
 *
 * <p>Not thread-safe: the network and everything it hands out are used on the simulation's thread.
 */
public final class Network {
  private final Simulation simulation;
  private final NetworkOptions options;
  private final MaxMinSolver solver;
  private final Timer recompute;
  private final List<Host> hosts = new ArrayList<>();
  private final List<Rack> racks = new ArrayList<>();
  private final List<Zone> zones = new ArrayList<>();
  private long connectionsOpened;

  /** A network with {@link NetworkOptions#DEFAULT}. */
  public Network(Simulation simulation) {
    this(simulation, NetworkOptions.DEFAULT);
  }

  public Network(Simulation simulation, NetworkOptions options) {
    this.simulation = Objects.requireNonNull(simulation, "simulation");
    this.options = Objects.requireNonNull(options, "options");
    this.solver = new MaxMinSolver(options.rateSpread());
    this.recompute = simulation.timer(solver::solve);
  }

  public NetworkOptions options() {
    return options;
  }

  public Simulation simulation() {
    return simulation;
  }

  /** Adds a zone joined to the core by {@code coreLink}. */
  public Zone addZone(LinkSpec coreLink) {
    Zone zone = new Zone(zones.size(), Objects.requireNonNull(coreLink, "coreLink"));
    zones.add(zone);
    return zone;
  }

  /** Adds a rack in {@code zone}, joined to it by {@code zoneLink}. */
  public Rack addRack(Zone zone, LinkSpec zoneLink) {
    Objects.requireNonNull(zone, "zone");
    if (zone.id() >= zones.size() || zones.get(zone.id()) != zone) {
      throw new IllegalArgumentException(zone + " belongs to another network");
    }
    Rack rack = new Rack(racks.size(), zone, Objects.requireNonNull(zoneLink, "zoneLink"));
    racks.add(rack);
    return rack;
  }

  /** Adds a host joined straight to the core (no rack, no zone). */
  public Host addHost(HostSpec spec) {
    return add(Objects.requireNonNull(spec, "spec"), null);
  }

  /** Adds a host in {@code rack}. */
  public Host addHost(HostSpec spec, Rack rack) {
    Objects.requireNonNull(rack, "rack");
    if (rack.id() >= racks.size() || racks.get(rack.id()) != rack) {
      throw new IllegalArgumentException(rack + " belongs to another network");
    }
    return add(Objects.requireNonNull(spec, "spec"), rack);
  }

  private Host add(HostSpec spec, Rack rack) {
    Host host = new Host(hosts.size(), spec, rack);
    hosts.add(host);
    return host;
  }

  /** Every host, in the order added (a read-only view). */
  public List<Host> hosts() {
    return Collections.unmodifiableList(hosts);
  }

  /**
   * Opens a connection from {@code a} to {@code b}, at once (no handshake is modelled).
   *
   * @throws IllegalArgumentException if {@code a == b} or either host is of another network
   * @throws IllegalStateException if either host has failed
   */
  public Connection connect(Host a, Host b) {
    requireOwn(a);
    requireOwn(b);
    if (a == b) {
      throw new IllegalArgumentException("a host cannot connect to itself: " + a);
    }
    if (a.isFailed() || b.isFailed()) {
      throw new IllegalStateException(
          "cannot connect " + a + " to " + b + ": " + (a.isFailed() ? a : b) + " has failed");
    }
    long latency = a.spec().latencyNanos() + b.spec().latencyNanos();
    Rack ra = a.rackOrNull();
    Rack rb = b.rackOrNull();
    if (ra != rb) {
      latency += ra == null ? 0 : ra.link().latencyNanos();
      latency += rb == null ? 0 : rb.link().latencyNanos();
      Zone za = a.zoneOrNull();
      Zone zb = b.zoneOrNull();
      if (za != zb) {
        latency += za == null ? 0 : za.link().latencyNanos();
        latency += zb == null ? 0 : zb.link().latencyNanos();
      }
    }
    Connection connection = new Connection(this, a, b, path(a, b), path(b, a), latency);
    a.attach(connection);
    b.attach(connection);
    connectionsOpened++;
    return connection;
  }

  /**
   * Fails a host: every connection it is an end of closes with {@link CloseCause#HOST_FAILED} (both
   * ends are told), and it can no longer connect or be connected to. Idempotent.
   */
  public void fail(Host host) {
    requireOwn(host);
    host.markFailed();
    List<Connection> open = new ArrayList<>(host.connections());
    for (Connection connection : open) {
      connection.close(CloseCause.HOST_FAILED);
    }
  }

  /** How many connections were ever opened. */
  public long connectionsOpened() {
    return connectionsOpened;
  }

  /** How many times rates were recomputed (one per instant with changes). */
  public long rateRecomputations() {
    return solver.solves();
  }

  /**
   * Solver statistics for benchmarks, per recomputation: rounds, resources in the final region, and
   * flows solved over all rounds (the work).
   */
  public String solverStatistics() {
    long solves = Math.max(1, solver.solves());
    return String.format(
        "solves=%d rounds/solve=%.2f resources/solve=%.1f flow-visits/solve=%.1f",
        solver.solves(),
        (double) solver.rounds() / solves,
        (double) solver.regionResources() / solves,
        (double) solver.flowVisits() / solves);
  }

  /** Every resource, hosts first, for tests that check the rates. */
  List<Resource> resources() {
    List<Resource> all = new ArrayList<>();
    for (Host h : hosts) {
      all.add(h.up);
      all.add(h.down);
    }
    for (Rack r : racks) {
      all.add(r.up);
      all.add(r.down);
    }
    for (Zone z : zones) {
      all.add(z.up);
      all.add(z.down);
    }
    return all;
  }

  /** Recomputes pending rate changes now instead of in the instant's recompute event (tests). */
  void settleRates() {
    recompute.cancel();
    solver.solve();
  }

  void attach(Flow flow) {
    solver.attach(flow);
    requestRecompute();
  }

  void detach(Flow flow) {
    if (flow.attached) {
      solver.detach(flow);
      requestRecompute();
    }
  }

  private void requestRecompute() {
    if (!recompute.isPending()) {
      recompute.reschedule(0);
    }
  }

  private static Resource[] path(Host s, Host r) {
    Resource[] path = new Resource[6];
    int n = 0;
    path[n++] = s.up;
    Rack rs = s.rackOrNull();
    Rack rr = r.rackOrNull();
    if (rs != rr) {
      if (rs != null) {
        path[n++] = rs.up;
      }
      if (rr != null) {
        path[n++] = rr.down;
      }
      Zone zs = s.zoneOrNull();
      Zone zr = r.zoneOrNull();
      if (zs != zr) {
        if (zs != null) {
          path[n++] = zs.up;
        }
        if (zr != null) {
          path[n++] = zr.down;
        }
      }
    }
    path[n++] = r.down;
    return java.util.Arrays.copyOf(path, n);
  }

  private void requireOwn(Host host) {
    Objects.requireNonNull(host, "host");
    if (host.id() >= hosts.size() || hosts.get(host.id()) != host) {
      throw new IllegalArgumentException(host + " belongs to another network");
    }
  }
}
