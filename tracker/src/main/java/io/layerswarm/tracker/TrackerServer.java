package io.layerswarm.tracker;

import com.google.common.net.InetAddresses;
import io.layerswarm.tracker.announce.AnnounceEndpoint;
import io.layerswarm.tracker.announce.AnnouncePolicy;
import io.layerswarm.tracker.announce.ScrapeEndpoint;
import io.layerswarm.tracker.peerstore.PeerStore;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tracker service: a BitTorrent HTTP tracker (BEP 3 announce with BEP 23 compact and BEP 7
 * IPv6 peers, BEP 48 scrape) that also serves torrent metainfo by blob digest, taken from the
 * seeders through a {@link MetainfoSource}.
 *
 * <p>Endpoints: {@code GET /announce}, {@code /scrape}, {@code /metainfo/sha256:<hex>?registry=
 * <host[:port]>&repo=<name>}, {@code /healthz}, {@code /metrics}; everything else is 404.
 *
 * <p>Threads: {@value #IO_THREADS} Netty event loops answer HTTP, decide announces and run the
 * periodic expiry sweep of the peer store; metainfo fetches, which block, run on a separate
 * bounded pool. All time decisions use the injected clock.
 */
public final class TrackerServer implements AutoCloseable {
  static final int IO_THREADS = 2;
  private static final long BIND_TIMEOUT_SECONDS = 10;
  private static final long CLOSE_TIMEOUT_SECONDS = 5;
  private static final Logger log = LoggerFactory.getLogger(TrackerServer.class);

  private final Channel serverChannel;
  private final EventLoopGroup group;
  private final MetainfoFetcher fetcher;
  private final TrackerMetrics metrics;
  private final ScheduledFuture<?> sweep;
  private final InetSocketAddress address;
  private final AtomicBoolean closed = new AtomicBoolean();

  private TrackerServer(Channel serverChannel, EventLoopGroup group, MetainfoFetcher fetcher,
      TrackerMetrics metrics, ScheduledFuture<?> sweep) {
    this.serverChannel = serverChannel;
    this.group = group;
    this.fetcher = fetcher;
    this.metrics = metrics;
    this.sweep = sweep;
    this.address = (InetSocketAddress) serverChannel.localAddress();
  }

  /**
   * Binds {@code config.listen()} and starts serving; returns once the port is bound.
   *
   * @param store the peer store, e.g. {@link io.layerswarm.tracker.peerstore.InMemoryPeerStore}
   * @param metainfo where {@code /metainfo} gets torrents, e.g. {@link HttpMetainfoSource}
   * @param clock decides peer expiry ({@code InstantSource.system()} in production)
   * @throws TrackerException if the address cannot be bound
   */
  public static TrackerServer start(TrackerConfig config, PeerStore store,
      MetainfoSource metainfo, InstantSource clock) throws TrackerException {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(metainfo, "metainfo");
    Objects.requireNonNull(clock, "clock");

    AnnouncePolicy policy = new AnnouncePolicy(config.announceInterval(),
        config.minAnnounceInterval(), config.peerTtl(), config.defaultNumwant(),
        config.maxNumwant());
    TrackerMetrics metrics = new TrackerMetrics(store, clock);
    MetainfoFetcher fetcher = new MetainfoFetcher(
        metainfo, MetainfoFetcher.DEFAULT_THREADS, MetainfoFetcher.DEFAULT_QUEUE);
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(
        IO_THREADS, new DefaultThreadFactory("tracker-io"), NioIoHandler.newFactory());

    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new TrackerChannelInitializer(
            new AnnounceHandler(new AnnounceEndpoint(store, clock, policy), metrics),
            new ScrapeHandler(new ScrapeEndpoint(store, clock), metrics),
            new MetainfoHandler(fetcher, metrics),
            new MetricsHandler(metrics)));

    ChannelFuture bind = bootstrap.bind(config.listen());
    if (!bind.awaitUninterruptibly(BIND_TIMEOUT_SECONDS, TimeUnit.SECONDS) || !bind.isSuccess()) {
      bind.channel().close();
      fetcher.close();
      group.shutdownGracefully(0, CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS)
          .awaitUninterruptibly(CLOSE_TIMEOUT_SECONDS * 2, TimeUnit.SECONDS);
      metrics.close();
      throw new TrackerException("start tracker on " + config.listen()
          + (bind.cause() == null ? ": bind timed out" : ": " + bind.cause()), bind.cause());
    }

    // The sweep only frees memory: reads already ignore expired peers. Once per interval is
    // enough for that.
    long every = config.announceInterval().toSeconds();
    ScheduledFuture<?> sweep = group.next().scheduleAtFixedRate(() -> {
      try {
        int removed = store.sweep(clock.instant());
        if (removed > 0) {
          log.debug("expired {} peers", removed);
        }
      } catch (RuntimeException e) {
        log.warn("peer store sweep failed", e);
      }
    }, every, every, TimeUnit.SECONDS);

    TrackerServer server = new TrackerServer(bind.channel(), group, fetcher, metrics, sweep);
    log.info("tracker listening on {}", server.announceUri());
    return server;
  }

  /** The bound address; with port 0 in the config, the port actually chosen. */
  public InetSocketAddress address() {
    return address;
  }

  /**
   * {@code http://host:port/announce} for this server. For a wildcard bind ({@code 0.0.0.0}) the
   * host is the loopback address; clients on other hosts need the advertised name instead.
   */
  public URI announceUri() {
    InetAddress ip = address.getAddress();
    InetAddress host = ip.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : ip;
    return URI.create("http://" + InetAddresses.toUriString(host) + ":" + address.getPort()
        + "/announce");
  }

  /**
   * Stops accepting, fails waiting metainfo requests with 502, closes the connections and stops
   * the threads. Bounded: returns within about {@value #CLOSE_TIMEOUT_SECONDS} seconds plus the
   * fetcher's short wait. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    sweep.cancel(false);
    serverChannel.close().awaitUninterruptibly(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    fetcher.close();
    // A short quiet period lets the 502s written by fetcher.close() go out.
    group.shutdownGracefully(100, CLOSE_TIMEOUT_SECONDS * 1000, TimeUnit.MILLISECONDS)
        .awaitUninterruptibly(CLOSE_TIMEOUT_SECONDS * 2, TimeUnit.SECONDS);
    metrics.close();
    log.info("tracker on {} closed", address);
  }
}
