package io.layerswarm.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.registry.client.HttpUpstreamRegistry;
import io.layerswarm.registry.client.UpstreamRegistry;
import io.layerswarm.registry.client.Upstreams;
import io.layerswarm.testing.Await;
import io.netty.util.internal.PlatformDependent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opt-in measurements: stream a large blob from an in-process seeder through the agent to a client
 * that pauses mid-way. One test runs the agent in this JVM (with seeder and client) and logs heap
 * and direct memory; the other runs the agent in its own JVM and logs that process's resident set.
 * Run with a small heap to show nothing buffers the blob:
 *
 * <pre>
 * mvn -o -pl agent test -Dtest=LargeBlobStreamingTest \
 *     -DargLine="-Xmx192m -Dlayerswarm.bigBlobMiB=1024 -Dlayerswarm.agentJvmOpts=-XX:+UseSerialGC,-Xmx512m"
 * </pre>
 */
@EnabledIfSystemProperty(named = "layerswarm.bigBlobMiB", matches = "\\d+")
class LargeBlobStreamingTest {
  private static final Logger measurements =
      LoggerFactory.getLogger("io.layerswarm.agent.Measurements");
  private static final RepositoryName REPO = new RepositoryName("test/big");
  private static final int PIECE = 1024 * 1024;

  @TempDir Path dir;

  /** Writes a pseudo-random blob of the configured size into {@code file}; its digest. */
  private static Digest writeBlob(Path file) throws Exception {
    long size = Long.getLong("layerswarm.bigBlobMiB") * 1024 * 1024;
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    try (OutputStream out = Files.newOutputStream(file)) {
      SplittableRandom random = new SplittableRandom(1);
      byte[] block = new byte[PIECE];
      for (long written = 0; written < size; written += block.length) {
        for (int i = 0; i < block.length; i += 8) {
          long value = random.nextLong();
          for (int j = 0; j < 8; j++) {
            block[i + j] = (byte) (value >>> (8 * j));
          }
        }
        out.write(block);
        sha.update(block);
      }
    }
    return new Digest("sha256", HexFormat.of().formatHex(sha.digest()));
  }

  @Test
  void aLargeBlobStreamsThroughTheAgentInBoundedMemory() throws Exception {
    Path file = dir.resolve("big.blob");
    Digest digest = writeBlob(file);
    long size = Files.size(file);
    // An origin nobody listens on: the access check cannot reach it, so the swarm serves the blob.
    UpstreamRegistry origin =
        HttpUpstreamRegistry.builder(URI.create("http://127.0.0.1:9")).build();

    MemorySampler sampler = new MemorySampler();
    try (SwarmBed bed = new SwarmBed();
        AgentServer agent =
            AgentServer.start(
                AgentConfig.defaults(dir.resolve("agent"), List.of(bed.trackerBase))
                    .withListen(new InetSocketAddress("127.0.0.1", 0))
                    .withPeerListen(new InetSocketAddress("127.0.0.1", 0))
                    .withSwarmDeadline(Duration.ofSeconds(60)),
                Upstreams.single(origin))) {
      bed.seed(file, digest, PIECE);
      sampler.start();
      long sent = System.nanoTime();
      long firstByteMillis;
      MessageDigest received = MessageDigest.getInstance("SHA-256");
      try (HttpStream client =
          HttpStream.get(agent.address(), "/v2/" + REPO + "/blobs/" + digest)) {
        client.readHead();
        received.update(client.readBody(1));
        firstByteMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
        received.update(client.readBody(64 * 1024 * 1024));
        // A client that stops reading until the agent holds the whole blob: the agent must not
        // buffer on its behalf.
        Await.until(
            "the agent to hold the whole blob while the client pauses",
            Duration.ofMinutes(5),
            () -> agent.stats().cachedBlobs() == 1);
        client.drainRest(received);
        assertThat(client.complete()).isTrue();
      }
      long totalMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
      sampler.stop();
      assertThat(HexFormat.of().formatHex(received.digest())).isEqualTo(digest.hex());
      measurements.info(
          "streamed {} MiB in {} ms (first byte after {} ms); peak heap used {} MiB,"
              + " peak JDK direct buffers {} MiB, peak Netty direct (no-cleaner, -1 if unused) {} MiB, VmHWM {} MiB,"
              + " VmRSS {} MiB (one JVM: seeder + agent + client), max heap {} MiB",
          size >> 20,
          totalMillis,
          firstByteMillis,
          sampler.heap.get() >> 20,
          sampler.direct.get() >> 20,
          sampler.nettyDirect.get() >> 20,
          procStatus("VmHWM") >> 10,
          procStatus("VmRSS") >> 10,
          Runtime.getRuntime().maxMemory() >> 20);
    }
  }

  /**
   * The same through an agent in its own JVM (flags from {@code layerswarm.agentJvmOpts}, comma
   * separated, by default those of the packaged launcher and systemd unit), sampling that process's
   * resident set.
   */
  @Test
  void aLargeBlobStreamsThroughAnAgentInItsOwnJvmInBoundedMemory() throws Exception {
    Path file = dir.resolve("big.blob");
    Digest digest = writeBlob(file);
    long size = Files.size(file);
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(
        List.of(
            System.getProperty("layerswarm.agentJvmOpts", "-XX:+UseSerialGC,-Xmx512m")
                .trim()
                .split("[\\s,]+")));
    try (SwarmBed bed = new SwarmBed()) {
      bed.seed(file, digest, PIECE);
      command.addAll(
          List.of(
              "-cp",
              System.getProperty("java.class.path"),
              StandaloneAgent.class.getName(),
              dir.resolve("agent").toString(),
              bed.trackerBase.toString(),
              "http://127.0.0.1:9"));
      Process process =
          new ProcessBuilder(command).redirectError(dir.resolve("agent.log").toFile()).start();
      try {
        BufferedReader out =
            new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String ready = out.readLine();
        assertThat(ready)
            .as("agent JVM: " + Files.readString(dir.resolve("agent.log")))
            .startsWith("READY ");
        InetSocketAddress address =
            new InetSocketAddress("127.0.0.1", Integer.parseInt(ready.substring(6).trim()));
        long idleRss = procStatus(process.pid(), "VmRSS");
        AtomicLong peakRss = new AtomicLong();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(
            () -> {
              try {
                peakRss.accumulateAndGet(procStatus(process.pid(), "VmRSS"), Math::max);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            },
            0,
            20,
            TimeUnit.MILLISECONDS);
        long sent = System.nanoTime();
        MessageDigest received = MessageDigest.getInstance("SHA-256");
        long firstByteMillis;
        try (HttpStream client = HttpStream.get(address, "/v2/" + REPO + "/blobs/" + digest)) {
          client.readHead();
          received.update(client.readBody(1));
          firstByteMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
          received.update(client.readBody(64 * 1024 * 1024));
          // A client that stops reading until the seeder has sent the agent the whole blob.
          Await.until(
              "the seeder to upload the whole blob while the client pauses",
              Duration.ofMinutes(5),
              () -> bed.seeder.torrents().stream().mapToLong(t -> t.uploadedBytes()).sum() >= size);
          client.drainRest(received);
          assertThat(client.complete()).isTrue();
        }
        long totalMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
        long hwm = procStatus(process.pid(), "VmHWM");
        sampler.shutdownNow();
        sampler.awaitTermination(5, TimeUnit.SECONDS);
        assertThat(HexFormat.of().formatHex(received.digest())).isEqualTo(digest.hex());
        measurements.info(
            "agent JVM ({}): streamed {} MiB in {} ms (first byte after {} ms);"
                + " RSS idle {} MiB, peak sampled {} MiB, VmHWM {} MiB",
            String.join(" ", command.subList(1, command.indexOf("-cp"))),
            size >> 20,
            totalMillis,
            firstByteMillis,
            idleRss >> 10,
            peakRss.get() >> 10,
            hwm >> 10);
      } finally {
        process.getOutputStream().close();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          process.waitFor(10, TimeUnit.SECONDS);
        }
      }
    }
  }

  /** A value of /proc/self/status in KiB, or -1. */
  private static long procStatus(String key) throws IOException {
    return procStatus(ProcessHandle.current().pid(), key);
  }

  /** A value of /proc/<pid>/status in KiB, or -1. */
  private static long procStatus(long pid, String key) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith(key + ":")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  /** Samples memory use every 20 ms on its own thread, keeping the peaks. */
  private static final class MemorySampler {
    final AtomicLong heap = new AtomicLong();
    final AtomicLong direct = new AtomicLong();
    final AtomicLong nettyDirect = new AtomicLong();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor();

    void start() {
      thread.scheduleAtFixedRate(this::sample, 0, 20, TimeUnit.MILLISECONDS);
    }

    void stop() throws InterruptedException {
      thread.shutdownNow();
      thread.awaitTermination(5, TimeUnit.SECONDS);
    }

    private void sample() {
      heap.accumulateAndGet(
          ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
      long jdkDirect = 0;
      for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
        if (pool.getName().equals("direct")) {
          jdkDirect = pool.getMemoryUsed();
        }
      }
      direct.accumulateAndGet(jdkDirect, Math::max);
      nettyDirect.accumulateAndGet(PlatformDependent.usedDirectMemory(), Math::max);
    }
  }
}
