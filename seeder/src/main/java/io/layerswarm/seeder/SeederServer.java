package io.layerswarm.seeder;

import io.layerswarm.admin.AdminGrpcServer;
import io.layerswarm.core.Listening;
import io.layerswarm.core.SetupException;
import io.layerswarm.core.auth.HttpAuth;
import io.layerswarm.core.disk.DataDirLock;
import io.layerswarm.core.disk.DiskSpace;
import io.layerswarm.core.disk.FreeSpaceFloor;
import io.layerswarm.core.health.Liveness;
import io.layerswarm.core.ring.HealthChecker;
import io.layerswarm.core.ring.SeederRing;
import io.layerswarm.registry.client.Upstreams;
import io.layerswarm.registry.store.FileBlobStore;
import io.layerswarm.seeder.admin.SeederAdminService;
import io.layerswarm.seeder.evict.AccessLog;
import io.layerswarm.seeder.evict.EvictionSettings;
import io.layerswarm.seeder.evict.Evictor;
import io.layerswarm.seeder.harbor.HarborPreheat;
import io.layerswarm.seeder.http.ControlChannelInitializer;
import io.layerswarm.seeder.http.ControlRequestHandler;
import io.layerswarm.seeder.http.NotificationSinks;
import io.layerswarm.seeder.metrics.SeederMetrics;
import io.layerswarm.seeder.preheat.BlobWarmer;
import io.layerswarm.seeder.preheat.HttpRemoteSeeder;
import io.layerswarm.seeder.preheat.NotificationQueue;
import io.layerswarm.seeder.preheat.PreheatEvent;
import io.layerswarm.seeder.preheat.PreheatService;
import io.layerswarm.seeder.preheat.RingWarmer;
import io.layerswarm.seeder.ring.HttpPeerBlobs;
import io.layerswarm.seeder.ring.LiveRing;
import io.layerswarm.seeder.seeding.SeederException;
import io.layerswarm.seeder.seeding.SeederService;
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
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running seeder: the swarm engine on the peer port, the {@link SeederService} over the data
 * directory ({@code <data-dir>/blobs/sha256/<hex>}, {@code <data-dir>/tmp/} and {@code
 * <data-dir>/metainfo/<hex>.torrent}), the HTTP control endpoint ({@code GET
 * /metainfo/sha256:<hex>?registry=&repo=}, {@code GET /healthz}, {@code GET /metrics}, {@code POST
 * /notifications}), the evictor, the seeder ring with its health checks, preheats, and the admin
 * gRPC API when {@code seeder.admin-listen} is set.
 *
 * <p>{@link #start} re-verifies the blobs of the data directory in the background (sha256) and
 * seeds each again without a download once it passed; until then a request for it fetches it anew.
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

  /** Notified images waiting to be preheated; beyond this new ones are dropped. */
  static final int NOTIFICATION_QUEUE = 256;

  /** An event loop that takes longer than this to run a heartbeat makes /healthz answer 503. */
  static final Duration HEALTH_LIMIT = Duration.ofSeconds(10);

  /** How often the event loops get a heartbeat. */
  static final Duration HEARTBEAT_PERIOD = Duration.ofSeconds(2);

  /** How long a health probe of another seeder may take. */
  static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

  /** How long a previous owner may take to start sending a blob this seeder copies. */
  static final Duration PEER_COPY_HEADERS_TIMEOUT = Duration.ofSeconds(30);

  /** How long another seeder may take to fetch a blob a preheat asked it for. */
  static final Duration REMOTE_WARM_TIMEOUT = Duration.ofMinutes(30);

  /** Everything started so far, closed in reverse order. */
  private final List<AutoCloseable> parts;

  private final SwarmEngine engine;
  private final SeederService service;
  private final Evictor evictor;
  private final LiveRing ring;
  private final URI self;
  private final PreheatService preheat;
  private final Optional<AdminGrpcServer> admin;
  private final InetSocketAddress address;

  private SeederServer(
      List<AutoCloseable> parts,
      SwarmEngine engine,
      SeederService service,
      Evictor evictor,
      LiveRing ring,
      URI self,
      PreheatService preheat,
      Optional<AdminGrpcServer> admin,
      InetSocketAddress address) {
    this.parts = parts;
    this.engine = engine;
    this.service = service;
    this.evictor = evictor;
    this.ring = ring;
    this.self = self;
    this.preheat = preheat;
    this.admin = admin;
    this.address = address;
  }

  /**
   * Opens the data directory, starts the engine, reindexes, and binds the control endpoint (and the
   * admin API when configured).
   *
   * @param upstreams the registries the seeder may fetch from; others are refused
   */
  public static SeederServer start(SeederConfig config, Upstreams upstreams)
      throws SeederException {
    return start(config, upstreams, InstantSource.system());
  }

  /** As {@link #start(SeederConfig, Upstreams)}, with the clock of eviction and health. */
  static SeederServer start(SeederConfig config, Upstreams upstreams, InstantSource clock)
      throws SeederException {
    Path dataDir = config.dataDir();
    HttpAuth auth = HttpAuth.of(config.clusterSecret(), clock);
    List<AutoCloseable> parts = new ArrayList<>();
    FileBlobStore blobs;
    FileMetainfoStore metainfos;
    try {
      parts.add(DataDirLock.acquire(dataDir, "seeder.data-dir"));
      blobs = new FileBlobStore(dataDir);
      metainfos = FileMetainfoStore.open(dataDir.resolve("metainfo"));
    } catch (DataDirLock.DataDirLockedException e) {
      throw new SeederException(e.getMessage(), e);
    } catch (AccessDeniedException e) {
      closeAll(parts);
      throw setup(
          "seeder.data-dir: cannot write "
              + e.getFile()
              + " (permission denied); make "
              + dataDir
              + " writable by the daemon's user (layerswarm), or set another seeder.data-dir");
    } catch (IOException e) {
      closeAll(parts);
      throw new SeederException("open seeder.data-dir " + dataDir + ": " + e, e);
    }

    SwarmEngine engine;
    try {
      engine = SwarmEngine.start(engineConfig(config));
    } catch (BindException e) {
      closeAll(parts);
      SetupException setup =
          SetupException.cannotListen("seeder.peer-listen", config.peerListen(), e);
      throw new SeederException(setup.getMessage(), setup);
    } catch (IOException e) {
      closeAll(parts);
      throw new SeederException(
          "start the swarm engine on seeder.peer-listen " + config.peerListen() + ": " + e, e);
    }
    parts.add(engine);
    try {
      SeederMetrics metrics = new SeederMetrics();
      parts.add(metrics);
      AccessLog access = new AccessLog();
      SeederService service =
          new SeederService(
              upstreams,
              blobs,
              metainfos,
              engine,
              config.trackerAnnounce(),
              config.originTimeout(),
              config.originMinBytesPerSecond(),
              clock,
              access,
              metrics);
      // The blobs of the previous run are checked again (sha256) in the background, each seeded
      // once it passed; the reindex then logs what is left. The seeder serves meanwhile, and a
      // request for a blob not yet verified fetches it from the origin.
      Thread verifier =
          new DefaultThreadFactory("seeder-verify", true)
              .newThread(
                  () -> {
                    blobs.verifyFound(service::seedVerified);
                    if (!Thread.currentThread().isInterrupted()) {
                      try {
                        service.reindex();
                      } catch (SeederException e) {
                        log.warn("reindex after verifying the data directory: {}", e.getMessage());
                      }
                    }
                  });
      verifier.start();
      parts.add(verifier::interrupt);
      metrics.bind(
          service::originBytes,
          engine,
          new SeederMetrics.StoreStats() {
            @Override
            public long blobs() throws IOException {
              return blobs.list().size();
            }

            @Override
            public long bytes() throws IOException {
              return blobs.totalBytes();
            }
          });

      ScheduledExecutorService maintenance = SeederPools.maintenance();
      parts.add(maintenance::shutdownNow);
      DiskSpace disk;
      try {
        disk = DiskSpace.of(dataDir);
      } catch (IOException e) {
        throw new SeederException(
            "read the file system of seeder.data-dir " + dataDir + ": " + e, e);
      }
      Evictor evictor =
          new Evictor(
              service,
              evictionSettings(config),
              access,
              clock,
              metrics::evicted,
              disk,
              new FreeSpaceFloor(config.diskFreeMin()));
      parts.add(evictor);
      evictor.start(maintenance, Evictor.DEFAULT_INTERVAL);
      service.afterFetch(evictor::requestSweep);
      service.useRoom(evictor::makeRoom);

      SeederPools pools = SeederPools.start(parts);
      // Preheats need the ring, and the ring needs this seeder's URL, known once bound; the
      // notification endpoint answers 500 until then (a few milliseconds at start; the registry
      // retries).
      Deferred<ControlRequestHandler.NotificationSink> sink = new Deferred<>();
      Deferred<PreheatService> preheats = new Deferred<>();
      Deferred<LiveRing> liveRing = new Deferred<>();
      HarborPreheat harbor =
          new HarborPreheat(
              upstreams,
              (label, image, listener) ->
                  preheats.get().preheat(label, image, Optional.empty(), listener),
              pools.harborJobs,
              clock,
              SeederAddresses.hostName(),
              SeederAddresses.peerIp(engine.listenAddress(), config));

      EventLoopGroup eventLoops =
          new MultiThreadIoEventLoopGroup(
              1, new DefaultThreadFactory("seeder-http", true), NioIoHandler.newFactory());
      parts.add(
          () ->
              eventLoops
                  .shutdownGracefully(0, 2, TimeUnit.SECONDS)
                  .awaitUninterruptibly(5, TimeUnit.SECONDS));
      // /healthz: 503 once an event loop stops running tasks or a pool has stopped.
      Liveness liveness =
          pools
              .watchedBy(
                  new Liveness(clock, HEALTH_LIMIT)
                      .loops("seeder-http", eventLoops)
                      .loops("swarm-io", engine.eventLoops()))
              .pool("seeder-maintenance", maintenance);
      maintenance.scheduleWithFixedDelay(
          liveness::beat, 0, HEARTBEAT_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
      ChannelFuture bound =
          new ServerBootstrap()
              .group(eventLoops)
              .channel(NioServerSocketChannel.class)
              .childHandler(
                  new ControlChannelInitializer(
                      new InliningLookup(service::metainfo, blobs, config.inlineMaxBytes()),
                      body -> sink.get().accept(body),
                      metrics::scrape,
                      pools.lookups,
                      auth,
                      config.notificationsToken(),
                      liveness::problems,
                      harbor,
                      config.preheatApiToken(),
                      new StoreMemberApi(liveRing, blobs)))
              .bind(config.listen())
              .awaitUninterruptibly();
      if (!bound.isSuccess()) {
        Throwable cause = bound.cause();
        SetupException setup = SetupException.cannotListen("seeder.listen", config.listen(), cause);
        throw new SeederException(setup.getMessage(), setup);
      }
      Channel serverChannel = bound.channel();
      parts.add(() -> serverChannel.close().awaitUninterruptibly(5, TimeUnit.SECONDS));
      InetSocketAddress address = Listening.bound(config.listen(), serverChannel.localAddress());

      URI self = SeederAddresses.selfId(config, address);
      HttpClient http =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(PROBE_TIMEOUT)
              .build();
      LiveRing live =
          LiveRing.start(
              config.ringMembers(),
              config.ringReplicas(),
              self,
              http,
              PROBE_TIMEOUT,
              auth,
              clock,
              maintenance,
              HealthChecker.DEFAULT_INTERVAL);
      parts.add(live);
      liveRing.set(live);
      HealthChecker health = live.health();
      SeederRing seederRing = health.ring();
      service.usePeers(
          new HttpPeerBlobs(live.membership(), self, http, PEER_COPY_HEADERS_TIMEOUT, auth));
      BlobWarmer warmer =
          new RingWarmer(
              health,
              self,
              new LocalWarmer(service),
              new HttpRemoteSeeder(http, REMOTE_WARM_TIMEOUT, auth));
      PreheatService preheat =
          new PreheatService(
              upstreams,
              warmer,
              pools.preheatBlobs,
              event -> {
                if (event.state() == PreheatEvent.State.DONE) {
                  metrics.preheated("done");
                } else if (event.state() == PreheatEvent.State.ERROR) {
                  metrics.preheated("failed");
                }
              });
      preheats.set(preheat);
      NotificationQueue queue =
          new NotificationQueue(
              preheat, upstreams, pools.notified, NOTIFICATION_QUEUE, metrics::notificationEvent);
      sink.set(NotificationSinks.of(queue, metrics));

      Optional<AdminGrpcServer> admin = Optional.empty();
      if (config.adminListen().isPresent()) {
        try {
          AdminGrpcServer adminServer =
              AdminGrpcServer.start(
                  "seeder",
                  config.adminListen().get(),
                  config.adminToken(),
                  config.adminTls(),
                  SeederAdminService.THREADS,
                  new SeederAdminService(
                      preheat,
                      new ServiceCatalog(service, evictor),
                      health,
                      self,
                      live.membership()));
          parts.add(adminServer);
          admin = Optional.of(adminServer);
        } catch (IOException e) {
          throw new SeederException(e.getMessage(), e);
        }
      }
      SeederServer server =
          new SeederServer(parts, engine, service, evictor, live, self, preheat, admin, address);
      log.info(
          "seeder {} control endpoint on {}, peers on {}, data in {}, ring of {} (R={}){}",
          self,
          Listening.hostPort(address),
          Listening.hostPort(engine.listenAddress()),
          dataDir,
          seederRing.members().size(),
          seederRing.replicas(),
          admin.map(a -> ", admin API on " + Listening.hostPort(a.address())).orElse(""));
      if (!auth.required()) {
        log.warn(
            "open mode: no cluster.secret-file, so anyone who reaches {} can make this seeder"
                + " pull any blob of its upstreams with its credentials (GET /metainfo){}, and"
                + " anyone who reaches {} can download what it seeds; set cluster.secret-file on"
                + " every member (docs/security.md)",
            Listening.hostPort(address),
            config.notificationsToken().isEmpty() ? " or a registry notification" : "",
            Listening.hostPort(engine.listenAddress()));
      }
      return server;
    } catch (SeederException | RuntimeException | Error e) {
      closeAll(parts);
      throw e;
    }
  }

  private static EvictionSettings evictionSettings(SeederConfig config) {
    return new EvictionSettings(
        config.diskHighWatermark(),
        config.diskLowWatermark(),
        config.timeToIdle(),
        EvictionSettings.DEFAULT_GRACE);
  }

  /** A start failure the admin fixes in the config: the daemon exits 78 for it. */
  static SeederException setup(String message) {
    return new SeederException(message, new SetupException(message, null));
  }

  static EngineConfig engineConfig(SeederConfig config) {
    EngineConfig defaults = EngineConfig.defaults(config.peerListen());
    return new EngineConfig(
        config.peerListen(),
        defaults.announceHost(),
        config.uploadBytesPerSecond(),
        defaults.downloadBytesPerSecond(),
        defaults.maxConnectionsPerTorrent(),
        defaults.peerLimits(),
        defaults.announceInterval(),
        defaults.announceParams(),
        EngineConfig.DEFAULT_PIECE_MEMORY,
        config.clusterSecret(),
        config.location());
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
    return SeederAddresses.baseUri(address);
  }

  public SeederService service() {
    return service;
  }

  public SwarmEngine engine() {
    return engine;
  }

  /** The seeder ring with the members' health (a ring of this seeder alone when none is set). */
  public HealthChecker ring() {
    return ring.health();
  }

  /** The ring as it changes: reloads, admin changes, newer rings from the other members. */
  public LiveRing liveRing() {
    return ring;
  }

  /** This seeder's id in the ring. */
  public URI self() {
    return self;
  }

  public PreheatService preheat() {
    return preheat;
  }

  /** The bound admin API address, when {@code seeder.admin-listen} is set. */
  public Optional<InetSocketAddress> adminAddress() {
    return admin.map(AdminGrpcServer::address);
  }

  Evictor evictor() {
    return evictor;
  }

  /**
   * Stops the admin API and the control endpoint, abandons lookups and preheats still running
   * (their clients get no answer), and stops the engine. Files stay.
   */
  @Override
  public void close() {
    closeAll(parts);
    log.info("seeder on {} stopped", Listening.hostPort(address));
  }

  private static void closeAll(List<AutoCloseable> parts) {
    for (int i = parts.size() - 1; i >= 0; i--) {
      try {
        parts.get(i).close();
      } catch (Exception e) {
        log.warn("stopping a seeder part failed", e);
      }
    }
    parts.clear();
  }
}
