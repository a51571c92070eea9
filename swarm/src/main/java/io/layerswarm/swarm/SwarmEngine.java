package io.layerswarm.swarm;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.layerswarm.core.Listening;
import io.layerswarm.core.auth.HttpAuth;
import io.layerswarm.core.auth.KeyPurpose;
import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.PeerId;
import io.layerswarm.swarm.channel.AddressBans;
import io.layerswarm.swarm.channel.Admission;
import io.layerswarm.swarm.channel.ConnectionSlots;
import io.layerswarm.swarm.channel.Endpoint;
import io.layerswarm.swarm.channel.HandshakeHandler;
import io.layerswarm.swarm.channel.IncomingGate;
import io.layerswarm.swarm.channel.PeerChannelInitializer;
import io.layerswarm.swarm.storage.DiskExecutor;
import io.layerswarm.swarm.storage.PieceMemory;
import io.layerswarm.swarm.storage.PieceStorage;
import io.layerswarm.swarm.torrent.TorrentPolicy;
import io.layerswarm.swarm.tracker.Announcer;
import io.layerswarm.swarm.tracker.HttpTrackerClient;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.traffic.GlobalTrafficShapingHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A BitTorrent v1 engine: one listening port, many torrents. Torrents announce to the trackers in
 * their metainfo (started, periodic, completed, stopped).
 *
 * <p>Threads: Netty event loops (epoll where available, else NIO) run the connections, and each
 * torrent is owned by one of them; two disk threads do SHA-1 checks and file writes; tracker
 * announces are asynchronous HTTP on the same event loops. All public methods are thread-safe and
 * do not block, except {@link #start}, {@link #seed}, {@link #download} (which open files) and
 * {@link #close}.
 */
public final class SwarmEngine implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SwarmEngine.class);
  private static final Duration TRACKER_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(3);
  private static final int DISK_THREADS = 2;

  /**
   * Pieces an initial seed offers each peer at a time: two keep a peer's pipeline busy while it
   * verifies one (fewer if the torrent has fewer pieces than peers to fill); measured in the
   * simulator, see docs/decisions.md.
   */
  public static final int SUPER_SEED_OFFERS = 2;

  static final String MAX_CACHED_BUFFER_PROPERTY = "io.netty.allocator.maxCachedBufferCapacity";
  static final int MAX_CACHED_BUFFER_BYTES = 128 * 1024;

  static {
    // Netty 4.2 registers its allocator's JFR events on the first chunk it allocates, which
    // initialises all of JFR even when nothing records (about 0.1 s of CPU and as much again of
    // JIT work, in every process). Off unless asked for; only effective if no Netty class has
    // read it yet.
    if (System.getProperty("io.netty.jfr.enabled") == null) {
      System.setProperty("io.netty.jfr.enabled", "false");
    }
    // Reads are up to 64 KiB and a block that spans reads is gathered in up to 128 KiB, above the
    // 32 KiB the event loops' caches keep by default: every read went to the shared arena (6% of
    // a pull's event-loop CPU). Only this engine's allocator is pooled, so the default is ours.
    if (System.getProperty(MAX_CACHED_BUFFER_PROPERTY) == null) {
      System.setProperty(MAX_CACHED_BUFFER_PROPERTY, String.valueOf(MAX_CACHED_BUFFER_BYTES));
    }
  }

  /**
   * Network buffers of every engine in the JVM. Blocks are copied out of them into piece memory as
   * soon as they are decoded, so they live for one read: a small pool serves them. Direct only (the
   * transports read into direct memory); one arena per core at most, 1 MiB chunks (8 KiB pages,
   * order 7) instead of Netty's default 4 MiB, and small per-thread caches for the event loops
   * only. Its size follows the traffic of a few reads per connection, not the download.
   */
  static final ByteBufAllocator ALLOCATOR =
      new PooledByteBufAllocator(
          true, 0, Math.min(2, Runtime.getRuntime().availableProcessors()), 8192, 7, 64, 16, false);

  private final EngineConfig config;
  private final PeerId peerId;
  private final EventLoopGroup group;
  private final Class<? extends Channel> socketChannel;
  private final DiskExecutor disk;
  private final PieceMemory pieceMemory;
  private final HttpTrackerClient trackerClient;
  private final GlobalTrafficShapingHandler shaper;
  private final InstantSource clock;
  private final TorrentPolicy policy;
  private final AddressBans bans;
  private final Admission admission;

  /** Split once per torrent, under the lock of {@link #torrents}. */
  private final SplittableRandom random = new SplittableRandom();

  private final Map<InfoHash, TorrentSession> torrents = new ConcurrentHashMap<>();
  private final TrafficLedger traffic = new TrafficLedger();
  private final ConnectionSlots slots;
  private final AtomicLong peerSequence = new AtomicLong();
  private final Channel server;
  private final InetSocketAddress listenAddress;
  private final Set<InetAddress> localAddresses = localAddresses();
  private volatile boolean closed;

  private SwarmEngine(EngineConfig config, InstantSource clock) throws IOException {
    this.config = config;
    this.peerId = PeerId.random();
    this.clock = clock;
    this.policy = policy(config);
    this.bans = new AddressBans(clock);
    PeerLimits limits = config.peerLimits();
    this.admission =
        new Admission(
            limits.handshakeTimeout(),
            bans,
            config.clusterSecret().map(secret -> secret.key(KeyPurpose.PEER)),
            // Members always: their extended handshakes also say lazy (decision 35).
            config.clusterSecret().isPresent() || !config.location().isUnknown());
    this.slots =
        new ConnectionSlots(
            limits.maxIncoming(), limits.maxOutgoing(), limits.maxIncomingPerAddress());
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    Class<? extends ServerChannel> serverChannel =
        epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    this.socketChannel = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
    this.group =
        new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("swarm-io", true), io);
    this.disk =
        new DiskExecutor(
            DISK_THREADS,
            new ThreadFactoryBuilder().setNameFormat("swarm-disk-%d").setDaemon(true).build());
    this.pieceMemory = new PieceMemory(config.pieceMemoryBytes());
    this.trackerClient =
        new HttpTrackerClient(
            group,
            socketChannel,
            TRACKER_TIMEOUT,
            "layerswarm-swarm/0.1",
            HttpAuth.of(config.clusterSecret(), clock));
    long up = config.uploadBytesPerSecond();
    long down = config.downloadBytesPerSecond();
    this.shaper =
        up == 0 && down == 0 ? null : new GlobalTrafficShapingHandler(group, up, down, 100);

    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(group)
            .channel(serverChannel)
            .option(ChannelOption.ALLOCATOR, ALLOCATOR)
            .childOption(ChannelOption.ALLOCATOR, ALLOCATOR)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new PeerChannelInitializer(
                    shaper,
                    admission,
                    () -> HandshakeHandler.incoming(admission, peerId, this::endpoint),
                    new IncomingGate(slots, bans, () -> closed)));
    try {
      ChannelFuture bind = bootstrap.bind(config.listen()).awaitUninterruptibly();
      if (!bind.isSuccess()) {
        // A BindException, so the daemon can name its own key (agent.peer-listen ...).
        BindException failed = new BindException("cannot listen on " + config.listen());
        failed.initCause(bind.cause());
        throw failed;
      }
      this.server = bind.channel();
    } catch (IOException | RuntimeException e) {
      shutdownThreads();
      throw e;
    }
    this.listenAddress = Listening.bound(config.listen(), server.localAddress());
    log.info(
        "swarm engine {} listening on {} ({}, {})",
        peerId,
        Listening.hostPort(listenAddress),
        epoll ? "epoll" : "nio",
        admission.membersOnly() ? "cluster members only" : "open to any peer");
    checkListeningSocket();
  }

  /**
   * Connects once to our own listening socket, in the background, and sends a handshake for a
   * torrent nobody has (the other end closes it): warns if peers could not connect, and loads the
   * classes of the connection path (connect, accept, pipeline, handshake) before the first download
   * needs them, which otherwise adds about 0.1 s to its first byte.
   */
  private void checkListeningSocket() {
    InetAddress ip =
        listenAddress.getAddress().isAnyLocalAddress()
            ? InetAddress.getLoopbackAddress()
            : listenAddress.getAddress();
    InetSocketAddress self = new InetSocketAddress(ip, listenAddress.getPort());
    byte[] nobody = new byte[InfoHash.LENGTH];
    ThreadLocalRandom.current().nextBytes(nobody);
    new Bootstrap()
        .group(group)
        .channel(socketChannel)
        .option(ChannelOption.ALLOCATOR, ALLOCATOR)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
        .handler(
            new PeerChannelInitializer(
                null,
                admission,
                () -> HandshakeHandler.probe(admission, peerId, new InfoHash(nobody)),
                ch -> true))
        .connect(self)
        .addListener(
            (ChannelFuture f) -> {
              if (!f.isSuccess()) {
                log.warn(
                    "swarm engine cannot connect to its own listening socket {}: {}",
                    self,
                    f.cause().toString());
              }
            });
  }

  /** Binds the listening port and starts the event loops. */
  public static SwarmEngine start(EngineConfig config) throws IOException {
    return new SwarmEngine(config, InstantSource.system());
  }

  /**
   * As {@link #start(EngineConfig)}, with the clock that every timeout, choke turn and rate of the
   * torrents reads (request and snub timeouts, announce spacing). Tests pass a manual clock and
   * call {@link TorrentSession#tick} themselves, so that a 60 s timeout takes no real time. Netty's
   * own timers (handshake, idle) still run on real time.
   */
  static SwarmEngine start(EngineConfig config, InstantSource clock) throws IOException {
    return new SwarmEngine(config, clock);
  }

  public InetSocketAddress listenAddress() {
    return listenAddress;
  }

  public PeerId peerId() {
    return peerId;
  }

  /**
   * Seeds a complete file. The caller vouches for its content (it was verified by digest). Returns
   * the existing torrent if one with this info hash is already present.
   */
  public Torrent seed(Metainfo metainfo, Path file) throws IOException {
    return add(metainfo, () -> PieceStorage.seed(metainfo, file, disk), policy);
  }

  /**
   * Seeds a complete file as the first seed of its swarm (the seeder, which fetched it from the
   * origin): instead of announcing every piece, it offers each peer it uploads to {@link
   * #SUPER_SEED_OFFERS} pieces at a time (BEP 16 super seeding), so it sends each piece once before
   * any piece twice and the peers trade the other copies among themselves. Returns the existing
   * torrent if one with this info hash is already present.
   */
  public Torrent seedInitially(Metainfo metainfo, Path file) throws IOException {
    return add(
        metainfo,
        () -> PieceStorage.seed(metainfo, file, disk),
        policy.withSuperSeedOffers(SUPER_SEED_OFFERS));
  }

  /**
   * Downloads into {@code partFile} with positional writes and renames it atomically to {@code
   * finalFile} when every piece is verified. Returns the existing torrent if one with this info
   * hash is already present.
   */
  public Torrent download(Metainfo metainfo, Path partFile, Path finalFile) throws IOException {
    return add(metainfo, () -> PieceStorage.download(metainfo, partFile, finalFile, disk), policy);
  }

  private interface StorageOpener {
    PieceStorage open() throws IOException;
  }

  /**
   * The torrents' policy under {@code config}. A member asks its peers for blocks of {@link
   * TorrentPolicy#MEMBER_BLOCK_SIZE}: each proved it is a LayerSwarm engine, which serves up to 128
   * KiB, and four times fewer requests and blocks cost a fresh agent's JVM a quarter of the
   * messages (decision 35). In open mode any BitTorrent client may be the peer, so requests stay at
   * 16 KiB.
   */
  static TorrentPolicy policy(EngineConfig config) {
    return TorrentPolicy.DEFAULTS
        .withMaxConnections(config.maxConnectionsPerTorrent())
        .withLocation(config.location())
        .withBlockSize(
            config.clusterSecret().isPresent()
                ? TorrentPolicy.MEMBER_BLOCK_SIZE
                : TorrentPolicy.DEFAULTS.blockSize());
  }

  private Torrent add(Metainfo metainfo, StorageOpener opener, TorrentPolicy policy)
      throws IOException {
    synchronized (torrents) {
      if (closed) {
        throw new IOException("swarm engine is closed");
      }
      TorrentSession existing = torrents.get(metainfo.infoHash());
      if (existing != null) {
        return existing;
      }
      PieceStorage storage = opener.open();
      EventLoop loop = group.next();
      TorrentSession session =
          new TorrentSession(
              this, metainfo, storage, pieceMemory, loop, clock, policy, random.split());
      torrents.put(metainfo.infoHash(), session);
      traffic.opened(session, session::traffic);
      Announcer announcer =
          new Announcer(
              metainfo.announce(),
              trackerClient,
              session.nettyLoop(),
              event -> session.announceRequest(event, config, listenAddress.getPort()),
              session::trackerPeers,
              config.announceInterval(),
              clock);
      session.start(announcer);
      return session;
    }
  }

  /** The engine's event loops, for a health check that they still run tasks. */
  public List<Executor> eventLoops() {
    List<Executor> loops = new ArrayList<>();
    group.forEach(loops::add);
    return loops;
  }

  public Optional<Torrent> torrent(InfoHash infoHash) {
    return Optional.ofNullable(torrents.get(infoHash));
  }

  public Collection<Torrent> torrents() {
    return List.copyOf(torrents.values());
  }

  /**
   * Piece payload moved since the engine started, over every torrent it held: exact, counted as
   * bytes arrive and leave, and a removed torrent's counts stay in. Any thread; no I/O.
   */
  public Traffic traffic() {
    return traffic.total();
  }

  /** Stops the torrent (announces "stopped") and closes its connections; files stay. */
  public void remove(InfoHash infoHash) {
    TorrentSession session;
    synchronized (torrents) {
      session = torrents.remove(infoHash);
    }
    if (session != null) {
      stop(session);
    }
  }

  /** Stops {@code session}; once it stopped, its counters are final. */
  private CompletableFuture<Void> stop(TorrentSession session) {
    return session.stop().whenComplete((v, e) -> traffic.closed(session));
  }

  /**
   * Stops every torrent (waiting up to 3 s for "stopped" announces) and the event loops. Blocks: do
   * not call it from one of the engine's event loops.
   */
  @Override
  public void close() {
    List<CompletableFuture<Void>> stops = new ArrayList<>();
    synchronized (torrents) {
      if (closed) {
        return;
      }
      closed = true;
      for (TorrentSession session : torrents.values()) {
        stops.add(stop(session));
      }
      torrents.clear();
    }
    try {
      CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new))
          .get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      log.debug("stopped announces did not finish within {}", CLOSE_TIMEOUT);
    } catch (Exception e) {
      log.debug("stopping torrents failed", e);
    }
    server.close().awaitUninterruptibly(CLOSE_TIMEOUT.toMillis());
    shutdownThreads();
  }

  private void shutdownThreads() {
    if (shaper != null) {
      shaper.release();
    }
    group
        .shutdownGracefully(0, CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .awaitUninterruptibly(CLOSE_TIMEOUT.toMillis() * 2);
    disk.shutdown();
    try {
      disk.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- for torrents ----

  private Optional<Endpoint> endpoint(InfoHash infoHash) {
    return Optional.ofNullable(torrents.get(infoHash)).map(TorrentSession::endpoint);
  }

  long nextPeerSequence() {
    return peerSequence.incrementAndGet();
  }

  /**
   * Dials {@code address} for {@code session} on the session's event loop, or returns empty if the
   * engine's outgoing budget is spent.
   */
  Optional<ChannelFuture> connect(InetSocketAddress address, TorrentSession session) {
    if (closed || !slots.takeOutgoing()) {
      return Optional.empty();
    }
    ChannelFuture connect =
        new Bootstrap()
            .group(session.loop())
            .channel(socketChannel)
            .option(ChannelOption.ALLOCATOR, ALLOCATOR)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
            .handler(
                new PeerChannelInitializer(
                    shaper,
                    admission,
                    () ->
                        HandshakeHandler.outgoing(
                            admission, peerId, session.endpoint(), session.infoHash()),
                    ch -> true))
            .connect(address);
    connect.channel().closeFuture().addListener(f -> slots.releaseOutgoing());
    return Optional.of(connect);
  }

  /** Addresses this engine refuses in both directions (tests read it). */
  AddressBans bans() {
    return bans;
  }

  /** The connection budgets in use (tests read them). */
  ConnectionSlots slots() {
    return slots;
  }

  /** Whether the engine refuses {@code address} (a peer banned by its IP address). */
  boolean isBanned(InetSocketAddress address) {
    return address.getAddress() != null && bans.isBanned(address.getAddress());
  }

  /** Whether {@code address} is this engine's own listening socket. Any thread; no I/O. */
  boolean isSelf(InetSocketAddress address) {
    if (address.getPort() != listenAddress.getPort() || address.isUnresolved()) {
      return false;
    }
    InetAddress ip = address.getAddress();
    return ip.isLoopbackAddress()
        || ip.isAnyLocalAddress()
        || ip.equals(listenAddress.getAddress())
        || localAddresses.contains(ip)
        || (config.announceHost() != null && config.announceHost().equals(ip.getHostAddress()));
  }

  /** The addresses of this host's interfaces, read once so that dialing never blocks on it. */
  private static Set<InetAddress> localAddresses() {
    Set<InetAddress> addresses = new HashSet<>();
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        addresses.addAll(Collections.list(nic.getInetAddresses()));
      }
    } catch (SocketException e) {
      log.debug("cannot list network interfaces", e);
    }
    return Set.copyOf(addresses);
  }
}
