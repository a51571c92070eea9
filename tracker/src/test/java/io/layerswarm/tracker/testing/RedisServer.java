package io.layerswarm.tracker.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code redis-server} as a child process on 127.0.0.1, with nothing persisted ({@code
 * --save '' --appendonly no}) and its working directory in a temp dir. {@link #stop()} and {@link
 * #start()} simulate an outage on the same port. Every wait is bounded.
 */
public final class RedisServer implements AutoCloseable {
  public static final Path BINARY = Path.of("/usr/bin/redis-server");
  private static final long READY_SECONDS = 10;
  private static final long STOP_SECONDS = 5;

  private final Path dir;
  private final int port;
  private final Deque<String> output = new ArrayDeque<>();
  private Process process;

  private RedisServer(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  /** Skips the calling test, with the reason, when redis-server is not installed. */
  public static void assumeInstalled() {
    Assumptions.assumeTrue(
        Files.isExecutable(BINARY),
        BINARY + " is not installed (apt-get install redis-server); skipping the Redis tests");
  }

  /** Starts a server on a free port; fails (never skips) if it does not come up. */
  public static RedisServer startOnFreePort() throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("layerswarm-redis-");
    IOException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      RedisServer server = new RedisServer(dir, freePort());
      try {
        server.start();
        return server;
      } catch (IOException e) {
        last = e; // most likely the port was taken between probing and binding
      }
    }
    throw last;
  }

  /** {@code redis://127.0.0.1:<port>/0}. */
  public URI uri() {
    return URI.create("redis://127.0.0.1:" + port + "/0");
  }

  public int port() {
    return port;
  }

  /** Starts (or restarts) the server on its port and waits until it accepts connections. */
  public synchronized void start() throws IOException, InterruptedException {
    if (process != null && process.isAlive()) {
      return;
    }
    Process started =
        new ProcessBuilder(
                List.of(
                    BINARY.toString(),
                    "--port",
                    Integer.toString(port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    dir.toString()))
            .redirectErrorStream(true)
            .start();
    CountDownLatch ready = new CountDownLatch(1);
    Thread reader = new Thread(() -> drain(started, ready), "redis-" + port + "-output");
    reader.setDaemon(true);
    reader.start();
    // The output also ends when the process exits, which releases the latch.
    if (!ready.await(READY_SECONDS, TimeUnit.SECONDS) || !started.isAlive()) {
      kill(started);
      throw new IOException(
          "redis-server on port "
              + port
              + " did not become ready within "
              + READY_SECONDS
              + " s; output: "
              + output());
    }
    process = started;
  }

  /** Stops the server (SIGTERM, then SIGKILL), keeping its port for {@link #start()}. */
  public synchronized void stop() {
    if (process != null) {
      kill(process);
      process = null;
    }
  }

  @Override
  public void close() {
    stop();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temp dir is harmless
    }
  }

  private void drain(Process started, CountDownLatch ready) {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        remember(line);
        if (line.contains("Ready to accept connections")) {
          ready.countDown();
        }
      }
    } catch (IOException e) {
      remember("(output closed: " + e + ")");
    } finally {
      ready.countDown();
    }
  }

  /** Guarded by {@code output} itself, not by {@code this}: start() waits while holding this. */
  private void remember(String line) {
    synchronized (output) {
      output.addLast(line);
      while (output.size() > 40) {
        output.removeFirst();
      }
    }
  }

  private String output() {
    synchronized (output) {
      return String.join(" | ", output);
    }
  }

  private static void kill(Process p) {
    p.destroy();
    try {
      if (!p.waitFor(STOP_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(STOP_SECONDS, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
