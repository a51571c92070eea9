package io.layerswarm.testbed.netns;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Entry point of {@code bench/swarm-bench}. Exit codes: 0 done (smoke: and every smoke check
 * passed), 1 a pull failed or a smoke check failed, 2 bad usage, 3 the machine can't run it (not
 * root, tools missing).
 */
public final class SwarmBenchMain {

  static final String USAGE =
      String.join(
          "\n",
          "usage: bench/swarm-bench [--smoke] [--hosts 1,2,4,8,16] [--size-mib S] [--rate-mbit D] [--layers L]",
          "                         [--cache-fanout k] [--methods direct,cache,layerswarm,layerswarm-warm,aria2c]",
          "                         [--client-layout oci|dir] [--java-opts OPTS] [--nice N]",
          "                         [--zones 2 [--cross-zone-mbit X]] (methods layerswarm-warm,layerswarm-zones)",
          "                         [--dist DIR] [--work DIR] [--results DIR] [--label NAME] [--budget SEC] [--keep]",
          "  full defaults:  --hosts 1,2,4,8,16 --size-mib 128 --rate-mbit 100 --layers 4 --cache-fanout 4",
          "  --smoke:        --hosts 3 --size-mib 16 --rate-mbit 100 --layers 2; checks every digest and",
          "                  LayerSwarm origin blob bytes <= 1.05 x S; exit 1 if a check fails");

  private SwarmBenchMain() {}

  public static void main(String[] args) {
    int code;
    try {
      code = run(args, System.out);
    } catch (UsageException e) {
      System.err.println("swarm-bench: " + e.getMessage());
      System.err.println(USAGE);
      code = 2;
    } catch (Exception e) {
      System.err.println("swarm-bench: " + e);
      e.printStackTrace();
      code = 1;
    }
    System.exit(code);
  }

  static final class UsageException extends Exception {
    UsageException(String message) {
      super(message);
    }
  }

  /** Parses, runs, writes the report; returns the exit code. */
  public static int run(String[] args, PrintStream out) throws Exception {
    SwarmBench.Options o = parse(args, out);
    if (o == null) {
      return 0; // --help
    }
    String missing = preflight(o);
    if (missing != null) {
      out.println("swarm-bench: " + missing);
      return 3;
    }
    out.println("swarm-bench: " + o.command());
    SwarmBench bench = new SwarmBench(o);
    SwarmBench.Result result = bench.run();
    if (o.resultsDir() != null) {
      SwarmBenchReport.Files3 files =
          SwarmBenchReport.write(result, o.resultsDir(), o.label(), o.workDir());
      out.println();
      out.print(Files.readString(files.markdown()));
      out.println();
      out.println("report: " + files.markdown());
      out.println("json:   " + files.json());
      out.println(
          "plot:   " + files.png().map(Path::toString).orElse("(none: gnuplot not installed)"));
    }
    out.println("logs:   " + o.workDir());
    if (o.smoke()) {
      List<String> fails = SwarmBenchReport.smokeFailures(result);
      if (!fails.isEmpty()) {
        out.println("SMOKE FAILED:");
        fails.forEach(f -> out.println("  " + f));
        return 1;
      }
      out.println(
          "smoke OK: every host got every digest with every method; LayerSwarm origin blob bytes <= "
              + "1.05 x S");
      return 0;
    }
    return result.everyPullOk() ? 0 : 1;
  }

  static SwarmBench.Options parse(String[] args, PrintStream out) throws UsageException {
    boolean smoke = Arrays.asList(args).contains("--smoke");
    List<Integer> hosts = smoke ? List.of(3) : List.of(1, 2, 4, 8, 16);
    long sizeMib = smoke ? 16 : 128;
    long rate = 100;
    int layers = smoke ? 2 : 4;
    int fanout = 4;
    List<SwarmBench.Method> methods = null;
    int zones = 1;
    long crossZoneMbit = 0;
    // The launcher adds its own JVM flags (cli/src/dist/bin/layerswarm).
    String javaOpts = "-Xmx192m";
    Path dist = Path.of(System.getProperty("layerswarm.dist", "cli/target/layerswarm"));
    Path work = null;
    Path results = Path.of("bench/results");
    String label = null;
    long budget = smoke ? 600 : 3600;
    boolean keep = false;
    String command = null;
    String prefix = NetnsTopology.defaultPrefix();
    long seed = 20240601L;
    BarrierPull.Layout layout = BarrierPull.Layout.OCI;
    int nice = 0;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--smoke" -> {}
        case "--hosts" -> hosts = ints(value(args, ++i, a), a);
        case "--size-mib" -> sizeMib = positive(value(args, ++i, a), a);
        case "--rate-mbit" -> rate = positive(value(args, ++i, a), a);
        case "--layers" -> layers = (int) positive(value(args, ++i, a), a);
        case "--zones" -> {
          String v = value(args, ++i, a);
          if (!v.equals("1") && !v.equals("2")) {
            throw new UsageException("--zones is 1 or 2, not " + v);
          }
          zones = Integer.parseInt(v);
        }
        case "--cross-zone-mbit" -> crossZoneMbit = positive(value(args, ++i, a), a);
        case "--cache-fanout" -> fanout = (int) positive(value(args, ++i, a), a);
        case "--methods" -> {
          List<SwarmBench.Method> ms = new ArrayList<>();
          try {
            for (String m : value(args, ++i, a).split(",")) {
              ms.add(SwarmBench.Method.parse(m));
            }
          } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
          }
          methods = ms;
        }
        case "--java-opts" -> javaOpts = value(args, ++i, a);
        case "--dist" -> dist = Path.of(value(args, ++i, a));
        case "--work" -> work = Path.of(value(args, ++i, a));
        case "--results" -> results = Path.of(value(args, ++i, a));
        case "--no-results" -> results = null;
        case "--label" -> label = value(args, ++i, a);
        case "--budget" -> budget = positive(value(args, ++i, a), a);
        case "--keep" -> keep = true;
        case "--command" -> command = value(args, ++i, a);
        case "--ns-prefix" -> prefix = value(args, ++i, a);
        case "--seed" -> seed = Long.parseLong(value(args, ++i, a));
        case "--nice" -> {
          try {
            nice = Integer.parseInt(value(args, ++i, a));
          } catch (NumberFormatException e) {
            throw new UsageException("--nice needs an integer -20..19");
          }
          if (nice < -20 || nice > 19) {
            throw new UsageException("--nice needs an integer -20..19");
          }
        }
        case "--client-layout" -> {
          String v = value(args, ++i, a);
          if (!v.equals("oci") && !v.equals("dir")) {
            throw new UsageException("--client-layout is oci or dir, not " + v);
          }
          layout = v.equals("oci") ? BarrierPull.Layout.OCI : BarrierPull.Layout.DIR;
        }
        case "-h", "--help" -> {
          out.println(USAGE);
          return null;
        }
        default -> throw new UsageException("unknown option " + a);
      }
    }
    if (zones == 1 && crossZoneMbit > 0) {
      throw new UsageException("--cross-zone-mbit needs --zones 2");
    }
    if (zones == 2 && crossZoneMbit == 0) {
      crossZoneMbit = Math.max(1, rate / 4);
    }
    if (methods == null) {
      // Two zones: the same pre-heated swarm without and with zones configured, side by side.
      methods =
          zones == 2
              ? List.of(SwarmBench.Method.LAYERSWARM_WARM, SwarmBench.Method.LAYERSWARM_ZONES)
              : java.util.Arrays.stream(SwarmBench.Method.values())
                  .filter(m -> m != SwarmBench.Method.LAYERSWARM_ZONES)
                  .toList();
    }
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    if (label == null) {
      label = "swarm-" + stamp + (zones == 2 ? "-zones" : "") + (smoke ? "-smoke" : "");
    }
    if (work == null) {
      work = Path.of(System.getProperty("java.io.tmpdir"), "layerswarm-swarm-bench", label);
    }
    if (command == null) {
      command = "bench/swarm-bench " + String.join(" ", args);
    }
    try {
      return new SwarmBench.Options(
          smoke,
          hosts,
          sizeMib << 20,
          layers,
          rate,
          fanout,
          methods,
          dist.toAbsolutePath(),
          work.toAbsolutePath(),
          results == null ? null : results.toAbsolutePath(),
          label,
          command.strip(),
          javaOpts,
          prefix,
          Duration.ofSeconds(budget),
          keep,
          seed,
          layout,
          nice,
          crossZoneMbit,
          out);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /** null when the machine can run the benchmark, else what is missing. */
  static String preflight(SwarmBench.Options o) {
    if (!"root".equals(System.getProperty("user.name"))) {
      return "needs root (network namespaces and tc)";
    }
    List<String> missing = new ArrayList<>();
    for (String[] tool :
        new String[][] {
          {"ip", "iproute2"},
          {"tc", "iproute2"},
          {"mkfifo", "coreutils"},
          {"curl", "curl"},
          {"/usr/bin/skopeo", "skopeo"},
          {"/usr/bin/docker-registry", "docker-registry"}
        }) {
      if (!Commands.installed(tool[0])) {
        missing.add(tool[0] + " (Debian package " + tool[1] + ")");
      }
    }
    if (o.methods().contains(SwarmBench.Method.ARIA2C)) {
      for (String[] tool :
          new String[][] {
            {"aria2c", "aria2"}, {"opentracker", "opentracker"}, {"sha256sum", "coreutils"}
          }) {
        if (!Commands.installed(tool[0])) {
          missing.add(tool[0] + " (Debian package " + tool[1] + ", for the aria2c method)");
        }
      }
    }
    return missing.isEmpty() ? null : "missing: " + String.join(", ", missing);
  }

  private static String value(String[] args, int i, String option) throws UsageException {
    if (i >= args.length) {
      throw new UsageException(option + " needs a value");
    }
    return args[i];
  }

  private static long positive(String s, String option) throws UsageException {
    try {
      long v = Long.parseLong(s.trim());
      if (v < 1) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new UsageException(option + " needs a positive integer, not " + s);
    }
  }

  private static List<Integer> ints(String s, String option) throws UsageException {
    List<Integer> out = new ArrayList<>();
    for (String part : s.split(",")) {
      out.add((int) positive(part, option));
    }
    return out;
  }
}
