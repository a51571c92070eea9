package io.layerswarm.tracker;

import static io.layerswarm.tracker.testing.TrackerHttp.announcePath;
import static io.layerswarm.tracker.testing.TrackerHttp.compactPeers;
import static io.layerswarm.tracker.testing.TrackerHttp.failureReason;
import static io.layerswarm.tracker.testing.Urls.percentEncode;
import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.Digest;
import io.layerswarm.testing.ManualClock;
import io.layerswarm.tracker.auth.Passkey;
import io.layerswarm.tracker.peerstore.InMemoryPeerStore;
import io.layerswarm.tracker.peerstore.StoreStats;
import io.layerswarm.tracker.testing.KnownMetainfo;
import io.layerswarm.tracker.testing.TrackerHttp;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A tracker with a cluster passkey: {@code /<passkey>/announce} only. */
class TrackerPasskeyTest {
  private static final String KEY = "cluster-passkey-0123456789";
  private static final byte[] HASH = "passkey-protected-01".getBytes(StandardCharsets.US_ASCII);
  private static final Digest KNOWN = new Digest("sha256", "1".repeat(64));
  private static final byte[] TORRENT = "d4:infod4:name1:xee".getBytes(StandardCharsets.US_ASCII);

  private final ManualClock clock = new ManualClock();
  private final InMemoryPeerStore store = new InMemoryPeerStore();
  private final TrackerHttp http = new TrackerHttp();
  private TrackerServer server;
  private URI base;

  @BeforeEach
  void start() throws TrackerException {
    server =
        TrackerServer.start(
            TrackerConfig.defaults(new InetSocketAddress("127.0.0.1", 0))
                .withPasskey(Passkey.of(KEY)),
            store,
            KnownMetainfo.of(KNOWN, TORRENT),
            clock);
    base = TrackerHttp.base(server.address());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void anAnnounceWithThePasskeyIsServed() throws Exception {
    http.bencoded(base, announcePath("/" + KEY, HASH, "alice", 7001, 0, ""));

    Map<String, Object> bob =
        http.bencoded(base, announcePath("/" + KEY, HASH, "bob", 7002, 9, ""));

    assertThat(compactPeers(bob)).containsExactly("127.0.0.1:7001");
  }

  @Test
  void aPlainAnnounceIsRefusedAndStoresNothing() throws Exception {
    Map<String, Object> reply = http.bencoded(base, announcePath("", HASH, "alice", 7001, 0, ""));

    assertThat(reply).containsOnlyKeys("failure reason");
    assertThat(failureReason(reply)).isEqualTo("this tracker requires a passkey");
    assertThat(store.stats(clock.instant())).isEqualTo(new StoreStats(0, 0));
  }

  @Test
  void aWrongPasskeyIsRefusedAndStoresNothing() throws Exception {
    Map<String, Object> reply =
        http.bencoded(
            base, announcePath("/cluster-passkey-0123456788", HASH, "alice", 7001, 0, ""));

    assertThat(failureReason(reply)).isEqualTo("invalid passkey");
    assertThat(store.stats(clock.instant())).isEqualTo(new StoreStats(0, 0));
  }

  @Test
  @SuppressWarnings("unchecked")
  void scrapeNeedsThePasskeyToo() throws Exception {
    http.bencoded(base, announcePath("/" + KEY, HASH, "alice", 7001, 0, ""));
    String query = "/scrape?info_hash=" + percentEncode(HASH);

    Map<String, Object> plain = http.bencoded(base, query);
    Map<String, Object> keyed = http.bencoded(base, "/" + KEY + query);

    assertThat(failureReason(plain)).isEqualTo("this tracker requires a passkey");
    assertThat(
            (Map<String, Object>)
                ((Map<String, Object>) keyed.get("files")).get("passkey-protected-01"))
        .containsEntry("complete", 1L);
  }

  @Test
  void refusalsAreCountedAsFailures() throws Exception {
    http.bencoded(base, announcePath("", HASH, "alice", 7001, 0, ""));

    assertThat(TrackerHttp.text(http.get(base, "/metrics")))
        .contains("tracker_announces_total{result=\"failure\"} 1.0");
  }

  @Test
  void metainfoIsServedWithAndWithoutThePasskeyAndOtherPathsStay404() throws Exception {
    String metainfo = "/metainfo/" + KNOWN + "?registry=r&repo=app";

    assertThat(http.get(base, metainfo).body()).isEqualTo(TORRENT);
    assertThat(http.get(base, "/" + KEY + metainfo).body()).isEqualTo(TORRENT);
    assertThat(http.get(base, "/wrong-passkey-000000000" + metainfo).statusCode()).isEqualTo(404);
    assertThat(http.get(base, "/" + KEY + "/healthz").statusCode()).isEqualTo(404);
  }

  @Test
  void theAnnounceUriCarriesThePasskey() {
    assertThat(server.announceUri())
        .isEqualTo(
            URI.create("http://127.0.0.1:" + server.address().getPort() + "/" + KEY + "/announce"));
  }
}
