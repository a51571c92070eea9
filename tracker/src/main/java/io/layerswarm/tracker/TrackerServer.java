package io.layerswarm.tracker;

import com.google.common.net.InetAddresses;
import io.layerswarm.admin.AdminGrpcServer;
import io.layerswarm.core.Listening;
import io.layerswarm.core.SetupException;
import io.layerswarm.core.auth.HttpAuth;
import io.layerswarm.core.health.Liveness;
import io.layerswarm.tracker.admin.DigestIndex;
import io.layerswarm.tracker.admin.FleetPreheats;
import io.layerswarm.tracker.admin.TrackerAdminService;
import io.layerswarm.tracker.announce.AnnounceEndpoint;
import io.layerswarm.tracker.announce.AnnouncePolicy;
import io.layerswarm.tracker.announce.ScrapeEndpoint;
import io.layerswarm.tracker.fleet.Fleet;
import io.layerswarm.tracker.fleet.InMemoryFleetStore;
import io.layerswarm.tracker.http.BoundedExecutor;
import io.layerswarm.tracker.http.MetainfoFetcher;
import io.layerswarm.tracker.http.TrackerChannelInitializer;
import io.layerswarm.tracker.http.TrackerMetrics;
import io.layerswarm.tracker.metainfo.HttpMetainfoSource;
import io.layerswarm.tracker.metainfo.MetainfoSource;
import io.layerswarm.tracker.peerstore.PeerStore;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tracker service: a BitTorrent HTTP tracker (BEP 3 announce with BEP 23 compact and BEP 7 IPv6
 * peers, BEP 48 scrape) that also serves torrent metainfo by blob digest, taken from the seeders
 * through a {@link MetainfoSource}.
 *
 * <p>Endpoints: {@code GET /announce}, {@code /scrape}, {@code /metainfo/sha256:<hex>?registry=
 * <host[:port]>&repo=<name>}, {@code /fleet} (agents' polls for fleet preheats; the member
 * endpoints: with a cluster secret, only for requests signed with it, see {@link
 * io.layerswarm.core.auth.HttpSignature}), {@code /healthz} (503 while the peer store is
 * unavailable), {@code /metrics}; everything else is 404.
 *
 * <p>Threads: {@value #IO_THREADS} Netty event loops parse HTTP and write responses, and never call
 * the peer store. Every store call (announce, scrape, health check, metrics, and the periodic
 * expiry sweep) runs on a bounded store pool ({@value #STORE_THREADS} threads, {@value
 * #STORE_QUEUE} waiting; beyond that announces get the failure reason "tracker busy, retry"), so a
 * slow or unreachable Redis never holds an event loop. Metainfo fetches run on their own bounded
 * pool. All time decisions use the injected clock.
 *
 * <p>Replicas: several servers whose stores share one Redis (see {@link PeerStores#open}) hand out
 * each other's peers; clients list every replica's URL and move on when one fails.
 */
public final class TrackerServer implements AutoCloseable {
  static final int IO_THREADS = 2;

  /** Peer-store calls running at once, and waiting; more are answered "busy". */
  static final int STORE_THREADS = 8;

  static final int STORE_QUEUE = 512;
  private static final long BIND_TIMEOUT_SECONDS = 10;

  /** An event loop that takes longer than this to run a heartbeat makes /healthz answer 503. */
  static final Duration HEALTH_LIMIT = Duration.ofSeconds(10);

  private static final long CLOSE_TIMEOUT_SECONDS = 5;
  private static final Logger log = LoggerFactory.getLogger(TrackerServer.class);

  private final Channel serverChannel;
  private final EventLoopGroup group;
  private final MetainfoFetcher fetcher;
  private final BoundedExecutor storeExecutor;
  private final TrackerMetrics metrics;
  private final ScheduledFuture<?> sweep;
  private final InetSocketAddress address;
  private final AtomicBoolean closed = new AtomicBoolean();

  /** The admin gRPC API, when {@code tracker.admin-listen} is set; set once by start. */
  private volatile Optional<AdminGrpcServer> admin = Optional.empty();

  /** Streams {@code FleetPreheat} progress, with the admin API; set once by start. */
  private volatile Optional<FleetPreheats> fleetPreheats = Optional.empty();

  private TrackerServer(
      InetSocketAddress listen,
      Channel serverChannel,
      EventLoopGroup group,
      MetainfoFetcher fetcher,
      BoundedExecutor storeExecutor,
      TrackerMetrics metrics,
      ScheduledFuture<?> sweep) {
    this.serverChannel = serverChannel;
    this.group = group;
    this.fetcher = fetcher;
    this.storeExecutor = storeExecutor;
    this.metrics = metrics;
    this.sweep = sweep;
    this.address = Listening.bound(listen, serverChannel.localAddress());
  }

  /**
   * Binds {@code config.listen()} and starts serving; returns once the port is bound.
   *
   * @param store the peer store, usually from {@link PeerStores#open}; the caller closes it after
   *     this server
   * @param metainfo where {@code /metainfo} gets torrents, e.g. {@link HttpMetainfoSource}
   * @param clock decides peer expiry ({@code InstantSource.system()} in production)
   * @throws TrackerException if the address cannot be bound
   */
  public static TrackerServer start(
      TrackerConfig config, PeerStore store, MetainfoSource metainfo, InstantSource clock)
      throws TrackerException {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(metainfo, "metainfo");
    Objects.requireNonNull(clock, "clock");

    AnnouncePolicy policy =
        new AnnouncePolicy(
            config.announceInterval(),
            config.minAnnounceInterval(),
            config.peerTtl(),
            config.defaultNumwant(),
            config.maxNumwant(),
            config.trustedProxies());
    TrackerMetrics metrics = new TrackerMetrics(store, clock);
    // With the admin API, remember which swarm each served digest is (digests in its answers).
    DigestIndex digests = new DigestIndex();
    MetainfoSource served =
        config.adminListen().isEmpty()
            ? metainfo
            : (digest, registry, repo) -> {
              byte[] torrent = metainfo.metainfo(digest, registry, repo);
              digests.record(digest, torrent);
              return torrent;
            };
    MetainfoFetcher fetcher =
        new MetainfoFetcher(served, MetainfoFetcher.DEFAULT_THREADS, MetainfoFetcher.DEFAULT_QUEUE);
    BoundedExecutor storeExecutor =
        new BoundedExecutor("tracker-store", STORE_THREADS, STORE_QUEUE);
    HttpAuth auth = HttpAuth.of(config.clusterSecret(), clock);
    // Fleet preheats live in this process: agents poll every tracker they know (docs/decisions.md
    // 27), so the replica an admin asks sees every agent.
    Fleet fleet = new Fleet(new InMemoryFleetStore(), clock, new SecureRandom());
    metrics.fleet(fleet::agents);
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(
            IO_THREADS, new DefaultThreadFactory("tracker-io"), NioIoHandler.newFactory());

    Liveness liveness =
        new Liveness(clock, HEALTH_LIMIT)
            .loops("tracker-io", group)
            .stopped("tracker-store", storeExecutor::stopped);
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            // As deep as the kernel allows (net.core.somaxconn): when thousands of hosts start at
            // once their connections queue here; with 1024 the kernel dropped the rest's SYNs.
            .option(ChannelOption.SO_BACKLOG, NetUtil.SOMAXCONN)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new TrackerChannelInitializer(
                    store,
                    storeExecutor,
                    new AnnounceEndpoint(store, clock, policy),
                    new ScrapeEndpoint(store, clock),
                    fetcher,
                    metrics,
                    auth,
                    config.connectionLimits(),
                    config.trustedProxies(),
                    () -> {
                      // Each /healthz sends the heartbeats it judges next time: a loop that died
                      // refuses at once, one that is stuck shows once its beat waited too long.
                      liveness.beat();
                      return liveness.problems();
                    },
                    fleet));

    ChannelFuture bind = bootstrap.bind(config.listen());
    if (!bind.awaitUninterruptibly(BIND_TIMEOUT_SECONDS, TimeUnit.SECONDS) || !bind.isSuccess()) {
      bind.channel().close();
      fetcher.close();
      storeExecutor.close();
      group
          .shutdownGracefully(0, CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS)
          .awaitUninterruptibly(CLOSE_TIMEOUT_SECONDS * 2, TimeUnit.SECONDS);
      metrics.close();
      if (bind.cause() == null) {
        throw new TrackerException("start tracker on " + config.listen() + ": bind timed out");
      }
      SetupException setup =
          SetupException.cannotListen("tracker.listen", config.listen(), bind.cause());
      throw new TrackerException(setup.getMessage(), setup);
    }

    // The sweep only frees memory: reads already ignore expired peers. Once per interval is
    // enough for that. The timer fires on an event loop; the sweep itself runs on the store
    // pool, and a tick is skipped while the previous sweep still runs.
    long every = config.announceInterval().toSeconds();
    AtomicBoolean sweeping = new AtomicBoolean();
    ScheduledFuture<?> sweep =
        group
            .next()
            .scheduleAtFixedRate(
                () -> {
                  if (!sweeping.compareAndSet(false, true)) {
                    return;
                  }
                  storeExecutor
                      .submit(() -> store.sweep(clock.instant()))
                      .whenComplete(
                          (removed, error) -> {
                            sweeping.set(false);
                            if (error != null) {
                              log.warn("peer store sweep failed: {}", error.toString());
                            } else if (removed > 0) {
                              log.debug("expired {} peers", removed);
                            }
                          });
                },
                every,
                every,
                TimeUnit.SECONDS);

    TrackerServer server =
        new TrackerServer(
            config.listen(), bind.channel(), group, fetcher, storeExecutor, metrics, sweep);
    if (config.adminListen().isPresent()) {
      FleetPreheats preheats = new FleetPreheats(fleet, clock);
      server.fleetPreheats = Optional.of(preheats);
      try {
        server.admin =
            Optional.of(
                AdminGrpcServer.start(
                    "tracker",
                    config.adminListen().get(),
                    config.adminToken(),
                    config.adminTls(),
                    TrackerAdminService.THREADS,
                    new TrackerAdminService(
                        store,
                        storeExecutor::submit,
                        clock,
                        digests,
                        hostPort(server.address()),
                        auth.required(),
                        Optional.of(preheats))));
      } catch (IOException e) {
        server.close();
        throw new TrackerException(e.getMessage(), e);
      }
    }
    if (auth.required()) {
      log.info(
          "tracker listening on {} with peer store {}; announce, scrape and metainfo need requests"
              + " signed with the cluster secret",
          Listening.hostPort(server.address()),
          store);
    } else {
      log.info(
          "tracker listening on {} with peer store {}",
          Listening.hostPort(server.address()),
          store);
      log.warn(
          "open mode: no cluster.secret-file, so anyone who reaches {} can announce, scrape, and"
              + " fetch any blob's metainfo (which makes a seeder pull the blob from the origin"
              + " with its credentials); set cluster.secret-file on every member (docs/security.md)",
          Listening.hostPort(server.address()));
    }
    return server;
  }

  /** The bound admin API address, when {@code tracker.admin-listen} is set. */
  public Optional<InetSocketAddress> adminAddress() {
    return admin.map(AdminGrpcServer::address);
  }

  private static String hostPort(InetSocketAddress address) {
    return InetAddresses.toUriString(address.getAddress()) + ":" + address.getPort();
  }

  /** The bound address; with port 0 in the config, the port actually chosen. */
  public InetSocketAddress address() {
    return address;
  }

  /**
   * {@code http://host:port/announce} for this server; it never holds a secret. For a wildcard bind
   * ({@code 0.0.0.0}) the host is the loopback address; clients on other hosts need the advertised
   * name instead.
   */
  public URI announceUri() {
    InetAddress ip = address.getAddress();
    InetAddress host = ip.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : ip;
    return URI.create(
        "http://" + InetAddresses.toUriString(host) + ":" + address.getPort() + "/announce");
  }

  /**
   * Stops accepting, fails waiting metainfo requests with 502, closes the connections and stops the
   * threads. Does not close the peer store. Bounded: returns within about {@value
   * #CLOSE_TIMEOUT_SECONDS} seconds plus the pools' short waits. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    admin.ifPresent(AdminGrpcServer::close);
    fleetPreheats.ifPresent(FleetPreheats::close);
    sweep.cancel(false);
    serverChannel.close().awaitUninterruptibly(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    storeExecutor.close();
    fetcher.close();
    // A short quiet period lets the 502s written by fetcher.close() go out.
    group
        .shutdownGracefully(100, CLOSE_TIMEOUT_SECONDS * 1000, TimeUnit.MILLISECONDS)
        .awaitUninterruptibly(CLOSE_TIMEOUT_SECONDS * 2, TimeUnit.SECONDS);
    metrics.close();
    log.info("tracker on {} closed", Listening.hostPort(address));
  }
}
