package io.layerswarm.tracker.admin;

import io.layerswarm.admin.BearerTokenInterceptor;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the tracker's admin gRPC API on TCP ({@code tracker.admin-listen}), with the bearer
 * token check ({@code tracker.admin-token}) in front of every call when a token is configured.
 * Plaintext: bind it to loopback or a management network. Thread-safe.
 */
public final class TrackerAdminServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TrackerAdminServer.class);
  /** The service only submits to the store pool, so two threads are plenty. */
  static final int THREADS = 2;
  private static final long CLOSE_TIMEOUT_MILLIS = 2_000;

  private final Server server;
  private final ExecutorService executor;
  private final InetSocketAddress address;

  private TrackerAdminServer(Server server, ExecutorService executor, InetSocketAddress address) {
    this.server = server;
    this.executor = executor;
    this.address = address;
  }

  /**
   * Binds and starts.
   *
   * @throws IOException naming {@code tracker.admin-listen} when the address cannot be bound
   */
  public static TrackerAdminServer start(InetSocketAddress listen, Optional<String> token,
      BindableService service) throws IOException {
    ExecutorService executor = Executors.newFixedThreadPool(THREADS,
        new ThreadFactoryBuilder().setNameFormat("tracker-admin-%d").setDaemon(true).build());
    Server server = NettyServerBuilder.forAddress(listen)
        .executor(executor)
        .addService(token.isPresent()
            ? ServerInterceptors.intercept(service, new BearerTokenInterceptor(token.get(), "tracker"))
            : service.bindService())
        .build();
    try {
      server.start();
    } catch (IOException | RuntimeException e) {
      server.shutdownNow();
      executor.shutdownNow();
      throw new IOException("tracker.admin-listen: cannot bind " + listen + ": "
          + e.getMessage(), e);
    }
    InetSocketAddress bound = listen;
    for (SocketAddress socket : server.getListenSockets()) {
      if (socket instanceof InetSocketAddress inet) {
        bound = inet;
        break;
      }
    }
    if (token.isEmpty() && !bound.getAddress().isLoopbackAddress()) {
      log.warn("tracker admin API on {} without tracker.admin-token: anyone who can reach it may"
          + " list swarms and peers", bound);
    }
    log.info("tracker admin API on {}{}", bound, token.isPresent() ? " (bearer token)" : "");
    return new TrackerAdminServer(server, executor, bound);
  }

  /** The bound address, with the real port when configured with port 0. */
  public InetSocketAddress address() {
    return address;
  }

  /** Stops serving; calls in flight get up to 2 s. Idempotent. */
  @Override
  public void close() {
    server.shutdown();
    try {
      if (!server.awaitTermination(CLOSE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
    executor.shutdownNow();
  }
}
