package io.layerswarm.it.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.it.cluster.ClusterBed;
import io.layerswarm.testbed.DaemonProcess;
import io.layerswarm.testbed.FreePorts;
import io.layerswarm.testbed.Image;
import io.layerswarm.testbed.OriginRegistry;
import io.layerswarm.testbed.RegistryPusher;
import io.layerswarm.testbed.Skopeo;
import io.layerswarm.testbed.SystemdUnit;
import io.layerswarm.testbed.TestbedDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The units' {@code MemoryMax=} against what the daemons use: tracker, seeder and two agents run
 * with the {@code JAVA_OPTS} of their shipped units, two agents pull a 256 MiB image (the second
 * from the first and the seeder), and each daemon's peak resident memory ({@code VmHWM}) must stay
 * under three quarters of its unit's cap, so the cap stops a leak without killing a healthy daemon.
 */
class UnitMemoryIT {
  private static final Pattern HWM = Pattern.compile("(?m)^VmHWM:\\s+(\\d+) kB$");

  @Test
  void everyDaemonPeaksWellUnderItsUnitsMemoryMaxDuringAPull() throws Exception {
    Path work = TestbedDirs.create("unit-memory");
    try (ClusterBed bed = new ClusterBed(work)) {
      OriginRegistry origin = bed.track(OriginRegistry.start(work.resolve("origin")));
      Image image = bed.image("image", 4, 256L << 20);
      new RegistryPusher(origin.baseUri()).push(image, "library/big", "1");

      int[] ports = FreePorts.pick(4);
      String tracker = "http://127.0.0.1:" + ports[0];
      String seeder = "http://127.0.0.1:" + ports[1];
      Map<String, DaemonProcess> daemons = new LinkedHashMap<>();
      Map<String, SystemdUnit> units = new LinkedHashMap<>();
      units.put("tracker", unit("layerswarm-tracker.service"));
      units.put("seeder", unit("layerswarm-seeder.service"));
      units.put("agent1", unit("layerswarm-agent.service"));
      units.put("agent2", units.get("agent1"));
      daemons.put(
          "tracker",
          start(
              bed,
              units,
              "tracker",
              "tracker",
              "--listen",
              "127.0.0.1:" + ports[0],
              "--seeder",
              seeder));
      String upstream = origin.baseUri().toString();
      daemons.put(
          "seeder",
          start(
              bed,
              units,
              "seeder",
              ClusterBed.seederArgs(ports[1], work.resolve("seeder"), upstream, tracker)));
      for (int i = 1; i <= 2; i++) {
        daemons.put(
            "agent" + i,
            start(
                bed,
                units,
                "agent" + i,
                ClusterBed.agentArgs(
                    ports[1 + i], work.resolve("agent" + i), upstream, List.of(tracker))));
      }
      Set<String> expected = ClusterBed.blobDigests(image);
      for (int i = 1; i <= 2; i++) {
        Path dir = work.resolve("pull" + i);
        Skopeo.Result pulled =
            new Skopeo()
                .copyToDir(
                    "127.0.0.1:" + ports[1 + i], "library/big", "1", dir, Duration.ofMinutes(5));
        assertThat(pulled.ok()).as(pulled.output()).isTrue();
        assertThat(new TreeSet<>(Skopeo.readDir(dir).blobDigests())).isEqualTo(expected);
      }

      for (Map.Entry<String, DaemonProcess> daemon : daemons.entrySet()) {
        SystemdUnit unit = units.get(daemon.getKey());
        long peak = peakResidentBytes(daemon.getValue().pid());
        long cap = unit.memoryMax().orElseThrow();
        System.out.printf(
            "MEMORY %s: JAVA_OPTS '%s', peak RSS %d MiB, MemoryMax %d MiB (%.0f%%)%n",
            daemon.getKey(),
            unit.environment().get("JAVA_OPTS"),
            peak >> 20,
            cap >> 20,
            100.0 * peak / cap);
        assertThat(peak)
            .as(daemon.getKey() + " peak RSS against MemoryMax")
            .isLessThan(cap / 4 * 3);
      }
    }
  }

  private static SystemdUnit unit(String name) throws IOException {
    return SystemdUnit.read(
        ClusterBed.dist().getParent().getParent().resolve("src/deb/systemd").resolve(name));
  }

  private static DaemonProcess start(
      ClusterBed bed, Map<String, SystemdUnit> units, String name, String... args)
      throws Exception {
    return bed.track(
        bed.launcher(name, args)
            .env("JAVA_OPTS", units.get(name).environment().get("JAVA_OPTS"))
            .start());
  }

  private static long peakResidentBytes(long pid) throws IOException {
    Matcher m = HWM.matcher(Files.readString(Path.of("/proc/" + pid + "/status")));
    if (!m.find()) {
      throw new IOException("no VmHWM in /proc/" + pid + "/status");
    }
    return Long.parseLong(m.group(1)) << 10;
  }
}
