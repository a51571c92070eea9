package io.layerswarm.it.clients;

import static io.layerswarm.it.clients.ClientTestbed.PULL_TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.testbed.AccessLog;
import io.layerswarm.testbed.DaemonProcess;
import io.layerswarm.testbed.FreePorts;
import io.layerswarm.testbed.Image;
import io.layerswarm.testbed.ManifestFormat;
import io.layerswarm.testbed.OriginRegistry;
import io.layerswarm.testbed.RegistryPusher;
import io.layerswarm.testbed.RuntimeDirs;
import io.layerswarm.testbed.Skopeo;
import io.layerswarm.testbed.TestbedDirs;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Without a working swarm the agent still serves the pull, from the origin: an agent alone (no
 * tracker, no seeder) with {@code agent.swarm-deadline=5s}, whose tracker is either a closed port
 * (connection refused at once) or a black hole (accepts and never answers, so only the deadline
 * ends the wait). skopeo pulls through it; every digest must match and every blob must have come
 * from the origin to the agent.
 */
class OriginFallbackClientIT {
  private static final String SWARM_DEADLINE = "5s";

  /**
   * Deadline plus generous slack for a slow machine; the default deadline (60 s) would exceed it.
   */
  private static final Duration MAX_PULL = Duration.ofSeconds(40);

  private static Path work;
  private static OriginRegistry origin;
  private static BlackHole blackHole;
  private static Path sockets;

  @BeforeAll
  static void start() throws Exception {
    work = TestbedDirs.create("clients-fallback");
    sockets = ClientTestbed.socketDir();
    origin = OriginRegistry.start(work.resolve("origin"));
    blackHole = new BlackHole();
  }

  @AfterAll
  static void stop() throws IOException {
    try {
      if (origin != null) {
        origin.close();
      }
    } finally {
      RuntimeDirs.deleteUnlessMounted(sockets);
      if (blackHole != null) {
        blackHole.close();
      }
    }
  }

  @Test
  void withTheTrackerRefusingConnectionsThePullIsServedFromTheOrigin() throws Exception {
    int closed = FreePorts.pick();
    pullWithTracker("refused", "http://127.0.0.1:" + closed);
  }

  @Test
  void withTheTrackerNeverAnsweringThePullIsServedFromTheOriginAfterTheSwarmDeadline()
      throws Exception {
    pullWithTracker("blackhole", "http://127.0.0.1:" + blackHole.port());
  }

  private void pullWithTracker(String name, String trackerUrl) throws Exception {
    String repository = "test/fallback-" + name;
    try (Image image = ClientTestbed.runnableImage(ManifestFormat.OCI, work)) {
      new RegistryPusher(origin.baseUri()).push(image, repository, "1");
      int port = FreePorts.pick();
      try (DaemonProcess agent =
          DaemonProcess.builder(
                  "agent-" + name,
                  List.of(
                      ClientTestbed.launcher(),
                      "agent",
                      "--upstream",
                      origin.baseUri().toString(),
                      "--listen",
                      "127.0.0.1:" + port,
                      "--peer-listen",
                      "127.0.0.1:0",
                      "--data",
                      work.resolve("agent-" + name).toString(),
                      "--tracker",
                      trackerUrl,
                      "--admin-socket",
                      sockets.resolve(name + ".sock").toString(),
                      "--set",
                      "agent.swarm-deadline=" + SWARM_DEADLINE))
              .workingDir(work)
              .logFile(work.resolve("agent-" + name + ".log"))
              .readyWhenOutputMatches(Pattern.compile("layerswarm agent ready: "))
              .readyTimeout(Duration.ofSeconds(60))
              .start()) {
        // oci: rather than dir:, because skopeo copies layers into dir: one at a time (its PutBlob
        // is
        // not thread-safe) and each layer would wait out the deadline on its own.
        Path layout = work.resolve("pulled-" + name);
        long started = System.nanoTime();
        Skopeo.Result copy =
            new Skopeo()
                .copyToOci("127.0.0.1:" + port, repository, "1", layout, "pulled", PULL_TIMEOUT);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        ClientTestbed.timing(
            "skopeo",
            "copy via agent, tracker " + name + ", deadline " + SWARM_DEADLINE,
            took.toMillis() / 1000.0);
        assertThat(copy.ok())
            .as(
                "skopeo: %s\nagent log %s:\n%s",
                copy.output(), agent.logFile(), agent.outputTail(30))
            .isTrue();
        assertThat(took)
            .as("pull time with swarm deadline %s", SWARM_DEADLINE)
            .isLessThan(MAX_PULL);

        ClientTestbed.OciLayout pulled = ClientTestbed.readOciLayout(layout);
        assertThat(pulled.manifestDigest()).isEqualTo(image.manifestDigest());
        List<String> expected = image.blobs().stream().map(b -> b.digest()).toList();
        assertThat(pulled.blobDigests()).containsAll(expected).hasSize(expected.size() + 1);

        AccessLog log =
            origin.accessLog().filter(e -> e.repository().orElse("").equals(repository));
        assertThat(log.blobDownloads())
            .as("blob GETs at the origin for %s", repository)
            .allSatisfy(e -> assertThat(e.userAgent()).startsWith("layerswarm-agent/"));
        Map<String, Long> gets = log.blobGetsByDigest();
        assertThat(gets.keySet()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(gets.values()).as("origin GETs per blob").containsOnly(1L);
      }
    }
  }

  /** Accepts connections and never answers: a tracker that hangs. */
  private static final class BlackHole implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    BlackHole() throws IOException {
      server = new ServerSocket();
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      acceptor =
          new Thread(
              () -> {
                while (!server.isClosed()) {
                  try {
                    held.add(server.accept());
                  } catch (IOException e) {
                    return; // closed
                  }
                }
              },
              "black-hole-tracker");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket s : held) {
        s.close();
      }
    }
  }
}
