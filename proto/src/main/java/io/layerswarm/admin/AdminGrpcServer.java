package io.layerswarm.admin;

import io.grpc.BindableService;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.layerswarm.core.Listening;
import io.layerswarm.core.SetupException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.GeneralSecurityException;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An admin gRPC API on TCP, as the tracker and the seeder serve theirs on {@code
 * <role>.admin-listen}: TLS when {@code <role>.admin-tls-cert} and {@code <role>.admin-tls-key} are
 * configured, plaintext otherwise, and the bearer token check ({@code <role>.admin-token}) in front
 * of every call when a token is configured. Calls run on a fixed pool of its own. Thread-safe.
 */
public final class AdminGrpcServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AdminGrpcServer.class);
  private static final long CLOSE_TIMEOUT_MILLIS = 2_000;

  private final Server server;
  private final ExecutorService executor;
  private final InetSocketAddress address;

  private AdminGrpcServer(Server server, ExecutorService executor, InetSocketAddress address) {
    this.server = server;
    this.executor = executor;
    this.address = address;
  }

  /**
   * Binds and starts.
   *
   * @param role "tracker" or "seeder": names the config keys in messages, and the threads
   * @param threads how many calls run at once; others queue
   * @throws IOException naming {@code <role>.admin-listen} when the address cannot be bound, or the
   *     TLS keys when TLS cannot be set up with their certificate and key
   */
  public static AdminGrpcServer start(
      String role,
      InetSocketAddress listen,
      Optional<String> token,
      Optional<AdminTls> tls,
      int threads,
      BindableService service)
      throws IOException {
    NettyServerBuilder builder = builder(role, listen, tls);
    ExecutorService executor = Executors.newFixedThreadPool(threads, daemonThreads(role));
    Server server =
        builder
            .executor(executor)
            .addService(
                token.isPresent()
                    ? ServerInterceptors.intercept(
                        service, new BearerTokenInterceptor(token.get(), role))
                    : service.bindService())
            .build();
    try {
      server.start();
    } catch (IOException | RuntimeException e) {
      server.shutdownNow();
      executor.shutdownNow();
      throw SetupException.cannotListen(role + ".admin-listen", listen, e);
    }
    InetSocketAddress bound = listen;
    for (SocketAddress socket : server.getListenSockets()) {
      if (socket instanceof InetSocketAddress inet) {
        bound = inet;
        break;
      }
    }
    exposure(role, bound, token.isPresent(), tls.isPresent()).ifPresent(log::warn);
    log.info(
        "{} admin API on {}{}{}",
        role,
        Listening.hostPort(bound),
        tls.map(t -> " (TLS as " + t.subject() + ")").orElse(" (plaintext)"),
        token.isPresent() ? " with bearer token" : "");
    return new AdminGrpcServer(server, executor, bound);
  }

  /** Plaintext, or TLS with the certificate and key of {@code tls}. */
  private static NettyServerBuilder builder(
      String role, InetSocketAddress listen, Optional<AdminTls> tls) throws IOException {
    if (tls.isEmpty()) {
      return NettyServerBuilder.forAddress(listen, InsecureServerCredentials.create());
    }
    try {
      // Netty builds its TLS context here, so a key it cannot use fails now, not per handshake.
      return NettyServerBuilder.forAddress(listen, tls.get().serverCredentials());
    } catch (GeneralSecurityException | IOException | RuntimeException e) {
      throw new IOException(
          role
              + ".admin-tls-cert, "
              + role
              + ".admin-tls-key: cannot set up"
              + " TLS with "
              + tls.get()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /**
   * What is exposed when the API is bound to {@code bound}, if anything: on loopback nothing leaves
   * the host; elsewhere, no token lets anyone call it, and a token without TLS crosses the network
   * in clear text with every call.
   */
  static Optional<String> exposure(
      String role, InetSocketAddress bound, boolean token, boolean tls) {
    if (bound.getAddress() == null || bound.getAddress().isLoopbackAddress()) {
      return Optional.empty();
    }
    if (!token) {
      return Optional.of(
          role
              + " admin API on "
              + bound
              + " without "
              + role
              + ".admin-token:"
              + " anyone who can reach it may call it");
    }
    if (!tls) {
      return Optional.of(
          role
              + " admin API on "
              + bound
              + " without TLS: "
              + role
              + ".admin-token crosses the network in clear text; set "
              + role
              + ".admin-tls-cert and "
              + role
              + ".admin-tls-key, or bind "
              + role
              + ".admin-listen to loopback");
    }
    return Optional.empty();
  }

  private static ThreadFactory daemonThreads(String role) {
    AtomicInteger next = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, role + "-admin-" + next.getAndIncrement());
      thread.setDaemon(true);
      return thread;
    };
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
