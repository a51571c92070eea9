package io.layerswarm.testbed.netns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hosts as network namespaces on one Ethernet bridge, each link capped in both directions with
 * {@code tc tbf}.
 *
 * <pre>
 *   namespace &lt;prefix&gt;-br:  bridge br0, one veth per host (named after the host), tbf on each = the host's download
 *   namespace &lt;prefix&gt;-&lt;host&gt;: eth0 = 10.201.0.X/24, lo up, tbf on eth0 = the host's upload
 * </pre>
 *
 * Nothing is created in the root namespace: the veth pairs are made inside the bridge namespace
 * with the peer end placed straight into the host's namespace. Every host has its own loopback, so
 * daemons can listen on 127.0.0.1 in each without clashing.
 *
 * <p>Names start with {@code lsb-<owner pid>-}, so that concurrent runs never touch each other's
 * namespaces and {@link #removeStale()} can tell leftovers of a dead run from a live one. {@link
 * #close()} stops every process still inside the namespaces (by PID, SIGTERM then SIGKILL) and
 * deletes them.
 */
public final class NetnsTopology implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(NetnsTopology.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  public static final String SUBNET_PREFIX = "10.201.0.";
  private static final Pattern OWNED = Pattern.compile("^lsb-(\\d+)-.+$");
  private static final Pattern HOST_NAME = Pattern.compile("[a-z][a-z0-9]{0,14}");

  /**
   * One host: its short name (also its veth name in the bridge namespace), namespace and address.
   */
  public record Host(String name, String netns, String ip) {
    public String hostPort(int port) {
      return ip + ":" + port;
    }
  }

  private final String prefix;
  private final String bridgeNetns;
  private final long rateBitsPerSecond;
  private final Map<String, Host> hosts = new LinkedHashMap<>();
  private java.util.Set<String> zoneB = java.util.Set.of();
  private long crossZoneBitsPerSecond;
  private final List<String> created = new ArrayList<>();
  private boolean closed;

  private NetnsTopology(String prefix, long rateBitsPerSecond) {
    this.prefix = prefix;
    this.bridgeNetns = prefix + "-br";
    this.rateBitsPerSecond = rateBitsPerSecond;
  }

  /** The default prefix for this JVM: {@code lsb-<pid>}. */
  public static String defaultPrefix() {
    return "lsb-" + ProcessHandle.current().pid();
  }

  /**
   * Creates the bridge and the hosts ({@code name -> last octet of 10.201.0.X}), each link capped
   * at {@code rateBitsPerSecond} both ways (0 = no cap). On failure everything made so far is
   * removed.
   */
  public static NetnsTopology create(
      String prefix, Map<String, Integer> hostOctets, long rateBitsPerSecond)
      throws IOException, InterruptedException {
    return create(prefix, hostOctets, rateBitsPerSecond, java.util.Set.of(), 0);
  }

  /**
   * As {@link #create(String, Map, long)}, in two zones when {@code zoneB} names hosts: those sit
   * on a second bridge {@code br1} (in the same namespace), joined to {@code br0} (zone A, every
   * other host) by one veth pair, {@value #ZONE_LINK_A} on br0's side and {@value #ZONE_LINK_B} on
   * br1's, capped at {@code crossZoneBitsPerSecond} each way. Every byte between the zones crosses
   * it, and its qdisc counters ({@link #crossZoneBytes()}) count them.
   */
  public static NetnsTopology create(
      String prefix,
      Map<String, Integer> hostOctets,
      long rateBitsPerSecond,
      java.util.Set<String> zoneB,
      long crossZoneBitsPerSecond)
      throws IOException, InterruptedException {
    if (!OWNED.matcher(prefix + "-x").matches()) {
      throw new IllegalArgumentException("prefix must look like lsb-<pid>: " + prefix);
    }
    // Namespaces with our own prefix can only be leftovers of an earlier run whose pid was the
    // same.
    List<String> ours = list().stream().filter(ns -> ns.startsWith(prefix + "-")).toList();
    if (!ours.isEmpty()) {
      log.info(
          "removing {} namespace(s) with this run's prefix left by an earlier run: {}",
          ours.size(),
          ours);
      removeNamespaces(ours);
    }
    NetnsTopology t = new NetnsTopology(prefix, rateBitsPerSecond);
    t.zoneB = java.util.Set.copyOf(zoneB);
    t.crossZoneBitsPerSecond = crossZoneBitsPerSecond;
    try {
      t.addNetns(t.bridgeNetns);
      Commands.check("ip", "-n", t.bridgeNetns, "link", "add", "br0", "type", "bridge");
      Commands.check("ip", "-n", t.bridgeNetns, "link", "set", "br0", "up");
      if (!t.zoneB.isEmpty()) {
        t.addZoneLink();
      }
      for (Map.Entry<String, Integer> e : hostOctets.entrySet()) {
        t.addHost(e.getKey(), e.getValue());
      }
      log.info(
          "network namespaces up: {} hosts on {} at {} bit/s",
          t.hosts.size(),
          t.bridgeNetns,
          rateBitsPerSecond);
      return t;
    } catch (IOException | InterruptedException | RuntimeException e) {
      t.close();
      throw e;
    }
  }

  /** The veth end on zone A's bridge; its egress is the traffic from zone A to zone B. */
  public static final String ZONE_LINK_A = "zab";

  /** The veth end on zone B's bridge; its egress is the traffic from zone B to zone A. */
  public static final String ZONE_LINK_B = "zba";

  private void addZoneLink() throws IOException, InterruptedException {
    Commands.check("ip", "-n", bridgeNetns, "link", "add", "br1", "type", "bridge");
    Commands.check("ip", "-n", bridgeNetns, "link", "set", "br1", "up");
    Commands.check(
        "ip",
        "-n",
        bridgeNetns,
        "link",
        "add",
        ZONE_LINK_A,
        "type",
        "veth",
        "peer",
        "name",
        ZONE_LINK_B);
    Commands.check("ip", "-n", bridgeNetns, "link", "set", ZONE_LINK_A, "master", "br0");
    Commands.check("ip", "-n", bridgeNetns, "link", "set", ZONE_LINK_B, "master", "br1");
    Commands.check("ip", "-n", bridgeNetns, "link", "set", ZONE_LINK_A, "up");
    Commands.check("ip", "-n", bridgeNetns, "link", "set", ZONE_LINK_B, "up");
    // Always a root qdisc, so the counters exist; a cap only when one is given.
    long rate = crossZoneBitsPerSecond > 0 ? crossZoneBitsPerSecond : 100_000_000_000L;
    Commands.checkIn(bridgeNetns, tbf(ZONE_LINK_A, rate));
    Commands.checkIn(bridgeNetns, tbf(ZONE_LINK_B, rate));
  }

  /** Whether the host sits in zone B (else zone A). */
  public boolean inZoneB(String host) {
    return zoneB.contains(host);
  }

  /** Whether the hosts are split into two zones. */
  public boolean zoned() {
    return !zoneB.isEmpty();
  }

  /** The cap on the link between the zones, bit/s; 0 without zones. */
  public long crossZoneBitsPerSecond() {
    return zoned() ? crossZoneBitsPerSecond : 0;
  }

  /**
   * Bytes that crossed between the zones so far, {A to B, B to A}: the root qdisc counters of the
   * zone link's two ends, frame headers included.
   */
  public long[] crossZoneBytes() throws IOException, InterruptedException {
    if (!zoned()) {
      return new long[] {0, 0};
    }
    return new long[] {qdiscBytes(bridgeNetns, ZONE_LINK_A), qdiscBytes(bridgeNetns, ZONE_LINK_B)};
  }

  private void addNetns(String name) throws IOException, InterruptedException {
    Commands.check("ip", "netns", "add", name);
    created.add(name);
  }

  private void addHost(String name, int octet) throws IOException, InterruptedException {
    if (!HOST_NAME.matcher(name).matches()
        || name.equals("br0")
        || name.equals("br1")
        || name.equals(ZONE_LINK_A)
        || name.equals(ZONE_LINK_B)) {
      throw new IllegalArgumentException("bad host name (a-z0-9, max 15): " + name);
    }
    if (octet < 1 || octet > 254) {
      throw new IllegalArgumentException("bad host octet " + octet);
    }
    String ns = prefix + "-" + name;
    String ip = SUBNET_PREFIX + octet;
    addNetns(ns);
    Commands.check(
        "ip",
        "-n",
        bridgeNetns,
        "link",
        "add",
        name,
        "type",
        "veth",
        "peer",
        "name",
        "eth0",
        "netns",
        ns);
    Commands.check(
        "ip",
        "-n",
        bridgeNetns,
        "link",
        "set",
        name,
        "master",
        zoneB.contains(name) ? "br1" : "br0");
    Commands.check("ip", "-n", bridgeNetns, "link", "set", name, "up");
    Commands.check("ip", "-n", ns, "addr", "add", ip + "/24", "dev", "eth0");
    Commands.check("ip", "-n", ns, "link", "set", "eth0", "up");
    Commands.check("ip", "-n", ns, "link", "set", "lo", "up");
    if (rateBitsPerSecond > 0) {
      // Upload: the host's eth0. Download: the bridge's port towards the host.
      Commands.checkIn(ns, tbf("eth0"));
      Commands.checkIn(bridgeNetns, tbf(name));
    }
    hosts.put(name, new Host(name, ns, ip));
  }

  /** tbf's latency: how long a packet may wait in the queue before tbf drops it. */
  public static final int TBF_LATENCY_MS = 50;

  /**
   * tbf's burst for a rate: at least 20 ms at the rate, and never below 256 KiB (a 64 KiB GSO
   * segment must fit, or tbf drops it).
   */
  public static long burstBytes(long rateBitsPerSecond) {
    return Math.max(256L * 1024, rateBitsPerSecond / 8 / 50);
  }

  private String[] tbf(String dev) {
    return tbf(dev, rateBitsPerSecond);
  }

  private static String[] tbf(String dev, long rateBitsPerSecond) {
    long burstBytes = burstBytes(rateBitsPerSecond);
    return new String[] {
      "tc",
      "qdisc",
      "replace",
      "dev",
      dev,
      "root",
      "tbf",
      "rate",
      rateBitsPerSecond + "bit",
      "burst",
      String.valueOf(burstBytes),
      "latency",
      TBF_LATENCY_MS + "ms"
    };
  }

  public Host host(String name) {
    Host h = hosts.get(name);
    if (h == null) {
      throw new IllegalArgumentException("no host " + name + " in " + hosts.keySet());
    }
    return h;
  }

  public List<Host> hosts() {
    return List.copyOf(hosts.values());
  }

  public String prefix() {
    return prefix;
  }

  public String bridgeNetns() {
    return bridgeNetns;
  }

  public long rateBitsPerSecond() {
    return rateBitsPerSecond;
  }

  /** The tc qdisc setup actually in place, for the report. */
  public String describeQdiscs(Host host) throws IOException, InterruptedException {
    return Commands.checkIn(host.netns(), "tc", "qdisc", "show", "dev", "eth0").strip()
        + " | bridge side: "
        + Commands.checkIn(bridgeNetns, "tc", "qdisc", "show", "dev", host.name()).strip();
  }

  /** Bytes the host has sent (its eth0 root qdisc counter, headers included). */
  public long txBytes(Host host) throws IOException, InterruptedException {
    return qdiscBytes(host.netns(), "eth0");
  }

  /** Bytes the host has received (the bridge port's root qdisc counter). */
  public long rxBytes(Host host) throws IOException, InterruptedException {
    return qdiscBytes(bridgeNetns, host.name());
  }

  private static long qdiscBytes(String netns, String dev)
      throws IOException, InterruptedException {
    String out = Commands.checkIn(netns, "tc", "-s", "-j", "qdisc", "show", "dev", dev);
    JsonNode root = JSON.readTree(out);
    for (JsonNode q : root) {
      if (q.path("root").asBoolean(false)) {
        return q.path("bytes").asLong();
      }
    }
    throw new IOException("no root qdisc counters on " + dev + " in " + netns + ": " + out);
  }

  /** PIDs of processes inside a namespace ({@code ip netns pids}). */
  public static List<Long> pids(String netns) throws IOException, InterruptedException {
    Commands.Result r = Commands.run("ip", "netns", "pids", netns);
    List<Long> out = new ArrayList<>();
    if (!r.ok()) {
      return out;
    }
    for (String line : r.output().split("\\s+")) {
      if (!line.isBlank() && line.chars().allMatch(Character::isDigit)) {
        out.add(Long.parseLong(line));
      }
    }
    return out;
  }

  /**
   * Stops what still runs inside the namespaces (by PID), then deletes them. Safe to call twice.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      removeNamespaces(new ArrayList<>(created));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    created.clear();
  }

  private static void removeNamespaces(List<String> names) throws InterruptedException {
    List<Long> victims = new ArrayList<>();
    for (String ns : names) {
      try {
        victims.addAll(pids(ns));
      } catch (IOException e) {
        log.warn("could not list processes in {}: {}", ns, e.getMessage());
      }
    }
    for (long pid : victims) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
    }
    long deadline = System.nanoTime() + 5_000_000_000L;
    for (long pid : victims) {
      ProcessHandle.of(pid)
          .ifPresent(
              h -> {
                while (h.isAlive() && System.nanoTime() < deadline) {
                  try {
                    Thread.sleep(50);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                  }
                }
                if (h.isAlive()) {
                  log.warn("pid {} ignored SIGTERM; killing it", pid);
                  h.destroyForcibly();
                }
              });
    }
    if (!victims.isEmpty()) {
      log.info("stopped {} leftover process(es) inside the namespaces", victims.size());
    }
    // Hosts first (their veth ends go away with them), the bridge last.
    List<String> order = new ArrayList<>(names);
    order.sort((a, b) -> Boolean.compare(a.endsWith("-br"), b.endsWith("-br")));
    for (String ns : order) {
      try {
        Commands.Result r = Commands.run("ip", "netns", "del", ns);
        if (!r.ok() && Files.exists(Path.of("/run/netns", ns))) {
          log.warn("ip netns del {} failed: {}", ns, r.output().strip());
        }
      } catch (IOException e) {
        log.warn("ip netns del {} failed: {}", ns, e.getMessage());
      }
    }
  }

  /**
   * Namespaces {@code lsb-<pid>-...} whose owner process is gone: leftovers of a killed run.
   * Removes them.
   */
  public static List<String> removeStale() throws IOException, InterruptedException {
    List<String> stale = new ArrayList<>();
    for (String ns : list()) {
      Matcher m = OWNED.matcher(ns);
      if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
        stale.add(ns);
      }
    }
    if (!stale.isEmpty()) {
      log.info("removing {} namespace(s) left by dead runs: {}", stale.size(), stale);
      removeNamespaces(stale);
    }
    return stale;
  }

  /** Names of all network namespaces ({@code ip netns list}). */
  public static List<String> list() throws IOException, InterruptedException {
    List<String> out = new ArrayList<>();
    for (String line : Commands.check("ip", "netns", "list").split("\n")) {
      String name = line.strip().split("\\s+")[0];
      if (!name.isEmpty()) {
        out.add(name);
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return "NetnsTopology["
        + prefix
        + ", "
        + hosts.size()
        + " hosts, "
        + rateBitsPerSecond
        + " bit/s]";
  }
}
