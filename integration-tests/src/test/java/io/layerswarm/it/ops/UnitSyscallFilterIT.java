package io.layerswarm.it.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.layerswarm.it.cluster.ClusterBed;
import io.layerswarm.testbed.CommandResult;
import io.layerswarm.testbed.DaemonProcess;
import io.layerswarm.testbed.FreePorts;
import io.layerswarm.testbed.Image;
import io.layerswarm.testbed.OriginRegistry;
import io.layerswarm.testbed.RegistryPusher;
import io.layerswarm.testbed.Skopeo;
import io.layerswarm.testbed.SystemdUnit;
import io.layerswarm.testbed.TestbedDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The units' {@code SystemCallFilter=} against what the daemons call: tracker, seeder and agent run
 * under {@code strace -f -c} (a count of every system call of every thread) with their units'
 * {@code JAVA_OPTS} while the agent pulls an image, and every call they made must be in the set
 * systemd allows for the filter (expanded with {@code systemd-analyze syscall-filter}). A call
 * outside it would fail with {@code EPERM} under systemd. Needs strace and systemd-analyze.
 */
class UnitSyscallFilterIT {
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

  @Test
  void everySystemCallTheDaemonsMakeDuringAPullIsInTheirUnitsFilter() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/strace")), "needs strace");
    Path work = TestbedDirs.create("unit-syscalls");
    Map<String, Set<String>> called = new HashMap<>();
    Map<String, SystemdUnit> units = new HashMap<>();
    try (ClusterBed bed = new ClusterBed(work)) {
      OriginRegistry origin = bed.track(OriginRegistry.start(work.resolve("origin")));
      Image image = bed.image("image", 2, 16L << 20);
      new RegistryPusher(origin.baseUri()).push(image, "library/app", "1");
      int[] ports = FreePorts.pick(3);
      String tracker = "http://127.0.0.1:" + ports[0];
      List<DaemonProcess> traced = new ArrayList<>();
      for (String role : List.of("tracker", "seeder", "agent")) {
        units.put(role, unit("layerswarm-" + role + ".service"));
      }
      traced.add(
          traced(
              bed,
              units.get("tracker"),
              "tracker",
              "--listen",
              "127.0.0.1:" + ports[0],
              "--seeder",
              "http://127.0.0.1:" + ports[1]));
      String upstream = origin.baseUri().toString();
      traced.add(
          traced(
              bed,
              units.get("seeder"),
              ClusterBed.seederArgs(ports[1], work.resolve("seeder"), upstream, tracker)));
      traced.add(
          traced(
              bed,
              units.get("agent"),
              ClusterBed.agentArgs(
                  ports[2],
                  work.resolve("agent"),
                  upstream,
                  List.of(tracker),
                  "--admin-socket",
                  // Unix socket paths are short; the agent's admin API is part of what runs.
                  Files.createTempDirectory("ls-sock").resolve("agent.sock").toString())));
      Skopeo.Result pulled =
          new Skopeo()
              .copyToDir(
                  "127.0.0.1:" + ports[2],
                  "library/app",
                  "1",
                  work.resolve("pull"),
                  Duration.ofMinutes(5));
      assertThat(pulled.ok()).as(pulled.output()).isTrue();
      for (DaemonProcess daemon : traced) {
        // SIGTERM to the JVM, not to strace (which would detach and leave it running); strace
        // writes its count when the traced process ends.
        ProcessHandle.of(daemon.pid())
            .ifPresent(strace -> strace.children().forEach(ProcessHandle::destroy));
        assertThat(daemon.awaitExit(Duration.ofSeconds(60))).as(daemon.name()).isPresent();
      }
    }
    for (String role : units.keySet()) {
      called.put(role, straceCounts(work.resolve(role + ".strace")));
    }

    for (Map.Entry<String, Set<String>> role : called.entrySet()) {
      SystemdUnit unit = units.get(role.getKey());
      Set<String> allowed = allowed(unit.value("SystemCallFilter").orElseThrow());
      Set<String> outside = new TreeSet<>(role.getValue());
      outside.removeAll(allowed);
      System.out.printf(
          "SYSCALLS %s: %d distinct calls, all in SystemCallFilter=%s: %s%n",
          role.getKey(),
          role.getValue().size(),
          unit.value("SystemCallFilter").orElseThrow(),
          outside.isEmpty() ? "yes" : "no, outside: " + outside);
      assertThat(role.getValue()).as(role.getKey() + " made no calls?").isNotEmpty();
      assertThat(outside).as(role.getKey() + " calls outside its unit's filter").isEmpty();
    }
  }

  private static SystemdUnit unit(String name) throws Exception {
    return SystemdUnit.read(
        ClusterBed.dist().getParent().getParent().resolve("src/deb/systemd").resolve(name));
  }

  /** {@code strace -f -c -o <work>/<role>.strace bin/layerswarm <role> ...}; the role is first. */
  private static DaemonProcess traced(ClusterBed bed, SystemdUnit unit, String... args)
      throws Exception {
    String role = args[0];
    List<String> command =
        new ArrayList<>(
            List.of(
                "/usr/bin/strace",
                "-f",
                "-c",
                "-o",
                bed.work().resolve(role + ".strace").toString(),
                ClusterBed.dist().resolve("bin/layerswarm").toString()));
    command.addAll(List.of(args));
    return bed.track(
        DaemonProcess.builder(role, command)
            .logFile(bed.work().resolve(role + ".log"))
            .env("JAVA_OPTS", unit.environment().get("JAVA_OPTS"))
            .readyWhenOutputMatches(ClusterBed.READY)
            .readyTimeout(Duration.ofSeconds(180))
            .stopTimeout(Duration.ofSeconds(60))
            .start());
  }

  /** The call names in an {@code strace -c} table. */
  private static Set<String> straceCounts(Path file) throws Exception {
    Set<String> names = new TreeSet<>();
    for (String line : Files.readAllLines(file)) {
      if (!line.matches("\\s*\\d.*")) {
        continue; // the header, rulers
      }
      String[] cols = line.trim().split("\\s+");
      String last = cols[cols.length - 1];
      if (cols.length >= 5 && last.matches("[a-z_0-9]+") && !last.equals("total")) {
        names.add(last);
      }
    }
    return names;
  }

  /** The calls a filter allows, its groups expanded as systemd-analyze lists them. */
  private static Set<String> allowed(String filter) throws Exception {
    CommandResult listing =
        CommandResult.run(List.of("systemd-analyze", "syscall-filter"), Map.of(), COMMAND_TIMEOUT);
    listing.requireSuccess();
    Map<String, List<String>> groups = new HashMap<>();
    String group = null;
    for (String line : listing.output().lines().toList()) {
      if (line.startsWith("@")) {
        group = line.trim();
        groups.put(group, new ArrayList<>());
      } else if (group != null && line.startsWith("    ") && !line.trim().startsWith("#")) {
        groups.get(group).add(line.trim());
      }
    }
    Set<String> allowed = new TreeSet<>();
    for (String item : filter.split("\\s+")) {
      expand(item, groups, allowed);
    }
    return allowed;
  }

  private static void expand(String item, Map<String, List<String>> groups, Set<String> into) {
    if (!item.startsWith("@")) {
      into.add(item);
      return;
    }
    for (String member : groups.getOrDefault(item, List.of())) {
      expand(member, groups, into);
    }
  }
}
