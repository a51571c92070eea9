package io.layerswarm.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.core.auth.ClusterSecret;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TrackerConfigTest {
  private static final InetSocketAddress LISTEN = new InetSocketAddress("127.0.0.1", 0);

  private static TrackerConfig config(
      Duration interval, Duration min, Duration ttl, int numwant, int max, List<URI> seeders) {
    return new TrackerConfig(LISTEN, interval, min, ttl, numwant, max, seeders);
  }

  @Test
  void defaultsAreThirtySecondsFiveSecondsThreeIntervalsFiftyAndTwoHundred() {
    TrackerConfig config = TrackerConfig.defaults(LISTEN);

    assertThat(config.announceInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.minAnnounceInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.peerTtl()).isEqualTo(Duration.ofSeconds(90));
    assertThat(config.defaultNumwant()).isEqualTo(50);
    assertThat(config.maxNumwant()).isEqualTo(200);
    assertThat(config.seeders()).isEmpty();
  }

  @Test
  void changingTheIntervalMovesThePeerTtlAlong() {
    TrackerConfig config =
        TrackerConfig.defaults(LISTEN).withAnnounceInterval(Duration.ofSeconds(2));

    assertThat(config.peerTtl()).isEqualTo(Duration.ofSeconds(6));
    assertThat(config.minAnnounceInterval()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void everyInvalidValueIsReportedByItsKey() {
    Duration s30 = Duration.ofSeconds(30);
    Duration s5 = Duration.ofSeconds(5);
    Duration s90 = Duration.ofSeconds(90);
    assertThatThrownBy(() -> new TrackerConfig(null, s30, s5, s90, 50, 200, List.of()))
        .hasMessage("tracker.listen must be set");
    assertThatThrownBy(() -> config(Duration.ZERO, s5, s90, 50, 200, List.of()))
        .hasMessage("tracker.announce-interval must be > 0, got PT0S");
    assertThatThrownBy(() -> config(Duration.ofMillis(1500), s5, s90, 50, 200, List.of()))
        .hasMessage("tracker.announce-interval must be whole seconds, got PT1.5S");
    assertThatThrownBy(() -> config(s30, Duration.ofSeconds(-1), s90, 50, 200, List.of()))
        .hasMessageStartingWith("tracker.min-announce-interval must be > 0");
    assertThatThrownBy(() -> config(s30, Duration.ofSeconds(31), s90, 50, 200, List.of()))
        .hasMessage("tracker.min-announce-interval must be <= tracker.announce-interval");
    assertThatThrownBy(() -> config(s30, s5, s30, 50, 200, List.of()))
        .hasMessageStartingWith("tracker.peer-ttl must be > tracker.announce-interval");
    assertThatThrownBy(() -> config(s30, s5, s90, 50, 0, List.of()))
        .hasMessage("tracker.max-numwant must be 1..10000, got 0");
    assertThatThrownBy(() -> config(s30, s5, s90, 201, 200, List.of()))
        .hasMessage("tracker.default-numwant must be 0..tracker.max-numwant, got 201");
    assertThatThrownBy(() -> config(s30, s5, s90, 50, 200, null))
        .hasMessageStartingWith("tracker.seeders must be set");
    assertThatThrownBy(() -> config(s30, s5, s90, 50, 200, List.of(URI.create("seeder:8080"))))
        .hasMessageStartingWith("tracker.seeders entries must be absolute http(s) URIs");
  }

  @Test
  void seedersAreCopied() {
    List<URI> seeders = new java.util.ArrayList<>(List.of(URI.create("http://seeder-1:8081")));
    TrackerConfig config = TrackerConfig.defaults(LISTEN).withSeeders(seeders);
    seeders.clear();

    assertThat(config.seeders()).containsExactly(URI.create("http://seeder-1:8081"));
  }

  @Test
  void byDefaultPeersStayInMemoryAndTheTrackerIsInOpenMode() {
    TrackerConfig config = TrackerConfig.defaults(LISTEN);

    assertThat(config.redis()).isEmpty();
    assertThat(config.clusterSecret()).isEmpty();
    assertThat(
            config(
                Duration.ofSeconds(30),
                Duration.ofSeconds(5),
                Duration.ofSeconds(90),
                50,
                200,
                List.of()))
        .isEqualTo(config);
  }

  @Test
  void redisAndTheClusterSecretSurviveTheOtherWithers() {
    URI redis = URI.create("redis://10.0.0.5:6379/0");
    ClusterSecret secret = ClusterSecret.random();

    TrackerConfig config =
        TrackerConfig.defaults(LISTEN)
            .withRedis(redis)
            .withClusterSecret(secret)
            .withSeeders(List.of(URI.create("http://seeder:6970")))
            .withAnnounceInterval(Duration.ofSeconds(10));

    assertThat(config.redis()).contains(redis);
    assertThat(config.clusterSecret()).containsSame(secret);
  }

  @Test
  void aBadRedisUriIsReportedByItsKeyWithoutItsPassword() {
    TrackerConfig base = TrackerConfig.defaults(LISTEN);
    assertThatThrownBy(() -> base.withRedis(URI.create("http://127.0.0.1:6379")))
        .hasMessage(
            "tracker.redis must be redis://host[:port][/database] (or rediss://), or"
                + " redis-sentinel://host:port[,host:port...][/database]#master (or"
                + " rediss-sentinel://), got http://127.0.0.1:6379");
    assertThatThrownBy(() -> base.withRedis(URI.create("redis://:hunter2@127.0.0.1:6379/db")))
        .hasMessage(
            "tracker.redis path must be a database number like /0, got"
                + " redis://***@127.0.0.1:6379/db");
    assertThatThrownBy(() -> base.withRedis(URI.create("localhost:6379")))
        .hasMessageStartingWith("tracker.redis must be");
    assertThatThrownBy(
            () ->
                new TrackerConfig(
                    LISTEN,
                    Duration.ofSeconds(30),
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(90),
                    50,
                    200,
                    List.of(),
                    null,
                    Optional.empty()))
        .hasMessageStartingWith("tracker.redis and cluster.secret-file must not be null");
    assertThat(base.withRedis(URI.create("rediss://cache.internal")).redis()).isPresent();
  }

  @Test
  void aSentinelUriNamesItsSentinelsAndTheMaster() {
    TrackerConfig base = TrackerConfig.defaults(LISTEN);
    for (String good :
        List.of(
            "redis-sentinel://10.0.0.1:26379,10.0.0.2:26379,10.0.0.3:26379/0#mymaster",
            "redis-sentinel://:hunter2@sentinel.internal:26379#tracker-peers",
            "rediss-sentinel://[::1]:26379/3#m1")) {
      assertThat(base.withRedis(URI.create(good)).redis()).contains(URI.create(good));
    }
  }

  @Test
  void aBadSentinelUriIsReportedByItsKeyWithoutItsPassword() {
    TrackerConfig base = TrackerConfig.defaults(LISTEN);
    assertThatThrownBy(
            () -> base.withRedis(URI.create("redis-sentinel://:hunter2@10.0.0.1:26379,10.0.0.2/0")))
        .hasMessage(
            "tracker.redis must name the sentinels' master as its fragment, as in"
                + " redis-sentinel://host:26379,host:26379/0#mymaster, got"
                + " redis-sentinel://***@10.0.0.1:26379,10.0.0.2/0");
    assertThatThrownBy(
            () ->
                base.withRedis(
                    URI.create("redis-sentinel://:hunter2@10.0.0.1:26379,10.0.0.2/0#mymaster")))
        .hasMessage(
            "tracker.redis sentinels must be host:port separated by commas, got '10.0.0.2' in"
                + " redis-sentinel://***@10.0.0.1:26379,10.0.0.2/0#mymaster");
    assertThatThrownBy(
            () -> base.withRedis(URI.create("redis-sentinel://10.0.0.1:26379,,/0#mymaster")))
        .hasMessageStartingWith("tracker.redis sentinels must be host:port");
    assertThatThrownBy(
            () -> base.withRedis(URI.create("redis-sentinel://10.0.0.1:26379/x#mymaster")))
        .hasMessageStartingWith("tracker.redis path must be a database number");
    assertThatThrownBy(
            () -> base.withRedis(URI.create("redis-sentinel://10.0.0.1:99999/0#mymaster")))
        .hasMessageStartingWith("tracker.redis sentinels must be host:port");
    assertThatThrownBy(
            () -> base.withRedis(URI.create("redis-sentinel://10.0.0.1:26379/0?timeout=1s#m")))
        .hasMessageStartingWith("tracker.redis must have no query");
  }

  @Test
  void toStringHidesSecrets() {
    TrackerConfig config =
        TrackerConfig.defaults(LISTEN)
            .withRedis(URI.create("redis://:hunter2@10.0.0.5:6379/0"))
            .withClusterSecret(ClusterSecret.random());

    assertThat(config.toString())
        .doesNotContain("hunter2")
        .contains("clusterSecret=***")
        .contains("redis://***@10.0.0.5:6379/0");
    assertThat(
            TrackerConfig.defaults(LISTEN)
                .withRedis(URI.create("redis-sentinel://:hunter2@10.0.0.1:26379,10.0.0.2:26379#m"))
                .toString())
        .doesNotContain("hunter2")
        .contains("redis-sentinel://***@10.0.0.1:26379,10.0.0.2:26379#m");
  }
}
