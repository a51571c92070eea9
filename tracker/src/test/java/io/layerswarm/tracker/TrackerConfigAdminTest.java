package io.layerswarm.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.tracker.announce.TrustedProxies;
import io.layerswarm.tracker.http.ConnectionLimits;
import io.layerswarm.tracker.peerstore.PeerLimits;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The admin API settings of {@link TrackerConfig}: tracker.admin-listen and admin-token. */
class TrackerConfigAdminTest {
  private static final InetSocketAddress LISTEN = new InetSocketAddress("127.0.0.1", 6969);
  private static final InetSocketAddress ADMIN = new InetSocketAddress("127.0.0.1", 6971);

  @Test
  void noAdminApiByDefaultAndFromTheOlderConstructors() {
    assertThat(TrackerConfig.defaults(LISTEN).adminListen()).isEmpty();
    assertThat(TrackerConfig.defaults(LISTEN).adminToken()).isEmpty();
    TrackerConfig nine =
        new TrackerConfig(
            LISTEN,
            Duration.ofSeconds(30),
            Duration.ofSeconds(5),
            Duration.ofSeconds(90),
            50,
            200,
            List.of(),
            Optional.empty(),
            Optional.empty());
    assertThat(nine.adminListen()).isEmpty();
    assertThat(nine).isEqualTo(TrackerConfig.defaults(LISTEN));
  }

  @Test
  void withAdminSetsBothAndTheOtherWithersKeepThem() {
    TrackerConfig config =
        TrackerConfig.defaults(LISTEN)
            .withAdmin(ADMIN, Optional.of("t0k"))
            .withAnnounceInterval(Duration.ofSeconds(10))
            .withSeeders(List.of());

    assertThat(config.adminListen()).contains(ADMIN);
    assertThat(config.adminToken()).contains("t0k");
  }

  @Test
  void theTokenNeverShowsInToString() {
    TrackerConfig config = TrackerConfig.defaults(LISTEN).withAdmin(ADMIN, Optional.of("t0k3n"));

    assertThat(config.toString()).contains("adminToken=***").doesNotContain("t0k3n");
  }

  @Test
  void anEmptyTokenMeansNone() {
    assertThat(TrackerConfig.defaults(LISTEN).withAdmin(ADMIN, Optional.of("")).adminToken())
        .isEmpty();
  }

  @Test
  void aTokenWithSpacesOrWithoutAnAdminApiIsRefusedNamingTheKey() {
    assertThatThrownBy(() -> TrackerConfig.defaults(LISTEN).withAdmin(ADMIN, Optional.of("a b")))
        .hasMessageContaining("tracker.admin-token");
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
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.of("t0k"),
                    Optional.empty(),
                    TrustedProxies.NONE,
                    PeerLimits.DEFAULTS,
                    ConnectionLimits.DEFAULTS))
        .hasMessageContaining("tracker.admin-token")
        .hasMessageContaining("tracker.admin-listen");
  }
}
