package io.layerswarm.sim.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.sim.kernel.Simulation;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The whole network model against a reference written the slow, obvious way: a fluid simulation
 * that recomputes every rate from scratch by brute-force progressive filling at every event, with
 * its own derivation of paths and latencies. Random topologies, connections and message streams;
 * every message must be delivered at the same time in both.
 */
class NetworkPropertyTest {
  private static final long MBIT = 1_000_000L;
  private static final long MS = 1_000_000L;

  /** A message: when it is sent, on which direction (index), how big. */
  private record Send(long time, int direction, long bytes) {}

  /**
   * Found by the property: a message sent at the very instant its direction drained (still
   * attached, before the wake-up detached it) was timed with the size of the message before it,
   * 1500 instead of 1576 bytes, and arrived 51 us early.
   */
  @Example
  void aMessageSentTheInstantItsDirectionDrainsTakesItsOwnTime() {
    everyMessageArrivesWhenTheReferenceFluidModelSaysItDoes(-11157L);
  }

  @Property(tries = 150)
  void everyMessageArrivesWhenTheReferenceFluidModelSaysItDoes(@ForAll long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Simulation sim = new Simulation(seed);
    Network net = new Network(sim, NetworkOptions.EXACT);

    // Topology: flat, or zones and racks with some hosts on the core.
    int hostCount = 2 + random.nextInt(6);
    List<Rack> racks = new ArrayList<>();
    if (random.nextBoolean()) {
      int zoneCount = 1 + random.nextInt(2);
      List<Zone> zones = new ArrayList<>();
      for (int z = 0; z < zoneCount; z++) {
        zones.add(net.addZone(link(random)));
      }
      for (int r = 0, n = 1 + random.nextInt(3); r < n; r++) {
        racks.add(net.addRack(zones.get(random.nextInt(zoneCount)), link(random)));
      }
    }
    List<Host> hosts = new ArrayList<>();
    for (int i = 0; i < hostCount; i++) {
      HostSpec spec =
          new HostSpec(
              (1 + random.nextInt(100)) * MBIT,
              (1 + random.nextInt(100)) * MBIT,
              random.nextInt(3) * MS);
      int rack = racks.isEmpty() ? -1 : random.nextInt(racks.size() + 1) - 1;
      hosts.add(rack < 0 ? net.addHost(spec) : net.addHost(spec, racks.get(rack)));
    }
    List<Direction> directions = new ArrayList<>();
    for (int c = 0, n = 1 + random.nextInt(8); c < n; c++) {
      Host a = hosts.get(random.nextInt(hostCount));
      Host b = hosts.get((a.id() + 1 + random.nextInt(hostCount - 1)) % hostCount);
      Connection connection = net.connect(a, b);
      directions.add(connection.from(a));
      directions.add(connection.from(b));
    }
    List<Send> sends = new ArrayList<>();
    for (int m = 0, n = 1 + random.nextInt(40); m < n; m++) {
      // Millisecond send times make ties with each other and with transmissions.
      sends.add(
          new Send(
              random.nextInt(200) * MS,
              random.nextInt(directions.size()),
              1 + random.nextLong(random.nextBoolean() ? 2_000 : 500_000)));
    }

    long[] actual = new long[sends.size()];
    for (int m = 0; m < sends.size(); m++) {
      int id = m;
      Send send = sends.get(m);
      Direction d = directions.get(send.direction());
      sim.at(send.time(), () -> d.send(send.bytes(), () -> actual[id] = sim.nowNanos()));
    }
    sim.run();

    double[] expected = new Reference(net, directions).run(sends);
    for (int m = 0; m < sends.size(); m++) {
      assertThat((double) actual[m])
          .as("message %d of %s", m, sends)
          .isCloseTo(expected[m], org.assertj.core.data.Offset.offset(1e-6 * expected[m] + 100));
    }
  }

  @Property(tries = 100)
  void ratesStayMaxMinFairThroughClosesAndFailures(@ForAll long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Simulation sim = new Simulation(seed);
    Network net = new Network(sim, NetworkOptions.EXACT);
    Zone zone = net.addZone(link(random));
    Rack rack = net.addRack(zone, link(random));
    List<Host> hosts = new ArrayList<>();
    for (int i = 0, n = 3 + random.nextInt(6); i < n; i++) {
      HostSpec spec =
          new HostSpec((1 + random.nextInt(50)) * MBIT, (1 + random.nextInt(50)) * MBIT, 0);
      hosts.add(random.nextBoolean() ? net.addHost(spec, rack) : net.addHost(spec));
    }
    List<Connection> connections = new ArrayList<>();
    int[] checks = new int[1];
    for (int step = 0; step < 60; step++) {
      long at = random.nextInt(100) * MS;
      int op = random.nextInt(10);
      long size = 1 + random.nextLong(300_000);
      int x = random.nextInt(hosts.size());
      int y = random.nextInt(hosts.size());
      sim.at(
          at,
          () -> {
            Host a = hosts.get(x);
            Host b = hosts.get(y);
            if (op < 2 && a != b && !a.isFailed() && !b.isFailed()) {
              connections.add(net.connect(a, b));
            } else if (op < 8 && !a.connections().isEmpty()) {
              Connection c = a.connections().get(y % a.connections().size());
              c.from(op % 2 == 0 ? c.a() : c.b()).send(size, () -> {});
            } else if (op == 8 && !a.connections().isEmpty()) {
              a.connections().get(0).close();
            } else if (op == 9 && random.nextInt(4) == 0) {
              net.fail(a);
            }
          });
      sim.at(
          at,
          () -> {
            net.settleRates();
            assertMaxMinFair(net);
            checks[0]++;
          });
    }
    sim.run();
    assertThat(checks[0]).isEqualTo(60);
  }

  /** Every attached flow's rate equals brute-force progressive filling over the whole network. */
  private static void assertMaxMinFair(Network net) {
    List<Resource> resources = net.resources();
    List<Flow> flows = new ArrayList<>();
    for (Resource r : resources) {
      for (int i = 0; i < r.flowCount; i++) {
        if (!flows.contains(r.flows[i])) {
          flows.add(r.flows[i]);
        }
      }
    }
    double[] capacities = new double[resources.size()];
    for (int i = 0; i < capacities.length; i++) {
      capacities[i] = resources.get(i).capacity;
    }
    int[][] paths = new int[flows.size()][];
    for (int f = 0; f < flows.size(); f++) {
      paths[f] = Arrays.stream(flows.get(f).path).mapToInt(resources::indexOf).toArray();
    }
    double[] expected = ProgressiveFilling.solve(capacities, paths);
    for (int f = 0; f < flows.size(); f++) {
      assertThat(flows.get(f).rate)
          .isCloseTo(expected[f], org.assertj.core.data.Offset.offset(1e-7 * expected[f]));
    }
  }

  /**
   * Express control messages against the exact model, on a request/response load whose requests
   * never queue behind pieces (pieces go one way on each connection, requests the other). Measured
   * over 2,000 random loads: the median of the worst relative shift of a delivery was 0.08%, the
   * worst 0.53%; the bound here is 2%. Where requests do share a direction with pieces, a tiny
   * shift can put a request behind a whole piece (head-of-line blocking), so no per-message bound
   * holds there for any approximation, rounding included.
   */
  @Property(tries = 150)
  void expressControlMessagesShiftDeliveriesByLittle(@ForAll long seed) {
    RequestLoad exact = new RequestLoad(seed, NetworkOptions.EXACT);
    RequestLoad express =
        new RequestLoad(seed, new NetworkOptions(0, NetworkOptions.DEFAULT.expressBytes()));

    assertThat(express.delivered.keySet()).isEqualTo(exact.delivered.keySet());
    for (var e : exact.delivered.entrySet()) {
      assertThat((double) express.delivered.get(e.getKey()))
          .as("piece %s", e.getKey())
          .isCloseTo(e.getValue(), org.assertj.core.data.Offset.offset(0.02 * e.getValue()));
    }
  }

  /**
   * Hosts that fetch 30 pieces each over the connections they opened, with 17-byte requests, two
   * outstanding per direction, as BitTorrent does; the set of messages does not depend on timing.
   */
  private static final class RequestLoad {
    final java.util.Map<String, Long> delivered = new java.util.TreeMap<>();

    RequestLoad(long seed, NetworkOptions options) {
      SplittableRandom random = new SplittableRandom(seed);
      Simulation sim = new Simulation(seed);
      Network net = new Network(sim, options);
      int hostCount = 3 + random.nextInt(8);
      List<Host> hosts = new ArrayList<>();
      for (int i = 0; i < hostCount; i++) {
        hosts.add(
            net.addHost(
                new HostSpec(
                    (10 + random.nextInt(90)) * MBIT,
                    (10 + random.nextInt(90)) * MBIT,
                    random.nextInt(2_000_000))));
      }
      List<List<Direction>> incoming = new ArrayList<>();
      hosts.forEach(h -> incoming.add(new ArrayList<>()));
      for (Host h : hosts) {
        for (int c = 0; c < 2; c++) {
          Host peer = hosts.get((h.id() + 1 + random.nextInt(hostCount - 1)) % hostCount);
          incoming.get(h.id()).add(net.connect(h, peer).to(h));
        }
      }
      for (Host h : hosts) {
        List<Direction> in = incoming.get(h.id());
        List<ArrayDeque<long[]>> plan = new ArrayList<>();
        in.forEach(d -> plan.add(new ArrayDeque<>()));
        for (int piece = 0; piece < 30; piece++) {
          plan.get(piece % in.size()).add(new long[] {piece, 16_384 + random.nextInt(240_000)});
        }
        for (int k = 0; k < in.size(); k++) {
          Direction d = in.get(k);
          ArrayDeque<long[]> todo = plan.get(k);
          Runnable[] ask = new Runnable[1];
          ask[0] =
              () -> {
                long[] piece = todo.poll();
                if (piece == null) {
                  return;
                }
                d.connection()
                    .from(h)
                    .send(
                        17,
                        () ->
                            d.send(
                                piece[1],
                                () -> {
                                  delivered.put(h.id() + "/" + piece[0], sim.nowNanos());
                                  ask[0].run();
                                }));
              };
          sim.at(random.nextInt(5_000_000), ask[0]);
          sim.at(random.nextInt(5_000_000), ask[0]);
        }
      }
      sim.run();
    }
  }

  private static LinkSpec link(SplittableRandom random) {
    return new LinkSpec(
        (1 + random.nextInt(200)) * MBIT, (1 + random.nextInt(200)) * MBIT, random.nextInt(2) * MS);
  }

  /** The slow, obvious fluid model. Reads only specs and the topology from the network. */
  private static final class Reference {
    private final double[] capacities;
    private final int[][] paths;
    private final long[] latencies;

    Reference(Network net, List<Direction> directions) {
      List<Host> hosts = net.hosts();
      List<Object> resources = new ArrayList<>();
      List<Double> caps = new ArrayList<>();
      paths = new int[directions.size()][];
      latencies = new long[directions.size()];
      for (int i = 0; i < directions.size(); i++) {
        Host s = directions.get(i).sender();
        Host r = directions.get(i).receiver();
        List<Integer> path = new ArrayList<>();
        long latency = s.spec().latencyNanos() + r.spec().latencyNanos();
        path.add(index(resources, caps, "up" + s.id(), s.spec().uploadBitsPerSecond()));
        path.add(index(resources, caps, "down" + r.id(), r.spec().downloadBitsPerSecond()));
        Rack rs = s.rack().orElse(null);
        Rack rr = r.rack().orElse(null);
        if (rs != rr) {
          if (rs != null) {
            path.add(index(resources, caps, "rackup" + rs.id(), rs.link().upBitsPerSecond()));
            latency += rs.link().latencyNanos();
          }
          if (rr != null) {
            path.add(index(resources, caps, "rackdown" + rr.id(), rr.link().downBitsPerSecond()));
            latency += rr.link().latencyNanos();
          }
          Zone zs = rs == null ? null : rs.zone();
          Zone zr = rr == null ? null : rr.zone();
          if (zs != zr) {
            if (zs != null) {
              path.add(index(resources, caps, "zoneup" + zs.id(), zs.link().upBitsPerSecond()));
              latency += zs.link().latencyNanos();
            }
            if (zr != null) {
              path.add(index(resources, caps, "zonedown" + zr.id(), zr.link().downBitsPerSecond()));
              latency += zr.link().latencyNanos();
            }
          }
        }
        paths[i] = path.stream().mapToInt(Integer::intValue).toArray();
        latencies[i] = latency;
      }
      capacities = caps.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static int index(List<Object> names, List<Double> caps, String name, long bits) {
      int i = names.indexOf(name);
      if (i < 0) {
        names.add(name);
        caps.add(bits / 8e9);
        i = names.size() - 1;
      }
      return i;
    }

    double[] run(List<Send> sends) {
      int n = paths.length;
      double[] delivered = new double[sends.size()];
      List<ArrayDeque<Integer>> queues = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        queues.add(new ArrayDeque<>());
      }
      double[] headLeft = new double[n];
      Integer[] order = new Integer[sends.size()];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      Arrays.sort(order, (x, y) -> Long.compare(sends.get(x).time(), sends.get(y).time()));
      int next = 0;
      double now = 0;
      while (true) {
        List<Integer> active = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          if (!queues.get(i).isEmpty()) {
            active.add(i);
          }
        }
        int[][] activePaths = new int[active.size()][];
        for (int k = 0; k < active.size(); k++) {
          activePaths[k] = paths[active.get(k)];
        }
        double[] rates = ProgressiveFilling.solve(capacities, activePaths);
        double until = next < order.length ? sends.get(order[next]).time() : Double.MAX_VALUE;
        int finishing = -1;
        for (int k = 0; k < active.size(); k++) {
          double done = now + headLeft[active.get(k)] / rates[k];
          if (done < until) {
            until = done;
            finishing = k;
          }
        }
        if (until == Double.MAX_VALUE) {
          return delivered;
        }
        for (int k = 0; k < active.size(); k++) {
          headLeft[active.get(k)] -= rates[k] * (until - now);
        }
        now = until;
        if (finishing >= 0) {
          int d = active.get(finishing);
          int message = queues.get(d).poll();
          delivered[message] = now + latencies[d];
          if (!queues.get(d).isEmpty()) {
            headLeft[d] = sends.get(queues.get(d).peek()).bytes();
          }
        } else {
          int message = order[next++];
          int d = sends.get(message).direction();
          if (queues.get(d).isEmpty()) {
            headLeft[d] = sends.get(message).bytes();
          }
          queues.get(d).add(message);
        }
      }
    }
  }
}
