package io.layerswarm.registry.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A registry (or storage, or token server) fake on 127.0.0.1:0. Handlers are keyed by exact path;
 * everything else gets a 404 with an OCI error body. Every request is recorded.
 */
final class FakeHttpServer implements AutoCloseable {
  /** A request as the server saw it; header names are lowercase. */
  record Request(String method, String path, String query, Map<String, List<String>> headers) {
    List<String> header(String name) {
      return headers.getOrDefault(name.toLowerCase(java.util.Locale.ROOT), List.of());
    }
  }

  interface Handler {
    void handle(HttpExchange exchange) throws IOException;
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final Map<String, Handler> handlers = new ConcurrentHashMap<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();

  FakeHttpServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            Map<String, List<String>> headers = new ConcurrentHashMap<>();
            exchange
                .getRequestHeaders()
                .forEach(
                    (k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), List.copyOf(v)));
            requests.add(
                new Request(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath(),
                    exchange.getRequestURI().getRawQuery(),
                    headers));
            try (InputStream in = exchange.getRequestBody()) {
              in.readAllBytes();
            }
            Handler handler = handlers.get(exchange.getRequestURI().getRawPath());
            if (handler == null) {
              respond(
                  exchange,
                  404,
                  Map.of("Content-Type", "application/json"),
                  "{\"errors\":[{\"code\":\"NAME_UNKNOWN\",\"message\":\"repository name not known to registry\"}]}"
                      .getBytes(StandardCharsets.UTF_8));
            } else {
              handler.handle(exchange);
            }
          }
        });
    server.setExecutor(executor);
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  FakeHttpServer on(String path, Handler handler) {
    handlers.put(path, handler);
    return this;
  }

  List<Request> requests() {
    return List.copyOf(requests);
  }

  List<Request> requests(String path) {
    return requests.stream().filter(r -> r.path().equals(path)).toList();
  }

  /** Sends status, headers and body; for HEAD only the headers, with Content-Length set. */
  static void respond(HttpExchange exchange, int status, Map<String, String> headers, byte[] body)
      throws IOException {
    headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
    if (exchange.getRequestMethod().equals("HEAD")) {
      if (!exchange.getResponseHeaders().containsKey("Content-Length")) {
        exchange.getResponseHeaders().set("Content-Length", Long.toString(body.length));
      }
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /** Sends the body chunked, with no Content-Length. */
  static void respondChunked(
      HttpExchange exchange, int status, Map<String, String> headers, byte[] body)
      throws IOException {
    headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
    exchange.sendResponseHeaders(status, 0);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  static void respondError(HttpExchange exchange, int status, String code, String message)
      throws IOException {
    respond(
        exchange,
        status,
        Map.of("Content-Type", "application/json"),
        ("{\"errors\":[{\"code\":\""
                + code
                + "\",\"message\":\""
                + message
                + "\",\"detail\":null}]}")
            .getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
