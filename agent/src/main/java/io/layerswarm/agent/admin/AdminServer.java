package io.layerswarm.agent.admin;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.layerswarm.core.SetupException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's admin gRPC API on a Unix domain socket (Linux, epoll). The socket file is mode 0660:
 * root and the agent's group may call it; the file system is the access control, so there is no
 * authentication on top. {@link #close} stops the server and removes the socket file. Thread-safe.
 */
public final class AdminServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AdminServer.class);

  /** sun_path is 108 bytes including the terminating NUL (unix(7)). */
  static final int MAX_PATH_BYTES = 107;

  private static final Set<PosixFilePermission> SOCKET_MODE =
      PosixFilePermissions.fromString("rw-rw----");

  /** Admin calls list the blob store; two threads keep a burst of them off everything else. */
  private static final int THREADS = 2;

  private static final long CLOSE_TIMEOUT_MILLIS = 2_000;
  private static final String KEY = "agent.admin-socket";

  private final Path socket;
  private final Server server;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final ExecutorService executor;
  private boolean closed;

  private AdminServer(
      Path socket,
      Server server,
      EventLoopGroup boss,
      EventLoopGroup workers,
      ExecutorService executor) {
    this.socket = socket;
    this.server = server;
    this.boss = boss;
    this.workers = workers;
    this.executor = executor;
  }

  /**
   * Creates the socket's parent directory if missing, removes a stale socket file left by an agent
   * that died, binds, and sets the file's mode to 0660.
   *
   * @throws IOException naming {@code agent.admin-socket} if the path is too long, is not a socket,
   *     is served by a running process, or cannot be bound; or if epoll is unavailable
   */
  public static AdminServer start(Path socket, AgentView agent) throws IOException {
    int length = socket.toString().getBytes(StandardCharsets.UTF_8).length;
    if (length > MAX_PATH_BYTES) {
      throw new IOException(
          KEY
              + ": "
              + socket
              + " is "
              + length
              + " bytes; Unix socket paths"
              + " allow at most "
              + MAX_PATH_BYTES
              + ". Choose a shorter path");
    }
    if (!Epoll.isAvailable()) {
      throw new IOException(
          KEY + ": serving " + socket + " needs Linux epoll: " + Epoll.unavailabilityCause());
    }
    Path parent = socket.toAbsolutePath().getParent();
    try {
      Files.createDirectories(parent);
    } catch (IOException e) {
      // Without systemd nobody made /run/layerswarm (the units' RuntimeDirectory=).
      throw new SetupException(
          KEY
              + ": cannot create the directory "
              + parent
              + " for "
              + socket
              + " ("
              + e.getClass().getSimpleName()
              + "); create it owned by the daemon's user (install -d -o layerswarm -g layerswarm"
              + " -m 0750 "
              + parent
              + "), or set "
              + KEY
              + " (--admin-socket) to another path, or to \"\" to disable the admin API",
          e);
    }
    removeStale(socket);

    EventLoopGroup boss =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("agent-admin-accept", true), EpollIoHandler.newFactory());
    EventLoopGroup workers =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("agent-admin-io", true), EpollIoHandler.newFactory());
    ExecutorService executor =
        Executors.newFixedThreadPool(
            THREADS,
            new ThreadFactoryBuilder().setNameFormat("agent-admin-%d").setDaemon(true).build());
    Server server =
        NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
            .channelType(EpollServerDomainSocketChannel.class)
            // gRPC sets SO_KEEPALIVE on every connection; Unix sockets have no such option and
            // Netty
            // warns about it per connection. A null value removes the option.
            .withChildOption(ChannelOption.SO_KEEPALIVE, null)
            .bossEventLoopGroup(boss)
            .workerEventLoopGroup(workers)
            .executor(executor)
            .addService(new AgentAdminService(agent))
            .build();
    AdminServer admin = new AdminServer(socket, server, boss, workers, executor);
    try {
      server.start();
    } catch (IOException | RuntimeException e) {
      admin.close();
      throw new SetupException(KEY + ": cannot bind " + socket + ": " + e.getMessage(), e);
    }
    try {
      Files.setPosixFilePermissions(socket, SOCKET_MODE);
    } catch (IOException | RuntimeException e) {
      admin.close();
      throw new IOException(KEY + ": cannot set mode 0660 on " + socket + ": " + e, e);
    }
    log.info("agent admin API on unix:{}", socket);
    return admin;
  }

  public Path socket() {
    return socket;
  }

  /** Stops serving (calls in flight get up to 2 s), then removes the socket file. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
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
    boss.shutdownGracefully(0, CLOSE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
        .awaitUninterruptibly(CLOSE_TIMEOUT_MILLIS);
    workers
        .shutdownGracefully(0, CLOSE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
        .awaitUninterruptibly(CLOSE_TIMEOUT_MILLIS);
    // Netty leaves the socket file behind; a later start would only find it stale.
    try {
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      log.warn("removing the admin socket {}: {}", socket, e.toString());
    }
  }

  /**
   * Removes a socket file nobody listens on. A live socket means another agent serves this path:
   * taking it over would cut that agent off from its admins, so that is an error.
   */
  private static void removeStale(Path socket) throws IOException {
    BasicFileAttributes attributes;
    try {
      attributes =
          Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (java.nio.file.NoSuchFileException e) {
      return;
    }
    // Sockets are "other": neither file, directory nor link. Never delete anything else.
    if (!attributes.isOther()) {
      throw new SetupException(KEY + ": " + socket + " exists and is not a socket", null);
    }
    try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      probe.connect(UnixDomainSocketAddress.of(socket));
    } catch (ConnectException e) {
      log.info("removing stale admin socket {}", socket);
      Files.deleteIfExists(socket);
      return;
    } catch (IOException e) {
      throw new IOException(KEY + ": cannot check whether " + socket + " is in use: " + e, e);
    }
    throw new SetupException(
        KEY
            + ": "
            + socket
            + " is in use by a running process (another"
            + " agent?); stop it or choose another path",
        null);
  }
}
