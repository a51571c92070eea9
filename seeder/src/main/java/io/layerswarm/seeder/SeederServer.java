package io.layerswarm.seeder;

import io.layerswarm.registry.client.Upstreams;
import io.layerswarm.registry.store.FileBlobStore;
import io.layerswarm.seeder.store.FileMetainfoStore;
import io.layerswarm.swarm.EngineConfig;
import io.layerswarm.swarm.SwarmEngine;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running seeder: the swarm engine on the peer port, the {@link SeederService} over the data
 * directory ({@code <data-dir>/blobs/sha256/<hex>}, {@code <data-dir>/tmp/} and {@code
 * <data-dir>/metainfo/<hex>.torrent}), and the HTTP control
 * endpoint ({@code GET /metainfo/sha256:<hex>?registry=&repo=}, {@code GET /healthz}).
 *
 * <p>{@link #start} reindexes the data directory before it accepts requests, so every blob held is
 * seeded again without a download.
 */
public final class SeederServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SeederServer.class);
  /**
   * The User-Agent the launcher should give the seeder's upstream clients ({@code
   * HttpUpstreamRegistry}), so that origin access logs tell seeders from agents.
   */
  public static String userAgent() {
    String version = SeederServer.class.getPackage().getImplementationVersion();
    return "layerswarm-seeder/" + (version == null ? "dev" : version);
  }

  /** Threads that run blocking metainfo lookups (origin fetches, hashing). */
  static final int LOOKUP_THREADS = 8;
  /** Lookups waiting for a thread; beyond this the endpoint answers 503. */
  static final int LOOKUP_QUEUE = 64;

  private final SwarmEngine engine;
  private final SeederService service;
  private final ExecutorService lookups;
  private final EventLoopGroup eventLoops;
  private final Channel serverChannel;
  private final InetSocketAddress address;

  private SeederServer(
      SwarmEngine engine,
      SeederService service,
      ExecutorService lookups,
      EventLoopGroup eventLoops,
      Channel serverChannel) {
    this.engine = engine;
    this.service = service;
    this.lookups = lookups;
    this.eventLoops = eventLoops;
    this.serverChannel = serverChannel;
    this.address = (InetSocketAddress) serverChannel.localAddress();
  }

  /**
   * Opens the data directory, starts the engine, reindexes, and binds the control endpoint.
   *
   * @param upstreams the registries the seeder may fetch from; others are refused
   */
  public static SeederServer start(SeederConfig config, Upstreams upstreams)
      throws SeederException {
    Path dataDir = config.dataDir();
    FileBlobStore blobs;
    FileMetainfoStore metainfos;
    try {
      Files.createDirectories(dataDir);
      blobs = new FileBlobStore(dataDir);
      metainfos = FileMetainfoStore.open(dataDir.resolve("metainfo"));
    } catch (IOException e) {
      throw new SeederException("open seeder.data-dir " + dataDir + ": " + e, e);
    }

    SwarmEngine engine;
    try {
      engine = SwarmEngine.start(engineConfig(config));
    } catch (IOException e) {
      throw new SeederException(
          "start the swarm engine on seeder.peer-listen " + config.peerListen() + ": " + e, e);
    }
    ExecutorService lookups = null;
    EventLoopGroup eventLoops = null;
    try {
      SeederService service =
          new SeederService(
              upstreams, blobs, metainfos, engine, config.trackerAnnounce(),
              config.originTimeout());
      service.reindex();

      ThreadPoolExecutor lookupPool =
          new ThreadPoolExecutor(
              LOOKUP_THREADS, LOOKUP_THREADS, 60, TimeUnit.SECONDS,
              new ArrayBlockingQueue<>(LOOKUP_QUEUE),
              new DefaultThreadFactory("seeder-lookup", true),
              new ThreadPoolExecutor.AbortPolicy());
      lookupPool.allowCoreThreadTimeOut(true);
      lookups = lookupPool;
      eventLoops =
          new MultiThreadIoEventLoopGroup(
              1, new DefaultThreadFactory("seeder-http", true), NioIoHandler.newFactory());
      ChannelFuture bound =
          new ServerBootstrap()
              .group(eventLoops)
              .channel(NioServerSocketChannel.class)
              .childHandler(new ControlChannelInitializer(service::metainfo, lookups))
              .bind(config.listen())
              .awaitUninterruptibly();
      if (!bound.isSuccess()) {
        Throwable cause = bound.cause();
        throw new SeederException("bind seeder.listen " + config.listen() + ": " + cause, cause);
      }
      SeederServer server = new SeederServer(engine, service, lookups, eventLoops, bound.channel());
      log.info("seeder control endpoint on {}, peers on {}, data in {}", server.address(),
          engine.listenAddress(), dataDir);
      return server;
    } catch (SeederException | RuntimeException | Error e) {
      shutdown(engine, lookups, eventLoops);
      throw e;
    }
  }

  private static EngineConfig engineConfig(SeederConfig config) {
    EngineConfig defaults = EngineConfig.defaults(config.peerListen());
    return new EngineConfig(
        config.peerListen(),
        defaults.announceHost(),
        config.uploadBytesPerSecond(),
        defaults.downloadBytesPerSecond(),
        defaults.maxConnectionsPerTorrent(),
        defaults.maxConnections(),
        defaults.announceInterval(),
        defaults.announceParams());
  }

  /** The bound control endpoint address (with the real port when configured with port 0). */
  public InetSocketAddress address() {
    return address;
  }

  /**
   * {@code http://host:port/} of the control endpoint. A wildcard bind address is given as the
   * loopback address.
   */
  public URI baseUri() {
    InetAddress host = address.getAddress();
    if (host == null || host.isAnyLocalAddress()) {
      host = InetAddress.getLoopbackAddress();
    }
    String literal = host.getHostAddress();
    if (literal.indexOf(':') >= 0) {
      int scope = literal.indexOf('%');
      literal = "[" + (scope >= 0 ? literal.substring(0, scope) : literal) + "]";
    }
    try {
      return new URI("http://" + literal + ":" + address.getPort() + "/");
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot form a URI for " + address, e);
    }
  }

  public SeederService service() {
    return service;
  }

  public SwarmEngine engine() {
    return engine;
  }

  /**
   * Stops accepting requests, abandons lookups still running (their clients get no answer), and
   * stops the engine. Files stay.
   */
  @Override
  public void close() {
    serverChannel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    shutdown(engine, lookups, eventLoops);
    log.info("seeder on {} stopped", address);
  }

  private static void shutdown(
      SwarmEngine engine, ExecutorService lookups, EventLoopGroup eventLoops) {
    if (eventLoops != null) {
      eventLoops.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    if (lookups != null) {
      lookups.shutdownNow();
      try {
        if (!lookups.awaitTermination(5, TimeUnit.SECONDS)) {
          log.warn("metainfo lookups still running after 5 s; closing the engine anyway");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      engine.close();
    } catch (RuntimeException e) {
      log.warn("closing the swarm engine failed", e);
    }
  }
}
