package io.layerswarm.tracker;

import static io.layerswarm.tracker.testing.TrackerHttp.announcePath;
import static io.layerswarm.tracker.testing.TrackerHttp.compactPeers;
import static io.layerswarm.tracker.testing.Urls.percentEncode;
import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.Digest;
import io.layerswarm.core.auth.ClusterSecret;
import io.layerswarm.core.auth.HttpAuth;
import io.layerswarm.core.auth.HttpSignature;
import io.layerswarm.core.bencode.Bencode;
import io.layerswarm.testing.ManualClock;
import io.layerswarm.tracker.metainfo.MetainfoSource;
import io.layerswarm.tracker.peerstore.InMemoryPeerStore;
import io.layerswarm.tracker.peerstore.StoreStats;
import io.layerswarm.tracker.testing.KnownMetainfo;
import io.layerswarm.tracker.testing.TrackerHttp;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A tracker with a cluster secret: announce, scrape and metainfo only for requests signed with it;
 * health and metrics for everyone.
 */
class TrackerClusterSecretTest {
  private static final byte[] HASH = "members-only-swarm-1".getBytes(StandardCharsets.US_ASCII);
  private static final Digest KNOWN = new Digest("sha256", "1".repeat(64));
  private static final byte[] TORRENT = "d4:infod4:name1:xee".getBytes(StandardCharsets.US_ASCII);
  private static final String METAINFO = "/metainfo/" + KNOWN + "?registry=r&repo=private/app";

  private final ClusterSecret secret = ClusterSecret.random();
  private final ManualClock clock = new ManualClock();
  private final InMemoryPeerStore store = new InMemoryPeerStore();
  private final AtomicInteger seederCalls = new AtomicInteger();
  private final MetainfoSource known = KnownMetainfo.of(KNOWN, TORRENT);
  private final TrackerHttp member = new TrackerHttp(HttpAuth.of(Optional.of(secret), clock));
  private final TrackerHttp stranger = new TrackerHttp();
  private TrackerServer server;
  private URI base;

  @BeforeEach
  void start() throws TrackerException {
    server =
        TrackerServer.start(
            TrackerConfig.defaults(new InetSocketAddress("127.0.0.1", 0)).withClusterSecret(secret),
            store,
            (digest, registry, repo) -> {
              seederCalls.incrementAndGet();
              return known.metainfo(digest, registry, repo);
            },
            clock);
    base = TrackerHttp.base(server.address());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void membersAnnounceAndFindEachOther() throws Exception {
    member.bencoded(base, announcePath("", HASH, "alice", 7001, 0, ""));

    Map<String, Object> bob = member.bencoded(base, announcePath("", HASH, "bob", 7002, 9, ""));

    assertThat(compactPeers(bob)).containsExactly("127.0.0.1:7001");
  }

  @Test
  void anUnsignedAnnounceGets401WithAReasonNamingTheKeyAndStoresNothing() throws Exception {
    HttpResponse<byte[]> response = stranger.get(base, announcePath("", HASH, "eve", 7001, 0, ""));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(failureReason(response)).contains("cluster.secret-file");
    assertThat(store.stats(clock.instant())).isEqualTo(new StoreStats(0, 0));
  }

  @Test
  void anAnnounceSignedWithAnotherSecretIsRefused() throws Exception {
    TrackerHttp other = new TrackerHttp(HttpAuth.of(Optional.of(ClusterSecret.random()), clock));

    HttpResponse<byte[]> response = other.get(base, announcePath("", HASH, "eve", 7001, 0, ""));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(failureReason(response)).startsWith("bad signature");
    assertThat(store.stats(clock.instant())).isEqualTo(new StoreStats(0, 0));
  }

  @Test
  void aSignatureCannotBeMovedToAnotherQuery() throws Exception {
    member.bencoded(base, announcePath("", HASH, "alice", 7001, 0, ""));
    String signed = announcePath("", HASH, "alice", 7001, 0, "");
    String header = HttpSignature.of(secret).sign("GET", signed, clock.instant());

    // Eve saw alice's signed announce and replays its header on a "stopped" for alice.
    HttpResponse<byte[]> replay =
        stranger.getWithHeader(base, signed + "&event=stopped", HttpSignature.HEADER, header);

    assertThat(replay.statusCode()).isEqualTo(401);
    assertThat(store.stats(clock.instant())).isEqualTo(new StoreStats(1, 1));
  }

  @Test
  void aSignatureOlderThanTheWindowIsRefused() throws Exception {
    String path = announcePath("", HASH, "alice", 7001, 0, "");
    String header = HttpSignature.of(secret).sign("GET", path, clock.instant());
    clock.advance(HttpSignature.MAX_SKEW.plus(Duration.ofSeconds(1)));

    HttpResponse<byte[]> late = stranger.getWithHeader(base, path, HttpSignature.HEADER, header);

    assertThat(late.statusCode()).isEqualTo(401);
    assertThat(failureReason(late)).contains("clock");
  }

  @Test
  @SuppressWarnings("unchecked")
  void scrapeIsForMembersOnly() throws Exception {
    member.bencoded(base, announcePath("", HASH, "alice", 7001, 0, ""));
    String query = "/scrape?info_hash=" + percentEncode(HASH);

    HttpResponse<byte[]> refused = stranger.get(base, query);
    Map<String, Object> answered = member.bencoded(base, query);

    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(failureReason(refused)).contains("cluster.secret-file");
    assertThat(
            (Map<String, Object>)
                ((Map<String, Object>) answered.get("files")).get("members-only-swarm-1"))
        .containsEntry("complete", 1L);
  }

  @Test
  void metainfoIsRefusedWithoutTheSecretAndNoSeederIsAsked() throws Exception {
    HttpResponse<byte[]> refused = stranger.get(base, METAINFO);

    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(TrackerHttp.text(refused))
        .contains("\"error\":\"unauthorized\"")
        .contains("cluster.secret-file");
    assertThat(seederCalls).hasValue(0);

    HttpResponse<byte[]> served = member.get(base, METAINFO);
    assertThat(served.statusCode()).isEqualTo(200);
    assertThat(served.body()).isEqualTo(TORRENT);
    assertThat(seederCalls).hasValue(1);
  }

  @Test
  void healthAndMetricsStayOpenAndCountTheRefusals() throws Exception {
    stranger.get(base, announcePath("", HASH, "eve", 7001, 0, ""));
    stranger.get(base, METAINFO);

    assertThat(stranger.get(base, "/healthz").statusCode()).isEqualTo(200);
    assertThat(TrackerHttp.text(stranger.get(base, "/metrics")))
        .contains("tracker_unsigned_requests_total{endpoint=\"announce\"} 1.0")
        .contains("tracker_unsigned_requests_total{endpoint=\"metainfo\"} 1.0");
  }

  @Test
  void anOldPasskeyPathIsA404ThatSaysWhatReplacedItWithoutEchoingIt() throws Exception {
    HttpResponse<byte[]> response =
        member.get(base, "/old-passkey-0123456789" + announcePath("", HASH, "alice", 1, 0, ""));

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(TrackerHttp.text(response))
        .contains("cluster.secret-file")
        .doesNotContain("old-passkey");
  }

  @Test
  void theAnnounceUriHoldsNoSecret() {
    assertThat(server.announceUri())
        .isEqualTo(URI.create("http://127.0.0.1:" + server.address().getPort() + "/announce"));
  }

  @SuppressWarnings("unchecked")
  private static String failureReason(HttpResponse<byte[]> response) throws Exception {
    return TrackerHttp.failureReason((Map<String, Object>) Bencode.decode(response.body()));
  }
}
