package io.layerswarm.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.testing.ManualClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HttpAuthTest {
  private static final URI URI_ = URI.create("http://tracker:6969/scrape?info_hash=%01%02");
  private final ClusterSecret secret = ClusterSecret.random();
  private final ManualClock clock = new ManualClock(Instant.parse("2026-11-28T12:00:00Z"));

  @Test
  void aMemberAcceptsWhatAnotherMemberSigned() {
    HttpAuth client = HttpAuth.of(Optional.of(secret), clock);
    HttpAuth server = HttpAuth.of(Optional.of(secret), clock);

    String header = client.sign("GET", URI_).orElseThrow();
    clock.advance(Duration.ofSeconds(3));

    assertThat(server.check("GET", "/scrape?info_hash=%01%02", header).valid()).isTrue();
    assertThat(server.required()).isTrue();
  }

  @Test
  void aMemberRefusesUnsignedRequests() {
    HttpAuth server = HttpAuth.of(Optional.of(secret), clock);

    assertThat(server.check("GET", "/scrape?info_hash=%01%02", null).valid()).isFalse();
  }

  @Test
  void openModeSignsNothingAndLetsEverythingIn() {
    HttpAuth open = HttpAuth.of(Optional.empty(), clock);

    assertThat(open.sign("GET", URI_)).isEmpty();
    assertThat(open.check("GET", "/scrape", null).valid()).isTrue();
    assertThat(open.required()).isFalse();
  }
}
