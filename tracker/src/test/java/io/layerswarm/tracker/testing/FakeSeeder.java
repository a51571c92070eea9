package io.layerswarm.tracker.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A seeder's HTTP endpoint on 127.0.0.1:0 that answers every request with one status and body, or
 * holds requests until {@link #release()} (bounded by 10 s). Records the raw request targets.
 */
public final class FakeSeeder implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final List<URI> requests = new CopyOnWriteArrayList<>();
  private final CountDownLatch released = new CountDownLatch(1);
  private final CountDownLatch received = new CountDownLatch(1);
  private volatile int status;
  private volatile byte[] body;
  private volatile boolean hold;

  private FakeSeeder(int status, byte[] body, boolean hold) throws IOException {
    this.status = status;
    this.body = body;
    this.hold = hold;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.setExecutor(executor);
    server.createContext(
        "/",
        exchange -> {
          requests.add(exchange.getRequestURI());
          received.countDown();
          try {
            if (this.hold) {
              released.await(10, TimeUnit.SECONDS);
            }
            byte[] b = this.body;
            exchange.sendResponseHeaders(this.status, b.length == 0 ? -1 : b.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(b);
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            exchange.close();
          }
        });
    server.start();
  }

  public static FakeSeeder answering(int status, byte[] body) throws IOException {
    return new FakeSeeder(status, body, false);
  }

  /** Holds every request until {@link #release()}, then answers 200 with {@code body}. */
  public static FakeSeeder holding(byte[] body) throws IOException {
    return new FakeSeeder(200, body, true);
  }

  public URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  public List<URI> requests() {
    return requests;
  }

  /** Waits (at most 10 s) until the first request has arrived. */
  public boolean awaitRequest() throws InterruptedException {
    return received.await(10, TimeUnit.SECONDS);
  }

  public void release() {
    released.countDown();
  }

  @Override
  public void close() {
    release();
    server.stop(0);
    executor.shutdownNow();
  }
}
