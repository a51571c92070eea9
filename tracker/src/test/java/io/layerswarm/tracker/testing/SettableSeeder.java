package io.layerswarm.tracker.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A seeder's control endpoint on 127.0.0.1:0 whose answers a test changes as it goes: {@code
 * /metainfo/...} answers {@link #metainfo(int, byte[])}, {@code /healthz} answers {@link
 * #health(int)} (200 by default). {@link #stop()} closes the port, as a killed seeder would.
 * Records the metainfo requests only.
 */
public final class SettableSeeder implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final List<URI> metainfoRequests = new CopyOnWriteArrayList<>();
  private final int port;
  private volatile int metainfoStatus = 200;
  private volatile byte[] metainfoBody = new byte[0];
  private volatile int healthStatus = 200;

  public SettableSeeder() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.setExecutor(executor);
    server.createContext(
        "/metainfo/",
        exchange -> {
          metainfoRequests.add(exchange.getRequestURI());
          answer(exchange, metainfoStatus, metainfoBody);
        });
    server.createContext("/healthz", exchange -> answer(exchange, healthStatus, "ok\n".getBytes()));
    server.start();
    port = server.getAddress().getPort();
  }

  private static void answer(com.sun.net.httpserver.HttpExchange exchange, int status, byte[] body)
      throws IOException {
    try (exchange) {
      exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  public SettableSeeder metainfo(int status, byte[] body) {
    this.metainfoStatus = status;
    this.metainfoBody = body;
    return this;
  }

  public SettableSeeder health(int status) {
    this.healthStatus = status;
    return this;
  }

  public URI uri() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public List<URI> metainfoRequests() {
    return metainfoRequests;
  }

  /** Closes the port: connections are refused from now on. */
  public void stop() {
    server.stop(0);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  @Override
  public String toString() {
    return "SettableSeeder[" + uri() + "]";
  }
}
