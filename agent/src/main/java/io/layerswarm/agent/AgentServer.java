package io.layerswarm.agent;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.layerswarm.agent.admin.AdminServer;
import io.layerswarm.agent.admin.Drain;
import io.layerswarm.agent.admin.Evictor;
import io.layerswarm.agent.cache.BlobLeases;
import io.layerswarm.agent.cache.CachePolicy;
import io.layerswarm.agent.cache.CachePolicy.Eviction;
import io.layerswarm.agent.http.RegistryChannelInitializer;
import io.layerswarm.agent.metrics.AgentMetrics;
import io.layerswarm.agent.mirror.BlobFetcher;
import io.layerswarm.agent.mirror.CacheJanitor;
import io.layerswarm.agent.mirror.CacheSeeder;
import io.layerswarm.agent.mirror.EngineSwarm;
import io.layerswarm.agent.mirror.FetchCounts;
import io.layerswarm.agent.mirror.PullThroughMirror;
import io.layerswarm.agent.mirror.Swarm;
import io.layerswarm.agent.mirror.TrackerMetainfoSource;
import io.layerswarm.agent.pins.MirrorPinSource;
import io.layerswarm.agent.pins.Pin;
import io.layerswarm.agent.pins.PinSource;
import io.layerswarm.agent.pins.Pinner;
import io.layerswarm.agent.pins.PinsConfig;
import io.layerswarm.agent.pins.Readiness;
import io.layerswarm.agent.proxy.HttpsProxyConfig;
import io.layerswarm.core.Digest;
import io.layerswarm.core.Listening;
import io.layerswarm.core.SetupException;
import io.layerswarm.core.auth.HttpAuth;
import io.layerswarm.core.disk.DataDirLock;
import io.layerswarm.core.disk.DiskSpace;
import io.layerswarm.core.disk.FreeSpaceFloor;
import io.layerswarm.core.health.Liveness;
import io.layerswarm.registry.client.Upstreams;
import io.layerswarm.registry.store.BlobStore;
import io.layerswarm.registry.store.FileBlobStore;
import io.layerswarm.swarm.EngineConfig;
import io.layerswarm.swarm.PeerLimits;
import io.layerswarm.swarm.SwarmEngine;
import io.layerswarm.swarm.Torrent;
import io.netty.channel.Channel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-host agent: a registry mirror on {@link AgentConfig#listen()} for the local container
 * runtimes, whose blobs come from the swarm (origin as fallback) and stay seeded. Start with {@link
 * #start}; {@link #close} stops everything it started. Thread-safe.
 */
public final class AgentServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AgentServer.class);

  /** Reported by the admin API. */
  public static final String VERSION = "0.1.0";

  /** Sent on every upstream and tracker request, so origin logs tell agents apart. */
  public static final String USER_AGENT = "layerswarm-agent/" + VERSION;

  /** Threads for upstream calls and file system lookups; more requests queue, then get 503. */
  private static final int BLOCKING_THREADS = 8;

  /** Threads for origin copies and store adoption. */
  private static final int TRANSFER_THREADS = 4;

  private static final int QUEUE_LENGTH = 1024;

  /** Responses streaming blobs that are still arriving, at once; more get 503. */
  private static final int STREAM_THREADS = 128;

  /** An event loop that takes longer than this to run a heartbeat makes /healthz answer 503. */
  private static final Duration HEALTH_LIMIT = Duration.ofSeconds(10);

  private final List<AutoCloseable> resources;
  private final Channel serverChannel;
  private final Optional<Channel> metricsChannel;
  private final SwarmEngine engine;
  private final BlobStore store;
  private final BlobFetcher fetcher;
  private final InstantSource clock;
  private final Instant startedAt;

  /** Admin: drain and evict (set once in {@link #start}, before the agent is returned). */
  private Drain drain;

  private Evictor evictor;
  private Pinner pinner;
  private PinSource pinSource;
  private CompletableFuture<FileBlobStore.Verification> verified;
  private boolean closed;

  private AgentServer(
      List<AutoCloseable> resources,
      Channel serverChannel,
      Optional<Channel> metricsChannel,
      SwarmEngine engine,
      BlobStore store,
      BlobFetcher fetcher,
      InstantSource clock) {
    this.resources = resources;
    this.serverChannel = serverChannel;
    this.metricsChannel = metricsChannel;
    this.engine = engine;
    this.store = store;
    this.fetcher = fetcher;
    this.clock = clock;
    this.startedAt = clock.instant();
  }

  /**
   * Opens the store under {@code dataDir}, starts the swarm engine, seeds the cached blobs that
   * have saved metainfo, binds the registry API (with {@code /metrics}), serves {@code /metrics}
   * alone on {@link AgentConfig#metricsListen()} and the admin API on {@link
   * AgentConfig#adminSocket()} if those are configured.
   *
   * @throws DataDirLock.DataDirLockedException if another daemon uses the data directory
   * @throws IOException if the data directory, the peer port, the API port, the metrics port or the
   *     admin socket cannot be used
   */
  public static AgentServer start(AgentConfig config, Upstreams upstreams) throws IOException {
    return start(config, upstreams, PinsConfig.none(), Optional.empty());
  }

  /**
   * As {@link #start(AgentConfig, Upstreams)}, and keeps the images of {@code pins} local ({@link
   * #pinner}).
   *
   * @throws SetupException if a pin names a registry that is not one of {@code upstreams}
   */
  public static AgentServer start(AgentConfig config, Upstreams upstreams, PinsConfig pins)
      throws IOException {
    return start(config, upstreams, pins, Optional.empty());
  }

  /**
   * As {@link #start(AgentConfig, Upstreams, PinsConfig)}, and the HTTPS proxy on {@code
   * httpsProxy}'s address when present (its CA in {@code <data-dir>/proxy-ca}, made on the first
   * start).
   */
  public static AgentServer start(
      AgentConfig config,
      Upstreams upstreams,
      PinsConfig pins,
      Optional<HttpsProxyConfig> httpsProxy)
      throws IOException {
    pins.requireUpstreams(upstreams);
    List<AutoCloseable> started = new ArrayList<>();
    try {
      AgentDataDir dirs = AgentDataDir.open(config.dataDir(), started);
      Path partial = dirs.partial();
      Path torrents = dirs.torrents();

      // <data>/blobs/sha256/<hex>, with its temp files in <data>/tmp: the same file system as
      // <data>/partial, so adopting a finished swarm download is a rename.
      FileBlobStore store = new FileBlobStore(config.dataDir());
      EngineConfig engineConfig =
          new EngineConfig(
              config.peerListen(),
              null,
              config.uploadBytesPerSecond(),
              config.downloadBytesPerSecond(),
              50,
              PeerLimits.DEFAULTS,
              Duration.ofSeconds(30),
              Map.of(),
              EngineConfig.DEFAULT_PIECE_MEMORY,
              config.clusterSecret(),
              config.location());
      SwarmEngine engine;
      try {
        engine = SwarmEngine.start(engineConfig);
      } catch (BindException e) {
        throw SetupException.cannotListen("agent.peer-listen", config.peerListen(), e);
      }
      started.add(engine);

      ThreadPoolExecutor blocking = pool("agent-blocking-%d", BLOCKING_THREADS);
      started.add(blocking::shutdownNow);
      ThreadPoolExecutor transfers = pool("agent-transfer-%d", TRANSFER_THREADS);
      started.add(transfers::shutdownNow);
      AgentTimer timer = new AgentTimer();
      started.add(timer);

      List<java.net.URI> announce = config.announceUrls();
      Swarm swarm = new EngineSwarm(engine, engineConfig.pieceMemoryBytes());
      CacheSeeder seeder = new CacheSeeder(store, swarm, torrents, announce);
      // The blobs of the previous run: each is served and seeded once its sha256 is checked again
      // (in the background, so the agent serves at once; until then a request fetches it anew).
      int found = store.unverifiedCount();
      CompletableFuture<FileBlobStore.Verification> verified = new CompletableFuture<>();
      Thread verifier =
          new ThreadFactoryBuilder()
              .setNameFormat("agent-verify-%d")
              .setDaemon(true)
              .build()
              .newThread(
                  () -> {
                    try {
                      verified.complete(store.verifyFound(seeder::reseed));
                    } catch (RuntimeException | Error e) {
                      verified.completeExceptionally(e);
                      throw e;
                    }
                  });
      verifier.start();
      started.add(verifier::interrupt);
      HttpClient http =
          TrackerMetainfoSource.httpClient(
              AgentTimer.min(config.swarmDeadline(), Duration.ofSeconds(5)));
      TrackerMetainfoSource metainfo =
          new TrackerMetainfoSource(
              http,
              config.trackers(),
              config.swarmDeadline(),
              USER_AGENT,
              HttpAuth.of(config.clusterSecret(), InstantSource.system()));
      BlobFetcher fetcher =
          new BlobFetcher(
              store,
              metainfo,
              swarm,
              seeder,
              transfers,
              Clock.systemUTC(),
              partial,
              announce,
              config.swarmDeadline(),
              config.origin());
      AgentMetrics metrics = new AgentMetrics();
      started.add(metrics);
      metrics.bindPeerTraffic(engine::traffic);
      timer.tick(
          fetcher,
          config.swarmDeadline(),
          () -> metrics.sampled(sample(engine.torrents(), fetcher)));
      Runnable measureCache = timer.measureCache(fetcher, store, metrics);

      // Set below, once the mirror it pulls through exists; the janitor runs later.
      AtomicReference<Pinner> pinnerRef = new AtomicReference<>();
      Predicate<Digest> pinned =
          digest -> pinnerRef.get() != null && pinnerRef.get().pinOf(digest).isPresent();
      BlobLeases leases = new BlobLeases();
      CachePolicy cachePolicy =
          new CachePolicy(
              config.cacheMaxBytes(),
              config.cacheHighWatermarkPercent(),
              config.cacheLowWatermarkPercent(),
              config.cacheTimeToIdle());
      // Always on: the free-space floor (agent.disk-free-min) applies even without a budget.
      CacheJanitor janitor =
          new CacheJanitor(
              store,
              swarm,
              engine::torrents,
              seeder,
              leases,
              fetcher,
              cachePolicy,
              InstantSource.system(),
              DiskSpace.of(config.dataDir()),
              new FreeSpaceFloor(config.diskFreeMin()),
              pinned);
      Consumer<List<Eviction>> onEvicted =
          list -> {
            metrics.evicted(list);
            if (!list.isEmpty()) {
              measureCache.run();
            }
          };
      timer.runJanitor(fetcher, janitor, onEvicted);
      PullThroughMirror mirror =
          new PullThroughMirror(
              upstreams,
              store,
              fetcher,
              blocking,
              PullThroughMirror.DEFAULT_MANIFEST_CACHE_BYTES,
              leases,
              InstantSource.system(),
              bytes -> {
                CacheJanitor.Room room = janitor.makeRoom(bytes);
                onEvicted.accept(room.evicted());
                return room.fits();
              });
      ThreadPoolExecutor pinsThread = pool("agent-pins-%d", 1);
      started.add(pinsThread::shutdownNow);
      MirrorPinSource pinSource = new MirrorPinSource(mirror, store);
      Pinner pinner = new Pinner(pinSource, pins, InstantSource.system(), pinsThread);
      pinnerRef.set(pinner);
      ThreadPoolExecutor streams =
          new ThreadPoolExecutor(
              0,
              STREAM_THREADS,
              30,
              TimeUnit.SECONDS,
              new SynchronousQueue<>(),
              new ThreadFactoryBuilder().setNameFormat("agent-stream-%d").setDaemon(true).build());
      started.add(streams::shutdownNow);
      AgentListeners listeners = AgentListeners.start(started);
      // Admin drain: counts responses in progress and refuses new requests while draining.
      Drain drain = new Drain(engine::torrents);
      started.add(drain);
      metrics.bindFetches(fetcher::counts);
      metrics.bindDrain(drain::draining);
      // /healthz: 503 once an event loop stops running tasks or a pool has stopped.
      Liveness liveness = new Liveness(InstantSource.system(), HEALTH_LIMIT);
      liveness
          .loops("agent-http-accept", listeners.acceptor)
          .loops("agent-http", listeners.workers)
          .loops("swarm-io", engine.eventLoops())
          .pool("agent-blocking", blocking)
          .pool("agent-transfer", transfers)
          .pool("agent-stream", streams);
      timer.heartbeats(liveness);
      metrics.bindHealth(liveness::problems);
      RegistryChannelInitializer registryApi =
          new RegistryChannelInitializer(mirror, streams, metrics, Optional.of(drain));
      Channel server = listeners.registry(config.listen(), registryApi);
      if (httpsProxy.isPresent()) {
        listeners.httpsProxy(
            httpsProxy.get(), config.dataDir().resolve("proxy-ca"), upstreams.hosts(), registryApi);
      }
      Optional<Channel> metricsServer = Optional.empty();
      if (config.metricsListen().isPresent()) {
        metricsServer = Optional.of(listeners.metrics(config.metricsListen().get(), metrics));
      }

      log.info(
          "agent serving the registry API on {}, peers on {}, {} tracker(s), re-verifying {}"
              + " cached blob(s) before serving and seeding them, upstreams {}",
          Listening.hostPort(Listening.bound(config.listen(), server.localAddress())),
          Listening.hostPort(engine.listenAddress()),
          config.trackers().size(),
          found,
          upstreams);
      if (config.clusterSecret().isEmpty()) {
        log.warn(
            "open mode: no cluster.secret-file, so this agent's metainfo requests and announces"
                + " are unsigned (a tracker with a secret refuses them: every pull then comes from"
                + " the origin) and anyone who reaches {} can download the blobs it seeds; set"
                + " cluster.secret-file on every member (docs/security.md)",
            Listening.hostPort(engine.listenAddress()));
      }
      AgentServer agent =
          new AgentServer(
              started, server, metricsServer, engine, store, fetcher, InstantSource.system());
      agent.drain = drain;
      agent.verified = verified;
      agent.evictor =
          new Evictor(
              store,
              torrents,
              engine,
              fetcher::transfers,
              drain::readers,
              evicted -> {
                metrics.evictedOnRequest(evicted.blobBytes());
                measureCache.run();
                pinner.evicted(evicted.digest());
              },
              digest -> pinner.pinOf(digest).map(Pin::toString));
      agent.pinner = pinner;
      agent.pinSource = pinSource;
      metrics.bindPins(
          pinner::states,
          () -> Readiness.of(drain.draining(), liveness.problems(), pinner.states()));
      timer.pins(pinner);
      if (config.adminSocket().isPresent()) {
        // Added to the same list, so it closes first and a failure here closes everything.
        started.add(
            AdminServer.start(
                config.adminSocket().get(),
                new AgentAdminView(agent, agent.evictor, drain, pinner)));
      }
      return agent;
    } catch (IOException | RuntimeException | Error e) {
      closeAll(started);
      throw e;
    }
  }

  /**
   * Completes when the blobs found in the data directory at start are verified again (sha256), each
   * then served and seeded; damaged ones are deleted.
   */
  public CompletableFuture<FileBlobStore.Verification> storeVerified() {
    return verified;
  }

  /** The bound registry API address (the real port when the config asked for port 0). */
  public InetSocketAddress address() {
    return (InetSocketAddress) serverChannel.localAddress();
  }

  /** The bound {@code agent.metrics-listen} address, if one is configured. */
  public Optional<InetSocketAddress> metricsAddress() {
    return metricsChannel.map(channel -> (InetSocketAddress) channel.localAddress());
  }

  /** Keeps the images of {@code agent.pins} local; {@link Pinner#replace} takes a reloaded list. */
  public Pinner pinner() {
    return pinner;
  }

  /** Images through the mirror as pins fetch them, for one-shot fetches (fleet preheats). */
  public PinSource pinSource() {
    return pinSource;
  }

  public SwarmEngine engine() {
    return engine;
  }

  /**
   * Completes shortly after a drain requested on the admin API finished; the launcher exits the
   * process then. Never completes otherwise.
   */
  public CompletableFuture<Drain.Outcome> drained() {
    return drain.finished();
  }

  /**
   * A snapshot of the cache and the transfers. Lists the store's directory, so call it off event
   * loops.
   *
   * @throws UncheckedIOException when the store cannot be listed
   */
  public AgentStats stats() {
    try {
      CacheUsage usage = CacheUsage.of(store);
      FetchCounts moved = fetcher.counts();
      return new AgentStats(
          usage.bytes(),
          usage.blobs(),
          fetcher.transfers(),
          moved.bytesFromSwarm(),
          moved.bytesFromOrigin());
    } catch (IOException e) {
      throw new UncheckedIOException("listing the agent's blob store failed", e);
    }
  }

  /** What {@code /metrics} shows of the engine and the transfers; read on the timer. */
  private static AgentMetrics.Sample sample(Collection<Torrent> torrents, BlobFetcher fetcher) {
    int peers = 0;
    for (Torrent torrent : torrents) {
      peers += torrent.connectedPeers();
    }
    return new AgentMetrics.Sample(torrents.size(), peers, fetcher.transfers());
  }

  /** How long since the agent started. */
  Duration uptime() {
    return Duration.between(startedAt, clock.instant());
  }

  /**
   * Stops the admin API and serving, abandons transfers in progress and stops the swarm engine.
   * Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    closeAll(resources);
  }

  /** Closes in reverse order of starting, logging failures. */
  private static void closeAll(List<AutoCloseable> started) {
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (Exception e) {
        log.warn("stopping the agent: {}", e.toString());
      }
    }
  }

  private static ThreadPoolExecutor pool(String nameFormat, int threads) {
    return new ThreadPoolExecutor(
        threads,
        threads,
        30,
        TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(QUEUE_LENGTH),
        new ThreadFactoryBuilder().setNameFormat(nameFormat).setDaemon(true).build());
  }
}
