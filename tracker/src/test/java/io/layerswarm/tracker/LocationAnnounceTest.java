package io.layerswarm.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.PeerId;
import io.layerswarm.core.topology.Location;
import io.layerswarm.swarm.EngineConfig;
import io.layerswarm.swarm.SwarmEngine;
import io.layerswarm.swarm.Torrent;
import io.layerswarm.swarm.tracker.AnnounceEvent;
import io.layerswarm.swarm.tracker.AnnounceRequest;
import io.layerswarm.swarm.tracker.AnnounceResponse;
import io.layerswarm.swarm.tracker.HttpTrackerClient;
import io.layerswarm.tracker.peerstore.InMemoryPeerStore;
import io.layerswarm.tracker.peerstore.Peer;
import io.layerswarm.tracker.peerstore.PeerStore;
import io.layerswarm.tracker.testing.RedisServer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Engines configured with a zone and rack announce them to a real tracker, its store (in memory or
 * a real redis-server) keeps them, and an asker in a rack gets the peers of its rack first, then
 * those of its zone.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LocationAnnounceTest {
  private static final Location ASKER = Location.of("z1", "r1");
  private static final Location SAME_RACK = Location.of("z1", "r1");
  private static final Location SAME_ZONE = Location.of("z1", "r2");
  private static final Location OTHER_ZONE = Location.of("z2", "r1");

  @TempDir Path dir;
  private final List<AutoCloseable> opened = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
  }

  @Test
  void enginesAnnounceTheirZoneAndRackAndASameRackAskerGetsItsRackThenItsZoneFirst()
      throws Exception {
    TrackerConfig config = TrackerConfig.defaults(new InetSocketAddress("127.0.0.1", 0));
    checkPreference(config, new InMemoryPeerStore());
  }

  @Test
  void theRedisStoreKeepsTheLabelsAndTheSamePreferenceHolds() throws Exception {
    RedisServer.assumeInstalled();
    RedisServer redis = RedisServer.startOnFreePort();
    opened.add(redis);
    TrackerConfig config =
        TrackerConfig.defaults(new InetSocketAddress("127.0.0.1", 0)).withRedis(redis.uri());
    PeerStore store = PeerStores.open(config);
    checkPreference(config, store);
  }

  private void checkPreference(TrackerConfig config, PeerStore store) throws Exception {
    opened.add(store);
    TrackerServer tracker =
        TrackerServer.start(
            config,
            store,
            (digest, registry, repo) -> {
              throw new UnsupportedOperationException("no metainfo in this test");
            },
            InstantSource.system());
    opened.add(tracker::close);
    URI announce = URI.create("http://127.0.0.1:" + tracker.address().getPort() + "/announce");
    Path blob = Files.write(dir.resolve("blob"), new byte[100_000]);
    Metainfo metainfo = Metainfo.create(blob, "blob", List.of(announce), 64 * 1024);

    Map<Location, SwarmEngine> seeds = new java.util.LinkedHashMap<>();
    for (Location at : List.of(SAME_RACK, SAME_ZONE, OTHER_ZONE, Location.UNKNOWN)) {
      SwarmEngine engine =
          SwarmEngine.start(
              EngineConfig.defaults(new InetSocketAddress("127.0.0.1", 0)).withLocation(at));
      opened.add(engine);
      Torrent torrent = engine.seed(metainfo, blob);
      assertThat(torrent.announced().get(30, TimeUnit.SECONDS)).as("%s announced", at).isTrue();
      seeds.put(at, engine);
    }

    // What the store kept: each engine's labels, under its peer id.
    Peer storeAsker =
        new Peer(
            PeerId.random(),
            new io.layerswarm.tracker.peerstore.PeerAddress(
                java.net.InetAddress.getByName("127.0.0.2"), 9),
            false,
            io.layerswarm.tracker.peerstore.Topology.UNKNOWN);
    Map<PeerId, Peer> stored =
        store.select(metainfo.infoHash(), storeAsker, 10, java.time.Instant.now()).stream()
            .collect(Collectors.toMap(Peer::id, Function.identity()));
    for (Map.Entry<Location, SwarmEngine> seed : seeds.entrySet()) {
      Peer peer = stored.get(seed.getValue().peerId());
      assertThat(peer).as("%s in the store", seed.getKey()).isNotNull();
      assertThat(peer.topology().zone()).isEqualTo(seed.getKey().zone());
      assertThat(peer.topology().rack()).isEqualTo(seed.getKey().rack());
    }

    // A leecher announces at ASKER, with the engine's own announce parameters.
    List<InetSocketAddress> peers = askAt(announce, metainfo.infoHash(), ASKER).peers();
    assertThat(peers).hasSize(4);
    assertThat(port(peers.get(0))).isEqualTo(seeds.get(SAME_RACK).listenAddress().getPort());
    assertThat(port(peers.get(1))).isEqualTo(seeds.get(SAME_ZONE).listenAddress().getPort());
    assertThat(List.of(port(peers.get(2)), port(peers.get(3))))
        .containsExactlyInAnyOrder(
            seeds.get(OTHER_ZONE).listenAddress().getPort(),
            seeds.get(Location.UNKNOWN).listenAddress().getPort());
  }

  private AnnounceResponse askAt(URI announce, InfoHash infoHash, Location at) throws Exception {
    MultiThreadIoEventLoopGroup group =
        new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    opened.add(() -> group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync());
    HttpTrackerClient client =
        new HttpTrackerClient(group, NioSocketChannel.class, Duration.ofSeconds(10), "test");
    EngineConfig asker =
        EngineConfig.defaults(new InetSocketAddress("127.0.0.1", 0)).withLocation(at);
    AnnounceRequest request =
        new AnnounceRequest(
            infoHash,
            PeerId.random(),
            9,
            0,
            0,
            100_000,
            AnnounceEvent.STARTED,
            10,
            Optional.empty(),
            Optional.empty(),
            asker.announceQuery());
    return client.announce(announce, request).get(10, TimeUnit.SECONDS);
  }

  private static int port(InetSocketAddress address) {
    return address.getPort();
  }
}
