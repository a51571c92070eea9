package io.layerswarm.tracker.peerstore;

import static io.layerswarm.tracker.testing.Peers.names;
import static io.layerswarm.tracker.testing.Peers.peer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.testing.Await;
import io.layerswarm.tracker.testing.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@link PeerStoreContract} for {@link RedisPeerStore} against a real redis-server child
 * process (one per class, flushed before each test), plus what only the Redis store does: its key
 * layout and TTLs, trimming, the candidate cap, sharing, and outages.
 */
class RedisPeerStoreTest extends PeerStoreContract {
  private static RedisServer redis;
  private static RedisClient adminClient;
  private static StatefulRedisConnection<String, String> adminConnection;
  private static RedisCommands<String, String> admin;

  @BeforeAll
  static void startRedis() throws Exception {
    RedisServer.assumeInstalled();
    redis = RedisServer.startOnFreePort();
    adminClient = RedisClient.create(RedisURI.create(redis.uri()));
    adminConnection = adminClient.connect();
    admin = adminConnection.sync();
  }

  @AfterAll
  static void stopRedis() {
    if (adminConnection != null) {
      adminConnection.close();
    }
    if (adminClient != null) {
      adminClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
    if (redis != null) {
      redis.close();
    }
  }

  @Override
  PeerStore openStore(PeerLimits limits) throws Exception {
    admin.flushall();
    return RedisPeerStore.connect(redis.uri(), RedisPeerStore.Options.DEFAULTS, limits);
  }

  private static String base() {
    return RedisPeerStore.KEY_PREFIX + SWARM.hex();
  }

  @Test
  void namesItselfByItsAddressForTheTrackersStartLine() {
    assertThat(store).hasToString("redis redis://127.0.0.1:" + redis.port() + "/0");
  }

  @Test
  void itsNameNeverHoldsThePassword() {
    assertThat(RedisPeerStore.describe(RedisURI.create("redis://:s3cret@10.0.0.1:6380/2")))
        .isEqualTo("redis://10.0.0.1:6380/2");
    assertThat(
            RedisPeerStore.describe(
                RedisURI.create("redis-sentinel://:s3cret@10.0.0.1:26379,10.0.0.2:26380/1#peers")))
        .isEqualTo("redis-sentinel://10.0.0.1:26379,10.0.0.2:26380/1#peers");
  }

  @Test
  void everyKeyOfASwarmIsPrefixedAndOutlivesItsLatestPeerByTheMargin() throws Exception {
    announce(SWARM, peer("L a"), AnnounceEvent.STARTED);
    announce(SWARM, peer("S b"), AnnounceEvent.COMPLETED);

    assertThat(admin.keys("*"))
        .containsExactlyInAnyOrder(
            base(),
            base() + ":seeds",
            base() + ":leechers",
            base() + ":ids",
            base() + ":downloaded",
            RedisPeerStore.INDEX_KEY,
            RedisPeerStore.PEERS_KEY,
            RedisPeerStore.ADDRESS_PREFIX + "10.0.0.1");
    long most = TTL.toSeconds() + RedisPeerStore.Options.DEFAULTS.keyTtlMargin().toSeconds();
    for (String key : admin.keys("*")) {
      assertThat(admin.ttl(key)).as("TTL of %s", key).isBetween(most - 5, most);
    }
    assertThat(admin.hget(base(), "10.0.0.1|" + peer("S b").address().port()))
        .isEqualTo(PeerRecord.encode(peer("S b")))
        .endsWith("|S||");
    assertThat(admin.zscore(RedisPeerStore.INDEX_KEY, SWARM.hex()))
        .isEqualTo((double) now().plus(TTL).toEpochMilli());
  }

  @Test
  void anAnnounceTrimsTheSwarmsExpiredPeersFromRedis() throws Exception {
    announce(SWARM, peer("L old"), AnnounceEvent.STARTED);
    clock.advance(TTL);

    announce(SWARM, peer("L new"), AnnounceEvent.STARTED);

    assertThat(admin.zcard(base() + ":leechers")).isEqualTo(1);
    String address = PeerRecord.address(peer("L new").address());
    assertThat(admin.hkeys(base())).containsExactly(address);
    assertThat(admin.hvals(base() + ":ids")).containsExactly(address);
  }

  @Test
  void theLastPeerStoppingDeletesEveryKeyOfTheSwarm() throws Exception {
    announce(SWARM, peer("S a"), AnnounceEvent.COMPLETED);

    announce(SWARM, peer("S a"), AnnounceEvent.STOPPED);

    assertThat(admin.keys("*")).isEmpty();
  }

  @Test
  void aHugeSwarmFetchesAtMostTheCandidateCapAndStillFillsNumwant() throws Exception {
    RedisPeerStore capped =
        RedisPeerStore.connect(
            redis.uri(),
            new RedisPeerStore.Options(Duration.ofSeconds(2), 100, Duration.ofSeconds(60)));
    try {
      for (Peer p : numberedPeers(LARGE_SWARM)) {
        capped.announce(SWARM, p, AnnounceEvent.STARTED, now(), now().plus(TTL));
      }

      assertThat(capped.candidates(SWARM, now(), 100)).hasSize(100).doesNotHaveDuplicates();
      assertThat(capped.select(SWARM, peer("L me"), 50, now())).hasSize(50);
      // An announce that wants more than the cap still gets what it asks for.
      assertThat(capped.select(SWARM, peer("L me"), 150, now())).hasSize(150);
    } finally {
      capped.close();
    }
  }

  @Test
  void twoStoresOnOneRedisSeeEachOthersPeers() throws Exception {
    try (RedisPeerStore replica = RedisPeerStore.connect(redis.uri())) {
      announce(SWARM, peer("L alice"), AnnounceEvent.STARTED);
      replica.announce(SWARM, peer("S bob"), AnnounceEvent.COMPLETED, now(), now().plus(TTL));

      assertThat(names(replica.select(SWARM, peer("L bob"), 10, now()))).isEqualTo("alice");
      assertThat(names(store.select(SWARM, peer("L alice"), 10, now()))).isEqualTo("bob");
      assertThat(replica.counts(SWARM, now())).isEqualTo(new SwarmCounts(1, 1, 1));
    }
  }

  @Test
  void scriptsFlushedFromRedisAreLoadedAgain() throws Exception {
    announce(SWARM, peer("L a"), AnnounceEvent.STARTED);

    admin.scriptFlush();

    announce(SWARM, peer("L b"), AnnounceEvent.STARTED);
    assertThat(store.counts(SWARM, now()).incomplete()).isEqualTo(2);
  }

  @Test
  void connectingToNoRedisFailsNamingItWithoutThePassword() throws Exception {
    int closedPort;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
      closedPort = probe.getLocalPort();
    }
    URI nowhere = URI.create("redis://:hunter2@127.0.0.1:" + closedPort + "/3");

    assertThatThrownBy(() -> RedisPeerStore.connect(nowhere))
        .isInstanceOf(PeerStoreUnavailableException.class)
        .hasMessageStartingWith("connect to redis://127.0.0.1:" + closedPort + "/3 failed")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void duringAnOutageCallsFailFastAndTheStoreRecoversWhenRedisReturns() throws Exception {
    try (RedisServer own = RedisServer.startOnFreePort();
        RedisPeerStore outaged = RedisPeerStore.connect(own.uri())) {
      outaged.announce(SWARM, peer("L a"), AnnounceEvent.STARTED, now(), now().plus(TTL));

      own.stop();

      long start = System.nanoTime();
      assertThatThrownBy(
              () ->
                  outaged.announce(
                      SWARM, peer("L b"), AnnounceEvent.STARTED, now(), now().plus(TTL)))
          .isInstanceOf(PeerStoreUnavailableException.class)
          .hasMessageStartingWith(
              "announce to swarm "
                  + SWARM.hex()
                  + " in "
                  + "redis://127.0.0.1:"
                  + own.port()
                  + "/0 failed");
      assertThatThrownBy(outaged::check).isInstanceOf(PeerStoreUnavailableException.class);
      assertThatThrownBy(() -> outaged.counts(SWARM, now()))
          .isInstanceOf(PeerStoreUnavailableException.class);
      // One command timeout (2 s) while the loss is detected, then at once; the bound only
      // catches a hang, since CI machines are noisy.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));

      own.start();
      awaitAvailable(outaged);

      // Nothing was persisted: the peers come back with their next announce.
      outaged.announce(SWARM, peer("L b"), AnnounceEvent.STARTED, now(), now().plus(TTL));
      assertThat(names(outaged.select(SWARM, peer("L me"), 10, now()))).isEqualTo("b");
    }
  }

  /** Lettuce reconnects in the background (backoff capped at 1 s); bounded wait for it. */
  static void awaitAvailable(PeerStore store) {
    Await.until("the store to reconnect", Duration.ofSeconds(15), () -> answers(store));
  }

  private static boolean answers(PeerStore store) {
    try {
      store.check();
      return true;
    } catch (PeerStoreUnavailableException e) {
      return false;
    }
  }
}
