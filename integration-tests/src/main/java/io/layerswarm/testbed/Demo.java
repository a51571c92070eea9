package io.layerswarm.testbed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * {@code scripts/demo.sh}: runs {@link EndToEndPull} once and prints its summary. Exit code 0 when
 * every digest matched and the origin sent each blob once, to the seeder only.
 */
public final class Demo {
  private Demo() {}

  public static void main(String[] args) throws Exception {
    Path dist = Path.of("cli/target/layerswarm");
    long sizeMib = 128;
    int layers = 5;
    int agents = 2;
    boolean keep = false;
    Path work = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--dist" -> dist = Path.of(value(args, ++i));
        case "--size-mib" -> sizeMib = Long.parseLong(value(args, ++i));
        case "--layers" -> layers = Integer.parseInt(value(args, ++i));
        case "--agents" -> agents = Integer.parseInt(value(args, ++i));
        case "--work" -> work = Path.of(value(args, ++i));
        case "--keep" -> keep = true;
        case "--help", "-h" -> {
          System.out.println(
              "usage: scripts/demo.sh [--size-mib N (128)] [--layers N (5)] [--agents N (2)]"
                  + " [--work DIR] [--keep]");
          return;
        }
        default -> {
          System.err.println("demo: unknown option " + args[i] + " (try --help)");
          System.exit(2);
        }
      }
    }
    Path workDir = work != null ? work : Files.createTempDirectory("layerswarm-demo");
    boolean removeWork = !keep && work == null;
    EndToEndPull run =
        new EndToEndPull(
            new EndToEndPull.Options(
                dist.toAbsolutePath(), workDir, sizeMib << 20, layers, agents, System.out));
    // Ctrl-C: stop everything we started (the harness also stops its processes by handle).
    Thread hook = new Thread(run::close, "demo-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    boolean ok;
    try {
      EndToEndPull.Summary summary = run.run();
      summary.print(System.out);
      ok = summary.everyDigestMatched() && summary.originSentEachBlobOnceToTheSeeder();
      if (!ok) {
        summary.pulls().stream()
            .filter(p -> !p.ok())
            .forEach(
                p -> System.out.println("agent " + p.agent() + " skopeo output:\n" + p.output()));
      }
    } finally {
      run.close();
      Runtime.getRuntime().removeShutdownHook(hook);
    }
    if (removeWork && ok) {
      deleteTree(workDir);
    } else {
      System.out.println("  logs and data    " + workDir);
    }
    System.exit(ok ? 0 : 1);
  }

  private static String value(String[] args, int i) {
    if (i >= args.length) {
      System.err.println("demo: " + args[i - 1] + " needs a value");
      System.exit(2);
    }
    return args[i];
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
