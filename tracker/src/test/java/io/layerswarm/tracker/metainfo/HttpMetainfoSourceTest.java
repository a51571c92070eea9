package io.layerswarm.tracker.metainfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.core.Digest;
import io.layerswarm.core.ring.SeederRing;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.tracker.testing.FakeSeeder;
import io.layerswarm.tracker.testing.SettableSeeder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HttpMetainfoSourceTest {
  private static final Digest DIGEST = new Digest("sha256", "0123456789abcdef".repeat(4));
  private static final RepositoryName REPO = new RepositoryName("library/app");
  private static final byte[] TORRENT = "d4:infod4:name3:abcee".getBytes(StandardCharsets.US_ASCII);

  /** A port nothing listens on: connecting is refused at once. */
  private static URI deadSeeder() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return URI.create("http://127.0.0.1:" + socket.getLocalPort());
    }
  }

  @Test
  void theFirstSeederThatAnswers200GivesTheMetainfo() throws Exception {
    try (FakeSeeder seeder = FakeSeeder.answering(200, TORRENT)) {
      HttpMetainfoSource source = new HttpMetainfoSource(List.of(seeder.uri()));

      assertThat(source.metainfo(DIGEST, "registry.example.com:5000", REPO)).isEqualTo(TORRENT);
      assertThat(seeder.requests())
          .singleElement()
          .satisfies(
              uri -> {
                assertThat(uri.getRawPath()).isEqualTo("/metainfo/sha256:" + DIGEST.hex());
                assertThat(uri.getRawQuery())
                    .isEqualTo("registry=registry.example.com%3A5000&repo=library%2Fapp");
              });
    }
  }

  @Test
  void anAnswerWithAnInlinedBlobIsPassedOnByteForByte() throws Exception {
    // A new seeder's answer for a tiny blob (decision 31): the tracker does not parse it, so old
    // and new trackers hand the agent the same bytes.
    byte[] inlined =
        "d4:infod4:name3:abce15:layerswarm blob3:abce".getBytes(StandardCharsets.US_ASCII);
    try (FakeSeeder seeder = FakeSeeder.answering(200, inlined)) {
      HttpMetainfoSource source = new HttpMetainfoSource(List.of(seeder.uri()));

      assertThat(source.metainfo(DIGEST, "r", REPO)).isEqualTo(inlined);
    }
  }

  @Test
  void aSeederBaseUriWithAPathPrefixAndTrailingSlashIsJoinedCleanly() {
    URI uri = HttpMetainfoSource.requestUri(URI.create("http://s:1/prefix/"), DIGEST, "r", REPO);

    assertThat(uri.toString())
        .isEqualTo(
            "http://s:1/prefix/metainfo/sha256:" + DIGEST.hex() + "?registry=r&repo=library%2Fapp");
  }

  /** {@code seeders} sorted by their ring rank for {@link #DIGEST} (the first owner first). */
  private static List<URI> rank(URI... seeders) {
    return SeederRing.of(List.of(seeders), SeederRing.DEFAULT_REPLICAS).rank(DIGEST);
  }

  @Test
  void a404IsNotFoundAndNoOtherSeederIsAsked() throws Exception {
    try (SettableSeeder x = new SettableSeeder();
        SettableSeeder y = new SettableSeeder()) {
      List<URI> order = rank(x.uri(), y.uri());
      SettableSeeder first = order.get(0).equals(x.uri()) ? x : y;
      SettableSeeder other = first == x ? y : x;
      first.metainfo(404, new byte[0]);
      other.metainfo(200, TORRENT);
      HttpMetainfoSource source = new HttpMetainfoSource(List.of(other.uri(), first.uri()));

      assertThatThrownBy(() -> source.metainfo(DIGEST, "r", REPO))
          .isInstanceOfSatisfying(
              MetainfoUnavailableException.class, e -> assertThat(e.notFound()).isTrue())
          .hasMessageContaining(DIGEST.toString());
      assertThat(other.metainfoRequests()).isEmpty();
    }
  }

  @Test
  void aFailingOrDeadSeederIsSkippedForTheNext() throws Exception {
    try (SettableSeeder x = new SettableSeeder();
        SettableSeeder y = new SettableSeeder()) {
      URI dead = deadSeeder();
      List<URI> order = rank(dead, x.uri(), y.uri()).stream().filter(u -> !u.equals(dead)).toList();
      SettableSeeder broken = order.get(0).equals(x.uri()) ? x : y;
      SettableSeeder good = broken == x ? y : x;
      broken.metainfo(500, new byte[0]);
      good.metainfo(200, TORRENT);
      HttpMetainfoSource source = new HttpMetainfoSource(List.of(dead, broken.uri(), good.uri()));

      assertThat(source.metainfo(DIGEST, "r", REPO)).isEqualTo(TORRENT);
      assertThat(broken.metainfoRequests()).hasSize(1);
    }
  }

  @Test
  void whenEverySeederFailsTheMetainfoIsUnavailableNamingEachOne() throws Exception {
    try (FakeSeeder broken = FakeSeeder.answering(503, new byte[0])) {
      URI dead = deadSeeder();
      HttpMetainfoSource source = new HttpMetainfoSource(List.of(dead, broken.uri()));

      assertThatThrownBy(() -> source.metainfo(DIGEST, "r", REPO))
          .isInstanceOfSatisfying(
              MetainfoUnavailableException.class, e -> assertThat(e.notFound()).isFalse())
          .hasMessageContaining(dead.toString())
          .hasMessageContaining(broken.uri() + " answered HTTP 503");
    }
  }

  @Test
  void aSeederSlowerThanTheTimeoutCountsAsFailed() throws Exception {
    try (FakeSeeder slow = FakeSeeder.holding(TORRENT)) {
      HttpMetainfoSource source =
          new HttpMetainfoSource(List.of(slow.uri()), Duration.ofMillis(300));

      assertThatThrownBy(() -> source.metainfo(DIGEST, "r", REPO))
          .isInstanceOfSatisfying(
              MetainfoUnavailableException.class, e -> assertThat(e.notFound()).isFalse());
    }
  }

  @Test
  void anInterruptedCallIsUnavailableAndKeepsTheInterrupt() throws Exception {
    try (FakeSeeder slow = FakeSeeder.holding(TORRENT)) {
      HttpMetainfoSource source = new HttpMetainfoSource(List.of(slow.uri()));
      Thread.currentThread().interrupt();
      try {
        assertThatThrownBy(() -> source.metainfo(DIGEST, "r", REPO))
            .isInstanceOf(MetainfoUnavailableException.class)
            .hasMessageContaining("interrupted");
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
      } finally {
        Thread.interrupted();
      }
    }
  }

  @Test
  void withoutSeedersEveryCallIsUnavailable() {
    HttpMetainfoSource source = new HttpMetainfoSource(List.of());

    assertThatThrownBy(() -> source.metainfo(DIGEST, "r", REPO))
        .hasMessageContaining("no seeders are configured");
  }

  @Test
  void theDefaultTimeoutLeavesASeederTimeToPullALargeBlob() {
    assertThat(HttpMetainfoSource.DEFAULT_TIMEOUT).isEqualTo(Duration.ofMinutes(10));
  }
}
