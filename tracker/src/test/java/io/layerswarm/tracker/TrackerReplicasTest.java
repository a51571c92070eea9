package io.layerswarm.tracker;

import static io.layerswarm.tracker.testing.TrackerHttp.announcePath;
import static io.layerswarm.tracker.testing.TrackerHttp.compactPeers;
import static io.layerswarm.tracker.testing.TrackerHttp.failureReason;
import static io.layerswarm.tracker.testing.TrackerHttp.text;
import static io.layerswarm.tracker.testing.Urls.percentEncode;
import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.testing.Await;
import io.layerswarm.testing.ManualClock;
import io.layerswarm.tracker.announce.AnnounceEndpoint;
import io.layerswarm.tracker.metainfo.MetainfoUnavailableException;
import io.layerswarm.tracker.peerstore.PeerStore;
import io.layerswarm.tracker.testing.RedisServer;
import io.layerswarm.tracker.testing.TrackerHttp;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tracker replicas: in-process {@link TrackerServer}s whose peer stores share one real redis-server
 * (a child process), opened the way the launcher does, with {@link PeerStores#open}.
 */
class TrackerReplicasTest {
  private static final byte[] HASH = "replicated-swarm-001".getBytes(StandardCharsets.US_ASCII);
  private static RedisServer redis;
  private static RedisClient adminClient;
  private static StatefulRedisConnection<String, String> admin;

  private final ManualClock clock = new ManualClock();
  private final TrackerHttp http = new TrackerHttp();
  private final List<AutoCloseable> opened = new ArrayList<>();
  private URI a;
  private URI b;

  @BeforeAll
  static void startRedis() throws Exception {
    RedisServer.assumeInstalled();
    redis = RedisServer.startOnFreePort();
    adminClient = RedisClient.create(RedisURI.create(redis.uri()));
    admin = adminClient.connect();
  }

  @AfterAll
  static void stopRedis() {
    if (admin != null) {
      admin.close();
    }
    if (adminClient != null) {
      adminClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
    if (redis != null) {
      redis.close();
    }
  }

  @BeforeEach
  void startReplicas() throws Exception {
    admin.sync().flushall();
    a = replica(redis.uri());
    b = replica(redis.uri());
  }

  @AfterEach
  void stopReplicas() throws Exception {
    // Servers first, then their stores: reverse order of opening.
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
  }

  /** Starts a replica on 127.0.0.1:0 whose store is in {@code redisUri}; returns its base URI. */
  private URI replica(URI redisUri) throws TrackerException {
    TrackerConfig config =
        TrackerConfig.defaults(new InetSocketAddress("127.0.0.1", 0)).withRedis(redisUri);
    PeerStore store = PeerStores.open(config);
    opened.add(store);
    TrackerServer server =
        TrackerServer.start(
            config,
            store,
            (digest, registry, repo) -> {
              throw MetainfoUnavailableException.notFound("no blob " + digest);
            },
            clock);
    opened.add(server);
    return TrackerHttp.base(server.address());
  }

  private Map<String, Object> announce(URI replica, String peer, int port, long left, String extra)
      throws Exception {
    return http.bencoded(replica, announcePath("", HASH, peer, port, left, extra));
  }

  @Test
  void anAnnounceToOneReplicaIsHandedOutByTheOther() throws Exception {
    announce(a, "alice", 7001, 0, "&event=started");

    Map<String, Object> bob = announce(b, "bob", 7002, 1000, "&event=started");
    Map<String, Object> alice = announce(a, "alice", 7001, 0, "");

    assertThat(compactPeers(bob)).containsExactly("127.0.0.1:7001");
    assertThat(bob).containsEntry("complete", 1L).containsEntry("incomplete", 1L);
    assertThat(compactPeers(alice)).containsExactly("127.0.0.1:7002");
  }

  @Test
  @SuppressWarnings("unchecked")
  void aScrapeOfEitherReplicaCountsThePeersOfBoth() throws Exception {
    announce(a, "alice", 7001, 0, "&event=completed");
    announce(b, "bob", 7002, 5, "&event=started");

    for (URI replica : List.of(a, b)) {
      Map<String, Object> files =
          (Map<String, Object>)
              http.bencoded(replica, "/scrape?info_hash=" + percentEncode(HASH)).get("files");
      assertThat((Map<String, Object>) files.get("replicated-swarm-001"))
          .containsEntry("complete", 1L)
          .containsEntry("incomplete", 1L)
          .containsEntry("downloaded", 1L);
    }
  }

  @Test
  void aStopSentToOneReplicaRemovesThePeerFromTheOther() throws Exception {
    announce(a, "alice", 7001, 0, "");
    announce(a, "bob", 7002, 1000, "");

    announce(b, "alice", 7001, 0, "&event=stopped");

    Map<String, Object> bob = announce(a, "bob", 7002, 1000, "");
    assertThat(compactPeers(bob)).isEmpty();
    assertThat(bob).containsEntry("complete", 0L).containsEntry("incomplete", 1L);
  }

  @Test
  void aPeerExpiresOnEveryReplicaByTheInjectedClock() throws Exception {
    announce(a, "alice", 7001, 0, "");
    clock.advance(Duration.ofSeconds(89));
    assertThat(compactPeers(announce(b, "bob", 7002, 1000, ""))).hasSize(1);

    clock.advance(Duration.ofSeconds(1));

    assertThat(compactPeers(announce(b, "bob", 7002, 1000, ""))).isEmpty();
  }

  @Test
  void everyReplicasMetricsCountTheWholeCluster() throws Exception {
    announce(a, "alice", 7001, 0, "");
    announce(b, "bob", 7002, 1000, "");

    for (URI replica : List.of(a, b)) {
      String metrics = text(http.get(replica, "/metrics"));
      assertThat(metrics)
          .contains("tracker_peers 2.0")
          .contains("tracker_swarms 1.0")
          .contains("tracker_peer_store_up 1.0")
          .contains("tracker_announces_total{result=\"ok\"} 1.0");
    }
  }

  @Test
  void whileRedisIsDownAnnouncesFailWithAReasonAndHealthzIs503ThenBothReplicasRecover()
      throws Exception {
    RedisServer own = RedisServer.startOnFreePort();
    opened.add(0, own); // closed last
    URI c = replica(own.uri());
    URI d = replica(own.uri());
    announce(c, "alice", 7001, 0, "");
    assertThat(http.get(d, "/healthz").statusCode()).isEqualTo(200);

    own.stop();

    for (URI replica : List.of(c, d)) {
      Map<String, Object> reply = announce(replica, "bob", 7002, 1000, "");
      assertThat(reply).containsOnlyKeys("failure reason");
      assertThat(failureReason(reply))
          .isEqualTo(AnnounceEndpoint.STORE_UNAVAILABLE)
          .isEqualTo("peer store unavailable, retry");
      assertThat(failureReason(http.bencoded(replica, "/scrape?info_hash=" + percentEncode(HASH))))
          .isEqualTo("peer store unavailable, retry");
      HttpResponse<byte[]> health = http.get(replica, "/healthz");
      assertThat(health.statusCode()).isEqualTo(503);
      assertThat(text(health))
          .startsWith(
              "peer store unavailable: ping in redis://127.0.0.1:" + own.port() + "/0 failed");
      String metrics = text(http.get(replica, "/metrics"));
      assertThat(metrics)
          .contains("tracker_peer_store_up 0.0")
          .contains("tracker_peers NaN")
          .contains("tracker_announces_total{result=\"unavailable\"} 1.0");
    }

    own.start();

    for (URI replica : List.of(c, d)) {
      awaitHealthy(replica);
    }
    // Redis came back empty (nothing persisted): peers return with their next announce.
    announce(c, "alice", 7001, 0, "");
    assertThat(compactPeers(announce(d, "bob", 7002, 1000, ""))).containsExactly("127.0.0.1:7001");
  }

  /** Lettuce reconnects in the background (backoff capped at 1 s); bounded wait for it. */
  private void awaitHealthy(URI replica) {
    Await.until(replica + " to become healthy", Duration.ofSeconds(15), () -> healthy(replica));
  }

  private boolean healthy(URI replica) {
    try {
      return http.get(replica, "/healthz").statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while asking " + replica + " for its health", e);
    }
  }
}
