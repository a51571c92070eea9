package io.layerswarm.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.it.cluster.ClusterBed;
import io.layerswarm.testbed.AccessLog;
import io.layerswarm.testbed.Blob;
import io.layerswarm.testbed.FreePorts;
import io.layerswarm.testbed.Image;
import io.layerswarm.testbed.ImageBuilder;
import io.layerswarm.testbed.OriginRegistry;
import io.layerswarm.testbed.RegistryPusher;
import io.layerswarm.testbed.Skopeo;
import io.layerswarm.testbed.SystemdUnit;
import io.layerswarm.testbed.TestbedDirs;
import io.layerswarm.testbed.UnitSupervisor;
import io.layerswarm.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * A seeder that runs out of heap is restarted: started by the built launcher with the {@code
 * JAVA_OPTS} of the shipped {@code layerswarm-seeder.service}, supervised by that unit's restart
 * policy ({@link UnitSupervisor}: {@code Restart=}, {@code RestartSec=}, {@code
 * RestartPreventExitStatus=}, as systemd applies them), and made to run out of heap by an
 * allocating thread injected through the attach API ({@link OomInjector}). Exercised: the JVM's
 * reaction to a real {@code OutOfMemoryError} with the unit's flags and the launcher's, the restart
 * decision and delay, and the restarted seeder serving a new pull. Not exercised: systemd itself,
 * the unit's {@code MemoryMax=} (a cgroup kill), and an OOM caused by the seeder's own allocations.
 */
class SeederOutOfMemoryIT {
  private static final Duration PULL_TIMEOUT = Duration.ofMinutes(3);

  @Test
  void aSeederOutOfHeapExitsAndTheUnitsRestartPolicyBringsItBackToServePulls() throws Exception {
    Path work = TestbedDirs.create("seeder-oom");
    try (ClusterBed bed = new ClusterBed(work)) {
      OriginRegistry origin = bed.track(OriginRegistry.start(work.resolve("origin")));
      Image before = bed.track(image(work, "before", 1));
      Image after = bed.track(image(work, "after", 2));
      new RegistryPusher(origin.baseUri()).push(before, "library/before", "1");
      new RegistryPusher(origin.baseUri()).push(after, "library/after", "1");

      int[] ports = FreePorts.pick(3);
      String tracker = "http://127.0.0.1:" + ports[0];
      String seederUrl = "http://127.0.0.1:" + ports[1];
      String agent = "127.0.0.1:" + ports[2];
      bed.daemon("tracker", "tracker", "--listen", "127.0.0.1:" + ports[0], "--seeder", seederUrl);
      SystemdUnit unit = SystemdUnit.read(unitFile("layerswarm-seeder.service"));
      String javaOpts = unit.environment().get("JAVA_OPTS");
      UnitSupervisor seeder =
          bed.track(
              UnitSupervisor.start(
                  unit,
                  () ->
                      bed.launcher(
                              "seeder",
                              ClusterBed.seederArgs(
                                  ports[1],
                                  work.resolve("seeder"),
                                  origin.baseUri().toString(),
                                  tracker))
                          .env("JAVA_OPTS", javaOpts)
                          .start()));
      bed.daemon(
          "agent",
          ClusterBed.agentArgs(
              ports[2], work.resolve("agent"), origin.baseUri().toString(), List.of(tracker)));
      assertPulled(agent, "library/before", before, work.resolve("pull-before"));

      long injected = System.nanoTime();
      OomInjector.inject(seeder.current().pid(), work);
      Await.until("the seeder to exit", Duration.ofSeconds(60), () -> !seeder.exits().isEmpty());
      double exitSeconds = (System.nanoTime() - injected) / 1e9;
      UnitSupervisor.Exit exit = seeder.exits().get(0);
      Await.until(
          "the unit's restart policy to start the seeder again and it to be ready",
          Duration.ofSeconds(90),
          () -> seeder.processes().size() == 2);
      double readySeconds = (System.nanoTime() - injected) / 1e9;
      String firstLog = seeder.processes().get(0).output();

      long pullStart = System.nanoTime();
      assertPulled(agent, "library/after", after, work.resolve("pull-after"));
      double pullSeconds = (System.nanoTime() - pullStart) / 1e9;

      System.out.printf(
          "FAULT seeder-oom: JAVA_OPTS '%s'; exit %d after %.1f s; Restart=%s RestartSec=%s;"
              + " serving again after %.1f s; next pull (%d blobs, %d MiB) %.1f s, all digests"
              + " right%n",
          javaOpts,
          exit.exitCode(),
          exitSeconds,
          unit.restart(),
          unit.restartSec(),
          readySeconds,
          after.blobs().size(),
          after.blobs().stream().mapToLong(Blob::size).sum() >> 20,
          pullSeconds);
      assertThat(exit.exitCode()).as("ExitOnOutOfMemoryError exits with 3").isEqualTo(3);
      assertThat(exit.restarted()).isTrue();
      assertThat(firstLog).contains("Terminating due to java.lang.OutOfMemoryError");
      AccessLog agentDownloads =
          origin.accessLog().byUserAgentPrefix("layerswarm-agent/").filter(e -> e.isSuccess());
      assertThat(agentDownloads.blobDownloads())
          .as("the agent got every blob from the swarm, the restarted seeder's included")
          .isEmpty();
    }
  }

  private static Image image(Path work, String name, long seed) throws Exception {
    return ImageBuilder.image()
        .layers(2)
        .totalBytes(16L << 20)
        .seed(seed)
        .workDir(Files.createDirectories(work.resolve("image-" + name)))
        .build();
  }

  private static void assertPulled(String agent, String repository, Image image, Path dir)
      throws Exception {
    Skopeo.Result pulled = new Skopeo().copyToDir(agent, repository, "1", dir, PULL_TIMEOUT);
    assertThat(pulled.ok()).as("pull of %s: %s", repository, pulled.output()).isTrue();
    assertThat(new TreeSet<>(Skopeo.readDir(dir).blobDigests()))
        .isEqualTo(ClusterBed.blobDigests(image));
  }

  /** A unit file as the .deb ships it: {@code cli/src/deb/systemd/<name>}. */
  static Path unitFile(String name) {
    return ClusterBed.dist().getParent().getParent().resolve("src/deb/systemd").resolve(name);
  }
}
