package io.layerswarm.tracker.admin;

import io.grpc.BindableService;
import io.layerswarm.admin.AdminGrpcServer;
import io.layerswarm.admin.AdminTls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * Serves the tracker's admin gRPC API on TCP ({@code tracker.admin-listen}): over TLS with {@code
 * tracker.admin-tls-cert} and {@code tracker.admin-tls-key}, with the bearer token check ({@code
 * tracker.admin-token}) in front of every call when a token is configured. Thread-safe.
 */
public final class TrackerAdminServer implements AutoCloseable {
  /** The service only submits to the store pool, so two threads are plenty. */
  static final int THREADS = 2;

  private final AdminGrpcServer server;

  private TrackerAdminServer(AdminGrpcServer server) {
    this.server = server;
  }

  /**
   * Binds and starts.
   *
   * @throws IOException naming {@code tracker.admin-listen} when the address cannot be bound, or
   *     the TLS keys when TLS cannot be set up
   */
  public static TrackerAdminServer start(
      InetSocketAddress listen,
      Optional<String> token,
      Optional<AdminTls> tls,
      BindableService service)
      throws IOException {
    return new TrackerAdminServer(
        AdminGrpcServer.start("tracker", listen, token, tls, THREADS, service));
  }

  /** The bound address, with the real port when configured with port 0. */
  public InetSocketAddress address() {
    return server.address();
  }

  /** Stops serving; calls in flight get up to 2 s. Idempotent. */
  @Override
  public void close() {
    server.close();
  }
}
