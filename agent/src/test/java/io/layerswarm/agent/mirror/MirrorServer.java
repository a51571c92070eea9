package io.layerswarm.agent.mirror;

import io.layerswarm.agent.cache.BlobLeases;
import io.layerswarm.agent.http.RegistryChannelInitializer;
import io.layerswarm.agent.metrics.AgentMetrics;
import io.layerswarm.registry.client.InMemoryUpstreamRegistry;
import io.layerswarm.registry.client.Upstreams;
import io.layerswarm.registry.store.FileBlobStore;
import io.layerswarm.testing.ManualClock;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The agent's registry API on 127.0.0.1 with everything below the HTTP edge real except the swarm
 * (a {@link FakeSwarm} the test drives), the trackers ({@link ScriptedMetainfo}) and the clock
 * ({@link ManualClock}); the origin is in memory.
 */
final class MirrorServer implements AutoCloseable {
  static final String ORIGIN_HOST = "origin.test:5000";
  static final List<URI> ANNOUNCE = List.of(URI.create("http://tracker.test:6969/announce"));
  static final Duration DEADLINE = Duration.ofSeconds(60);

  final FileBlobStore store;

  /** The store as the fetcher sees it, recording its adopts. */
  final AdoptRecordingStore adopting;

  final InMemoryUpstreamRegistry origin;
  final FakeSwarm swarm = new FakeSwarm();
  final ScriptedMetainfo metainfo = new ScriptedMetainfo();
  final ManualClock clock = new ManualClock();
  final BlobLeases leases = new BlobLeases();
  final CacheSeeder seeder;
  final BlobFetcher fetcher;
  final PullThroughMirror mirror;
  final AgentMetrics metrics = new AgentMetrics();
  final Path partial;

  /** While true, no blob fits on the "disk": the mirror passes blobs through. */
  volatile boolean diskFull;

  private final ExecutorService transfers = Executors.newFixedThreadPool(4);
  private final ExecutorService blocking = Executors.newFixedThreadPool(4);
  private final ExecutorService pumps = Executors.newCachedThreadPool();
  private final EventLoopGroup loops =
      new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  private final Channel server;

  MirrorServer(Path dir) throws IOException, InterruptedException {
    store = new FileBlobStore(dir.resolve("store"));
    adopting = new AdoptRecordingStore(store);
    origin = new InMemoryUpstreamRegistry(URI.create("http://" + ORIGIN_HOST));
    partial = dir.resolve("partial");
    seeder = new CacheSeeder(store, swarm, dir.resolve("torrents"), ANNOUNCE);
    fetcher =
        new BlobFetcher(
            adopting, metainfo, swarm, seeder, transfers, clock, partial, ANNOUNCE, DEADLINE);
    mirror =
        new PullThroughMirror(
            Upstreams.single(origin),
            store,
            fetcher,
            blocking,
            PullThroughMirror.DEFAULT_MANIFEST_CACHE_BYTES,
            leases,
            clock,
            bytes -> !diskFull);
    metrics.bindFetches(fetcher::counts);
    server =
        new ServerBootstrap()
            .group(loops)
            .channel(NioServerSocketChannel.class)
            .childHandler(new RegistryChannelInitializer(mirror, pumps, metrics))
            .bind(new InetSocketAddress("127.0.0.1", 0))
            .sync()
            .channel();
  }

  InetSocketAddress address() {
    return (InetSocketAddress) server.localAddress();
  }

  @Override
  public void close() {
    server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    loops.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    pumps.shutdownNow();
    blocking.shutdownNow();
    transfers.shutdownNow();
    metrics.close();
  }
}
