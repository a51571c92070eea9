package io.layerswarm.sim.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.layerswarm.sim.kernel.Simulation;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NetworkTest {
  private static final long MBIT = 1_000_000L;
  private static final long GBIT = 1_000_000_000L;
  private static final long MS = 1_000_000L;
  private static final long SECOND = 1_000_000_000L;
  private static final long MB = 1_000_000L;

  private final Simulation sim = new Simulation(1);
  private final Network net = new Network(sim, NetworkOptions.EXACT);
  private final List<String> trace = new ArrayList<>();

  private Runnable log(String name) {
    return () -> trace.add(name + "@" + sim.nowNanos());
  }

  private Host host(long upMbit, long downMbit, long latencyNanos) {
    return net.addHost(new HostSpec(upMbit * MBIT, downMbit * MBIT, latencyNanos));
  }

  /** A new connection from {@code a} to {@code b} with 1 MB on its way from {@code a}. */
  private Direction sending(Host a, Host b) {
    Direction d = net.connect(a, b).from(a);
    d.send(MB, () -> {});
    return d;
  }

  @Test
  void aSingleFlowGetsItsBottleneckCapacityAndPaysTheLatencyOnce() {
    Host a = host(80, 1000, 1 * MS);
    Host b = host(1000, 8, 2 * MS);
    Direction ab = net.connect(a, b).from(a);

    ab.send(MB, log("m"));
    sim.runUntil(1);

    assertThat(ab.rateBitsPerSecond()).isCloseTo(8e6, within(1e-3));
    sim.run();
    assertThat(trace).containsExactly("m@" + (SECOND + 3 * MS));
  }

  @Test
  void twoFlowsShareTheSendersUplinkEqually() {
    Host a = host(16, 1000, 0);
    Host b = host(1000, 1000, 0);
    Host c = host(1000, 1000, 0);
    Direction ab = net.connect(a, b).from(a);
    Direction ac = net.connect(a, c).from(a);

    ab.send(MB, log("b"));
    ac.send(MB, log("c"));
    sim.runUntil(1);

    assertThat(ab.rateBitsPerSecond()).isCloseTo(8e6, within(1e-3));
    assertThat(ac.rateBitsPerSecond()).isCloseTo(8e6, within(1e-3));
    sim.run();
    assertThat(trace).containsExactlyInAnyOrder("b@" + SECOND, "c@" + SECOND);
  }

  @Test
  void aFlowLimitedElsewhereLeavesItsShareToTheOthers() {
    Host a = host(16, 1000, 0);
    Host fast = host(1000, 1000, 0);
    Host slow = host(1000, 4, 0);
    Direction toFast = net.connect(a, fast).from(a);
    Direction toSlow = net.connect(a, slow).from(a);

    toFast.send(3 * MB, log("fast"));
    toSlow.send(10 * MB, log("slow"));
    sim.runUntil(1);

    assertThat(toSlow.rateBitsPerSecond()).isCloseTo(4e6, within(1e-3));
    assertThat(toFast.rateBitsPerSecond()).isCloseTo(12e6, within(1e-3));
    sim.runUntil(3 * SECOND);
    assertThat(trace).containsExactly("fast@" + 2 * SECOND);
    assertThat(toSlow.rateBitsPerSecond()).isCloseTo(4e6, within(1e-3));
  }

  @Test
  void aDrainedFlowGivesItsShareBack() {
    Host a = host(16, 1000, 0);
    Host b = host(1000, 1000, 0);
    Host c = host(1000, 1000, 0);
    Direction ab = net.connect(a, b).from(a);
    Direction ac = net.connect(a, c).from(a);

    ab.send(MB, log("b"));
    ac.send(3 * MB, log("c"));
    sim.run();

    // 1 MB each in the first second at 1 MB/s, then c's last 2 MB alone at 2 MB/s.
    assertThat(trace).containsExactly("b@" + SECOND, "c@" + 2 * SECOND);
    assertThat(ac.isActive()).isFalse();
    assertThat(ac.rateBitsPerSecond()).isZero();
  }

  @Test
  void latencyIsAddedOncePerMessageNotOncePerQueuedMessage() {
    Host a = host(80, 80, 2 * MS);
    Host b = host(80, 80, 3 * MS);
    Direction ab = net.connect(a, b).from(a);

    for (int i = 1; i <= 3; i++) {
      ab.send(MB, log("m" + i));
    }
    sim.run();

    assertThat(trace)
        .containsExactly(
            "m1@" + (100 * MS + 5 * MS), "m2@" + (200 * MS + 5 * MS), "m3@" + (300 * MS + 5 * MS));
  }

  @Test
  void messagesOfOneDirectionArriveInTheOrderSent() {
    Host a = host(100, 100, 1 * MS);
    Host b = host(100, 100, 1 * MS);
    Host c = host(100, 100, 1 * MS);
    Direction ab = net.connect(a, b).from(a);
    Direction cb = net.connect(c, b).from(c);
    SplittableRandom random = new SplittableRandom(3);
    List<Integer> arrived = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      int id = i;
      long at = random.nextLong(100 * MS);
      long size = 1 + random.nextLong(200_000);
      sim.at(at, () -> ab.send(size, () -> arrived.add(id)));
      sim.at(at, () -> cb.send(1 + random.nextLong(200_000), () -> {}));
    }
    List<Integer> sent = new ArrayList<>();
    // The order of sending is the order of the scheduled times, ties in scheduling order.
    List<long[]> times = new ArrayList<>();
    SplittableRandom again = new SplittableRandom(3);
    for (int i = 0; i < 500; i++) {
      times.add(new long[] {again.nextLong(100 * MS), i});
      again.nextLong(200_000);
    }
    times.sort((x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]));
    times.forEach(t -> sent.add((int) t[1]));

    sim.run();

    assertThat(arrived).containsExactlyElementsOf(sent);
  }

  @Test
  void aTypedMessageReachesItsReceiver() {
    Host a = host(80, 80, 0);
    Host b = host(80, 80, 0);
    Direction ab = net.connect(a, b).from(a);
    List<String> inbox = new ArrayList<>();

    ab.send(10, inbox::add, "have 7");
    ab.send(10, inbox::add, "have 8");
    sim.run();

    assertThat(inbox).containsExactly("have 7", "have 8");
  }

  @Test
  void hostsAndDirectionsCountTheBytesTheySentAndReceived() {
    Host a = host(80, 80, 1 * MS);
    Host b = host(80, 80, 1 * MS);
    Connection ab = net.connect(a, b);
    ab.from(a).send(3000, () -> {});
    ab.from(a).send(2000, () -> {});
    ab.from(b).send(700, () -> {});

    assertThat(ab.from(a).queuedBytes()).isEqualTo(5000);
    assertThat(ab.from(a).queuedMessages()).isEqualTo(2);
    sim.runUntil(ab.from(a).latencyNanos() / 2 + (long) (5000 * 8 / 80e6 * SECOND));
    assertThat(ab.from(a).bytesSent()).isEqualTo(5000);
    assertThat(ab.from(a).bytesDelivered()).isZero();
    assertThat(ab.from(a).messagesInFlight()).isEqualTo(2);
    sim.run();

    assertThat(ab.from(a).bytesDelivered()).isEqualTo(5000);
    assertThat(ab.to(a).bytesDelivered()).isEqualTo(700);
    assertThat(a.bytesSent()).isEqualTo(5000);
    assertThat(a.bytesReceived()).isEqualTo(700);
    assertThat(b.bytesSent()).isEqualTo(700);
    assertThat(b.bytesReceived()).isEqualTo(5000);
    assertThat(ab.from(a).queuedBytes()).isZero();
  }

  @Test
  void bytesCountAsSentTheInstantTheirLastByteLeavesEvenBetweenEvents() {
    Host a = host(80, 80, 0);
    Host b = host(80, 80, SECOND);
    Direction ab = net.connect(a, b).from(a);
    for (int i = 0; i < 3; i++) {
      ab.send(MB, () -> {});
    }

    sim.runUntil(250 * MS);

    // 1 MB takes 100 ms at 80 Mbit/s: two have left, none has arrived.
    assertThat(ab.bytesSent()).isEqualTo(2 * MB);
    assertThat(a.bytesSent()).isEqualTo(2 * MB);
    assertThat(ab.queuedMessages()).isEqualTo(1);
    assertThat(ab.queuedBytes()).isEqualTo(MB);
    assertThat(ab.messagesInFlight()).isEqualTo(2);
    assertThat(ab.bytesDelivered()).isZero();
    assertThat(ab.isActive()).isTrue();
    sim.runUntil(SECOND + 300 * MS);
    assertThat(ab.bytesDelivered()).isEqualTo(3 * MB);
    assertThat(ab.isActive()).isFalse();
  }

  @Test
  void aSmallMessageOnAnIdleDirectionGoesExpressWithoutARecomputation() {
    Network fast = new Network(sim, new NetworkOptions(0, 256));
    Host a = fast.addHost(new HostSpec(16 * MBIT, GBIT, MS));
    Host b = fast.addHost(HostSpec.symmetric(GBIT, MS));
    Host c = fast.addHost(HostSpec.symmetric(GBIT, MS));
    Direction bulk = fast.connect(a, b).from(a);
    Direction control = fast.connect(a, c).from(a);
    bulk.send(10 * MB, () -> {});
    sim.runUntil(1);
    long recomputations = fast.rateRecomputations();

    control.send(200, log("request"));
    sim.runUntil(SECOND);

    assertThat(fast.rateRecomputations()).isEqualTo(recomputations);
    // At the share it would get next to the bulk flow, 8 Mbit/s: 200 us, plus 2 ms latency.
    assertThat(trace).containsExactly("request@" + (1 + 200_000 + 2 * MS));
    assertThat(control.bytesSent()).isEqualTo(200);
  }

  @Test
  void smallMessagesKeepTheirPlaceBehindABigOneAndABigOneWaitsForAnExpressOne() {
    Network fast = new Network(sim, new NetworkOptions(0, 256));
    Host a = fast.addHost(HostSpec.symmetric(8 * MBIT, 0));
    Host b = fast.addHost(HostSpec.symmetric(8 * MBIT, 0));
    Direction ab = fast.connect(a, b).from(a);

    ab.send(100, log("express"));
    ab.send(MB, log("big"));
    ab.send(100, log("rides"));
    sim.run();

    // 100 bytes at 1 MB/s take 100 us; the big one starts after them, the last rides its flow.
    assertThat(trace)
        .containsExactly(
            "express@100000", "big@" + (100_000 + SECOND), "rides@" + (200_000 + SECOND));
  }

  @Test
  void hostsInOneRackShareTheRackUplinkButNotTrafficInsideTheRack() {
    Zone zone = net.addZone(LinkSpec.symmetric(10 * GBIT, 0));
    Rack r1 = net.addRack(zone, LinkSpec.symmetric(8 * MBIT, 0));
    Rack r2 = net.addRack(zone, LinkSpec.symmetric(8 * MBIT, 0));
    HostSpec gigabit = HostSpec.symmetric(GBIT, 0);
    Host h1 = net.addHost(gigabit, r1);
    Host h2 = net.addHost(gigabit, r1);
    Host h3 = net.addHost(gigabit, r2);
    Host h4 = net.addHost(gigabit, r2);
    Direction out1 = sending(h1, h3);
    Direction out2 = sending(h2, h4);
    Direction inside = sending(h1, h2);
    sim.runUntil(1);

    assertThat(out1.rateBitsPerSecond()).isCloseTo(4e6, within(1e-3));
    assertThat(out2.rateBitsPerSecond()).isCloseTo(4e6, within(1e-3));
    assertThat(inside.rateBitsPerSecond()).isCloseTo(996e6, within(1e-3));
  }

  @Test
  void trafficBetweenZonesSharesBothZoneLinks() {
    Zone z1 = net.addZone(new LinkSpec(12 * MBIT, GBIT, 0));
    Zone z2 = net.addZone(new LinkSpec(GBIT, 6 * MBIT, 0));
    Rack r1 = net.addRack(z1, LinkSpec.symmetric(GBIT, 0));
    Rack r2 = net.addRack(z2, LinkSpec.symmetric(GBIT, 0));
    Rack r3 = net.addRack(z2, LinkSpec.symmetric(GBIT, 0));
    HostSpec gigabit = HostSpec.symmetric(GBIT, 0);
    Host a = net.addHost(gigabit, r1);
    Host b = net.addHost(gigabit, r1);
    Host c = net.addHost(gigabit, r2);
    Host d = net.addHost(gigabit, r3);
    Host e = net.addHost(gigabit, r2);
    Direction ac = sending(a, c);
    Direction bd = sending(b, d);
    Direction de = sending(d, e);
    sim.runUntil(1);

    // z2's down link (6) is the bottleneck of both cross-zone flows, not z1's up link (12).
    assertThat(ac.rateBitsPerSecond()).isCloseTo(3e6, within(1e-3));
    assertThat(bd.rateBitsPerSecond()).isCloseTo(3e6, within(1e-3));
    // Between racks of one zone: no zone link, but r2's down link, which a -> c crosses too.
    assertThat(de.rateBitsPerSecond()).isCloseTo(997e6, within(1e-3));
  }

  @Test
  void aPathsLatencyIsItsHostsAndTheLinksItCrosses() {
    Zone z1 = net.addZone(LinkSpec.symmetric(GBIT, 100 * MS));
    Zone z2 = net.addZone(LinkSpec.symmetric(GBIT, 200 * MS));
    Rack r1 = net.addRack(z1, LinkSpec.symmetric(GBIT, 10 * MS));
    Rack r2 = net.addRack(z1, LinkSpec.symmetric(GBIT, 20 * MS));
    Rack r3 = net.addRack(z2, LinkSpec.symmetric(GBIT, 30 * MS));
    Host a = net.addHost(HostSpec.symmetric(GBIT, 1 * MS), r1);
    Host b = net.addHost(HostSpec.symmetric(GBIT, 2 * MS), r1);
    Host c = net.addHost(HostSpec.symmetric(GBIT, 3 * MS), r2);
    Host d = net.addHost(HostSpec.symmetric(GBIT, 4 * MS), r3);
    Host core = net.addHost(HostSpec.symmetric(GBIT, 5 * MS));

    assertThat(net.connect(a, b).from(a).latencyNanos()).isEqualTo(3 * MS);
    assertThat(net.connect(a, c).from(c).latencyNanos()).isEqualTo(34 * MS);
    assertThat(net.connect(a, d).from(a).latencyNanos()).isEqualTo(345 * MS);
    assertThat(net.connect(core, d).from(core).latencyNanos()).isEqualTo(239 * MS);
  }

  @Test
  void closingAConnectionStopsBothDirectionsAndFreesTheirShare() {
    Host a = host(16, 1000, 0);
    Host b = host(1000, 1000, 0);
    Host c = host(1000, 1000, 0);
    Connection toB = net.connect(a, b);
    Direction ac = net.connect(a, c).from(a);
    List<CloseCause> told = new ArrayList<>();
    toB.onClose(a, (conn, cause) -> told.add(cause));
    toB.onClose(b, (conn, cause) -> told.add(cause));
    toB.from(a).send(10 * MB, log("b"));
    toB.from(b).send(1000 * MB, log("back"));
    ac.send(3 * MB, log("c"));
    sim.schedule(SECOND, toB::close);

    sim.run();

    assertThat(told).containsExactly(CloseCause.CLOSED, CloseCause.CLOSED);
    // 1 MB in the first second, then 2 MB alone at 2 MB/s.
    assertThat(trace).containsExactly("c@" + 2 * SECOND);
    assertThat(toB.isOpen()).isFalse();
    assertThat(a.connections()).containsExactly(ac.connection());
    assertThatThrownBy(() -> toB.from(a).send(1, () -> {}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void aFailedHostsConnectionsCloseAndBothEndsAreTold() {
    Host a = host(100, 100, 1 * MS);
    Host b = host(100, 100, 1 * MS);
    Host c = host(100, 100, 1 * MS);
    Connection ab = net.connect(a, b);
    Connection ac = net.connect(a, c);
    Connection bc = net.connect(b, c);
    List<String> told = new ArrayList<>();
    for (Connection conn : List.of(ab, ac, bc)) {
      for (Host end : List.of(conn.a(), conn.b())) {
        conn.onClose(end, (closed, cause) -> told.add(end + ":" + closed.peer(end) + ":" + cause));
      }
    }
    ab.from(a).send(10 * MB, log("ab"));
    ac.from(c).send(10 * MB, log("ca"));
    bc.from(b).send(MB, log("bc"));
    sim.schedule(50 * MS, () -> net.fail(a));

    sim.run();

    assertThat(told)
        .containsExactly(
            "host-0:host-1:HOST_FAILED",
            "host-1:host-0:HOST_FAILED",
            "host-0:host-2:HOST_FAILED",
            "host-2:host-0:HOST_FAILED");
    assertThat(trace).containsExactly("bc@" + (80 * MS + 2 * MS));
    assertThat(a.isFailed()).isTrue();
    assertThat(a.connections()).isEmpty();
    assertThat(b.connections()).containsExactly(bc);
    assertThat(a.bytesSent()).isZero();
    assertThatThrownBy(() -> net.connect(b, a))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("host-0 has failed");
  }

  @Test
  void theSameSeedGivesTheSameTrace() {
    assertThat(randomTrace(11)).isEqualTo(randomTrace(11)).isNotEqualTo(randomTrace(12));
  }

  /** Twenty hosts, random connections, random message sizes and times drawn from the seed. */
  private static List<String> randomTrace(long seed) {
    Simulation s = new Simulation(seed);
    Network n = new Network(s, NetworkOptions.EXACT);
    SplittableRandom random = s.random("workload");
    List<Host> hosts = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      hosts.add(
          n.addHost(
              new HostSpec(
                  (1 + random.nextInt(100)) * MBIT,
                  (1 + random.nextInt(100)) * MBIT,
                  random.nextInt(5) * MS)));
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      Host x = hosts.get(random.nextInt(20));
      Host y = hosts.get((x.id() + 1 + random.nextInt(19)) % 20);
      Connection c = n.connect(x, y);
      for (int m = 0; m < 20; m++) {
        int id = i * 100 + m;
        long size = 1 + random.nextLong(MB);
        s.at(
            random.nextLong(SECOND),
            () -> c.from(x).send(size, () -> out.add(id + "@" + s.nowNanos())));
      }
    }
    s.run();
    return out;
  }

  @Test
  void badUseIsRejectedWithAClearError() {
    Host a = host(1, 1, 0);
    Network other = new Network(sim, NetworkOptions.EXACT);
    Host stranger = other.addHost(HostSpec.symmetric(MBIT, 0));
    Direction ab = net.connect(a, host(1, 1, 0)).from(a);

    assertThatThrownBy(() -> net.connect(a, a)).hasMessageContaining("itself");
    assertThatThrownBy(() -> net.connect(a, stranger)).hasMessageContaining("another network");
    assertThatThrownBy(() -> ab.send(0, () -> {})).hasMessageContaining("at least 1 byte");
    assertThatThrownBy(() -> ab.connection().from(stranger)).hasMessageContaining("not an end");
    assertThatThrownBy(() -> new HostSpec(0, 1, 0)).hasMessageContaining("uploadBitsPerSecond");
    assertThatThrownBy(() -> new LinkSpec(1, 1, -1)).hasMessageContaining("latencyNanos");
  }
}
