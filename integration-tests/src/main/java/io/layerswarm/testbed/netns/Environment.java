package io.layerswarm.testbed.netns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a benchmark ran on: machine, tool versions and the commit the distribution was built from.
 */
final class Environment {

  private Environment() {}

  static Map<String, Object> capture(SwarmBench.Options o) {
    Map<String, Object> env = new LinkedHashMap<>();
    env.put("cores", Runtime.getRuntime().availableProcessors());
    env.put("kernel", first("uname", "-r"));
    env.put("memory_gib", memoryGib());
    env.put("load1_at_start", ProcCpu.loadAverage());
    env.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    env.put("skopeo", first("/usr/bin/skopeo", "--version"));
    env.put("docker_registry", first("/usr/bin/docker-registry", "--version"));
    env.put("agent_java_opts", o.javaOpts());
    env.put("dist", shown(o.dist()));
    String launcher = all("cat", o.dist().resolve("bin/layerswarm").toString());
    env.put(
        "launcher_jvm_flags",
        launcher == null
            ? "?"
            : launcher
                .lines()
                .filter(l -> l.contains("exec "))
                .findFirst()
                .orElse("?")
                .replaceAll("^\\s*exec \"\\$java\"\\s*", "")
                .replace("${JAVA_OPTS:-}", "$JAVA_OPTS")
                .replace("\\", "")
                .strip());
    Path real = o.dist();
    try {
      real = o.dist().resolve("lib").toRealPath().getParent(); // a C2 copy links to the real jars
    } catch (IOException e) {
      // keep the dist path
    }
    // The distribution lives in <repo>/cli/target/layerswarm: its repo is the code that was
    // measured.
    env.put("dist_commit", first("git", "-C", real.toString(), "rev-parse", "HEAD"));
    String dirty =
        all(
            "git",
            "-C",
            real.toString(),
            "status",
            "--porcelain",
            "--untracked-files=no",
            "--",
            ":/swarm",
            ":/agent",
            ":/seeder",
            ":/tracker",
            ":/registry-bridge",
            ":/cli",
            ":/proto");
    env.put(
        "dist_source_dirty",
        dirty == null
            ? "unknown"
            : dirty.isBlank()
                ? "no"
                : "yes: " + dirty.lines().count() + " changed file(s) in daemon modules");
    env.put("namespace_prefix", o.nsPrefix());
    return env;
  }

  /**
   * The path as a committed report may show it: relative to the working directory (the repo, when
   * run by bench/swarm-bench) or to the home directory, never this machine's absolute path.
   */
  static String shown(Path path) {
    Path abs = path.toAbsolutePath().normalize();
    Path cwd = Path.of("").toAbsolutePath();
    if (abs.startsWith(cwd)) {
      return cwd.relativize(abs).toString();
    }
    Path home = Path.of(System.getProperty("user.home"));
    if (abs.startsWith(home)) {
      return "~/" + home.relativize(abs);
    }
    return "<elsewhere>/" + abs.getFileName();
  }

  private static double memoryGib() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return Math.round(Long.parseLong(line.replaceAll("\\D", "")) / 1048576.0 * 10) / 10.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      // unknown
    }
    return -1;
  }

  /** First line of a command's output, or "?" if it fails. */
  static String first(String... command) {
    String s = all(command);
    if (s == null) {
      return "?";
    }
    s = s.strip();
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** A command's whole output, or null if it fails. */
  static String all(String... command) {
    try {
      Commands.Result r = Commands.run(Duration.ofSeconds(10), List.of(command));
      return r.ok() ? r.output() : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
