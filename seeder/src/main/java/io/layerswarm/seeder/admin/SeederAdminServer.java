package io.layerswarm.seeder.admin;

import io.grpc.BindableService;
import io.layerswarm.admin.AdminGrpcServer;
import io.layerswarm.admin.AdminTls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * Serves the seeder's admin gRPC API on TCP ({@code seeder.admin-listen}): over TLS with {@code
 * seeder.admin-tls-cert} and {@code seeder.admin-tls-key}, with the bearer token check ({@code
 * seeder.admin-token}) in front of every call when a token is configured. Thread-safe.
 */
public final class SeederAdminServer implements AutoCloseable {
  /** Admin calls block (a preheat until its last blob); this many run at once, others queue. */
  static final int THREADS = 8;

  private final AdminGrpcServer server;

  private SeederAdminServer(AdminGrpcServer server) {
    this.server = server;
  }

  /**
   * Binds and starts.
   *
   * @throws IOException naming {@code seeder.admin-listen} when the address cannot be bound, or the
   *     TLS keys when TLS cannot be set up
   */
  public static SeederAdminServer start(
      InetSocketAddress listen,
      Optional<String> token,
      Optional<AdminTls> tls,
      BindableService service)
      throws IOException {
    return new SeederAdminServer(
        AdminGrpcServer.start("seeder", listen, token, tls, THREADS, service));
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
