package io.layerswarm.testbed.trackerload;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;

/**
 * Entry point of {@code bench/tracker-bench}. Exit codes: 0 done, 1 a tracker could not be loaded
 * (could not start, or a phase failed), 2 bad usage.
 */
public final class TrackerBenchMain {
  static final String USAGE =
      String.join(
          "\n",
          "usage: bench/tracker-bench [--smoke] [--hosts H] [--layers L] [--connections C] [--rate R]",
          "                           [--steady-s S] [--burst-window-s B] [--max-s M] [--numwant N]",
          "                           [--interval-s I] [--targets memory,redis,opentracker]",
          "                           [--connection-per-announce] [--tracker-java-opts OPTS] [--label NAME]",
          "                           [--results DIR] [--work DIR]",
          "  defaults: --hosts 10000 --layers 15 --connections 64 --rate 5000 --steady-s 20",
          "            --burst-window-s 5 --max-s 15 --numwant 50 --interval-s 30",
          "  --smoke:  --hosts 200 --layers 4 --rate 500 --steady-s 2 --burst-window-s 1 --max-s 2");

  private TrackerBenchMain() {}

  public static void main(String[] args) {
    int code;
    try {
      code = run(args, System.out);
    } catch (IllegalArgumentException e) {
      System.err.println("tracker-bench: " + e.getMessage());
      System.err.println(USAGE);
      code = 2;
    } catch (Exception e) {
      System.err.println("tracker-bench: " + e);
      e.printStackTrace();
      code = 1;
    }
    System.exit(code);
  }

  static int run(String[] args, PrintStream out) throws Exception {
    List<String> a = Arrays.asList(args);
    if (a.contains("-h") || a.contains("--help")) {
      out.println(USAGE);
      return 0;
    }
    TrackerBench.Options o = parse(args);
    String command = value(args, "--command", "bench/tracker-bench");
    String commit = value(args, "--commit", "unknown");
    String loadBefore = TrackerBenchReport.loadAverage();
    out.printf(
        "tracker-bench: %d hosts x %d layers over %d connections, steady %.0f/s, targets %s;"
            + " load average %s%n",
        o.workload().hosts(),
        o.workload().layers(),
        o.workload().connections(),
        o.steadyRate(),
        o.targets(),
        loadBefore);
    List<TrackerBench.TargetResult> results = new TrackerBench(o, out).run();
    TrackerBenchReport.Files3 files =
        TrackerBenchReport.write(
            new TrackerBenchReport.Run(
                o, command, commit, ZonedDateTime.now(ZoneOffset.UTC), loadBefore, results));
    out.println("report: " + files.markdown());
    out.println("json:   " + files.json());
    out.println("plot:   " + files.png().map(Path::toString).orElse("(none: gnuplot failed)"));
    return results.stream().anyMatch(r -> r.failure() != null) ? 1 : 0;
  }

  static TrackerBench.Options parse(String[] args) {
    boolean smoke = Arrays.asList(args).contains("--smoke");
    boolean perAnnounce = Arrays.asList(args).contains("--connection-per-announce");
    for (int i = 0; i < args.length; i++) {
      String k = args[i];
      if (!k.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument " + k);
      }
      if (!List.of(
              "--smoke",
              "--connection-per-announce",
              "--hosts",
              "--layers",
              "--connections",
              "--rate",
              "--steady-s",
              "--burst-window-s",
              "--max-s",
              "--numwant",
              "--interval-s",
              "--targets",
              "--tracker-java-opts",
              "--label",
              "--results",
              "--work",
              "--dist",
              "--command",
              "--commit")
          .contains(k)) {
        throw new IllegalArgumentException("unknown option " + k);
      }
      boolean flag = k.equals("--smoke") || k.equals("--connection-per-announce");
      if (!flag && (i + 1 >= args.length)) {
        throw new IllegalArgumentException(k + " needs a value");
      }
      if (!flag) {
        i++;
      }
    }
    Workload w =
        new Workload(
            integer(args, "--hosts", smoke ? 200 : 10_000),
            integer(args, "--layers", smoke ? 4 : 15),
            integer(args, "--connections", smoke ? 16 : 64),
            integer(args, "--numwant", 50),
            64L << 20,
            15);
    List<String> targets =
        List.of(value(args, "--targets", String.join(",", TrackerUnderTest.KINDS)).split(","));
    for (String t : targets) {
      if (!TrackerUnderTest.KINDS.contains(t)) {
        throw new IllegalArgumentException(
            "unknown target " + t + "; one of " + TrackerUnderTest.KINDS);
      }
    }
    double rate = integer(args, "--rate", smoke ? 500 : 5_000);
    Duration steady = Duration.ofSeconds(integer(args, "--steady-s", smoke ? 2 : 20));
    Duration burst = Duration.ofSeconds(integer(args, "--burst-window-s", smoke ? 1 : 5));
    Duration max = Duration.ofSeconds(integer(args, "--max-s", smoke ? 2 : 15));
    if (rate < 1 || steady.isZero() || burst.isZero() || max.isZero()) {
      throw new IllegalArgumentException("rates and durations must be positive");
    }
    if (steady.toSeconds() > 600 || max.toSeconds() > 600 || burst.toSeconds() > 600) {
      throw new IllegalArgumentException("each phase is at most 600 s");
    }
    String stamp =
        ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmmss"));
    String defaultLabel = "tracker-" + stamp + (smoke ? "-smoke" : "");
    return new TrackerBench.Options(
        w,
        targets,
        rate,
        steady,
        burst,
        max,
        // A bound on the closed loop's count besides its time: far above what 2 cores answer.
        200_000L * max.toSeconds(),
        Duration.ofSeconds(integer(args, "--interval-s", 30)),
        Duration.ofSeconds(10),
        value(args, "--tracker-java-opts", "-Xmx512m"),
        Path.of(value(args, "--dist", "cli/target/layerswarm")).toAbsolutePath(),
        Path.of(
            value(
                args,
                "--work",
                Path.of(System.getProperty("java.io.tmpdir"), "layerswarm-tracker-bench")
                    .toString())),
        Path.of(value(args, "--results", "bench/results")),
        value(args, "--label", defaultLabel),
        perAnnounce,
        smoke);
  }

  private static String value(String[] args, String key, String fallback) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(key)) {
        return args[i + 1];
      }
    }
    return fallback;
  }

  private static int integer(String[] args, String key, int fallback) {
    String v = value(args, key, null);
    if (v == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be an integer, got " + v);
    }
  }
}
