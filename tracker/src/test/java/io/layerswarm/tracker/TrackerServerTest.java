package io.layerswarm.tracker;

import static io.layerswarm.tracker.testing.Urls.percentEncode;
import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.Digest;
import io.layerswarm.core.bencode.Bencode;
import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.testing.ManualClock;
import io.layerswarm.tracker.metainfo.MetainfoSource;
import io.layerswarm.tracker.metainfo.MetainfoUnavailableException;
import io.layerswarm.tracker.peerstore.InMemoryPeerStore;
import io.layerswarm.tracker.peerstore.StoreStats;
import io.layerswarm.tracker.testing.Peers;
import io.layerswarm.tracker.testing.TrackerHttp;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TrackerServerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** Bytes that are invalid UTF-8 and need escaping: the decoding must be byte by byte. */
  private static final byte[] HASH = {
    (byte) 0xff,
    0x00,
    (byte) 0x80,
    '%',
    '&',
    '+',
    '=',
    ' ',
    'a',
    'b',
    (byte) 0xc3,
    0x28,
    0x01,
    0x02,
    0x03,
    0x04,
    0x05,
    0x06,
    0x07,
    0x08
  };

  private static final Digest KNOWN = new Digest("sha256", "1".repeat(64));
  private static final Digest MISSING = new Digest("sha256", "2".repeat(64));
  private static final Digest BROKEN = new Digest("sha256", "3".repeat(64));
  private static final Digest SLOW = new Digest("sha256", "4".repeat(64));
  private static final byte[] TORRENT =
      "d8:announce3:url4:infod4:name1:xee".getBytes(StandardCharsets.US_ASCII);

  private final ManualClock clock = new ManualClock();
  private final InMemoryPeerStore store = new InMemoryPeerStore(new Random(5));
  private final FakeSource source = new FakeSource();
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
  private TrackerServer server;

  /** Metainfo by digest: KNOWN exists, MISSING is not found, BROKEN fails, SLOW waits. */
  private static final class FakeSource implements MetainfoSource {
    final AtomicInteger slowCalls = new AtomicInteger();
    final CountDownLatch slowEntered = new CountDownLatch(1);
    final CountDownLatch slowGate = new CountDownLatch(1);
    volatile String lastRegistry;
    volatile RepositoryName lastRepo;

    @Override
    public byte[] metainfo(Digest digest, String registry, RepositoryName repo)
        throws MetainfoUnavailableException {
      lastRegistry = registry;
      lastRepo = repo;
      if (digest.equals(KNOWN)) {
        return TORRENT;
      }
      if (digest.equals(SLOW)) {
        slowCalls.incrementAndGet();
        slowEntered.countDown();
        try {
          if (slowGate.await(10, TimeUnit.SECONDS)) {
            return TORRENT;
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        throw MetainfoUnavailableException.unavailable("slow seeder gave up", null);
      }
      if (digest.equals(BROKEN)) {
        throw MetainfoUnavailableException.unavailable("every seeder failed", null);
      }
      throw MetainfoUnavailableException.notFound("no blob " + digest);
    }
  }

  @BeforeEach
  void start() throws TrackerException {
    server =
        TrackerServer.start(
            TrackerConfig.defaults(new InetSocketAddress("127.0.0.1", 0)), store, source, clock);
  }

  @AfterEach
  void stop() {
    source.slowGate.countDown();
    server.close();
  }

  private URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + server.address().getPort() + pathAndQuery);
  }

  private HttpResponse<byte[]> get(String pathAndQuery) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(pathAndQuery)).timeout(TIMEOUT).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private CompletableFuture<HttpResponse<byte[]>> getAsync(String pathAndQuery) {
    return http.sendAsync(
        HttpRequest.newBuilder(uri(pathAndQuery)).timeout(TIMEOUT).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String announceQuery(
      byte[] infoHash, String peer, int port, long left, String extra) {
    return "/announce?info_hash="
        + percentEncode(infoHash)
        + "&peer_id="
        + percentEncode(Peers.id(peer).bytes())
        + "&port="
        + port
        + "&uploaded=0&downloaded=0&left="
        + left
        + extra;
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> announce(String peer, int port, long left, String extra)
      throws Exception {
    HttpResponse<byte[]> response = get(announceQuery(HASH, peer, port, left, extra));
    assertThat(response.statusCode()).isEqualTo(200);
    return (Map<String, Object>) Bencode.decode(response.body());
  }

  private static String text(Object bencodedString) {
    return new String((byte[]) bencodedString, StandardCharsets.UTF_8);
  }

  @Test
  void twoPeersThatAnnounceEachSeeTheOtherAndNotThemselves() throws Exception {
    Map<String, Object> first = announce("alice", 7001, 0, "&event=started");
    assertThat(TrackerHttp.compactPeers((byte[]) first.get("peers"))).isEmpty();

    Map<String, Object> second = announce("bob", 7002, 1000, "&event=started");
    Map<String, Object> firstAgain = announce("alice", 7001, 0, "");

    assertThat(TrackerHttp.compactPeers((byte[]) second.get("peers")))
        .containsExactly("127.0.0.1:7001");
    assertThat(TrackerHttp.compactPeers((byte[]) firstAgain.get("peers")))
        .containsExactly("127.0.0.1:7002");
    assertThat(second)
        .containsEntry("interval", 30L)
        .containsEntry("min interval", 5L)
        .containsEntry("complete", 1L)
        .containsEntry("incomplete", 1L);
  }

  @Test
  void theInfoHashIsDecodedAsRawBytes() throws Exception {
    announce("alice", 7001, 0, "");

    assertThat(store.counts(new InfoHash(HASH), clock.instant()).complete()).isEqualTo(1);
  }

  @Test
  void stoppedRemovesThePeer() throws Exception {
    announce("alice", 7001, 0, "");
    announce("bob", 7002, 1000, "");

    Map<String, Object> stopped = announce("bob", 7002, 1000, "&event=stopped");
    Map<String, Object> alice = announce("alice", 7001, 0, "");

    assertThat(TrackerHttp.compactPeers((byte[]) stopped.get("peers"))).isEmpty();
    assertThat(TrackerHttp.compactPeers((byte[]) alice.get("peers"))).isEmpty();
    assertThat(alice).containsEntry("complete", 1L).containsEntry("incomplete", 0L);
  }

  @Test
  void aPeerThatStopsAnnouncingExpiresByTheInjectedClock() throws Exception {
    announce("alice", 7001, 0, "");
    clock.advance(Duration.ofSeconds(90));

    Map<String, Object> bob = announce("bob", 7002, 1000, "");

    assertThat(TrackerHttp.compactPeers((byte[]) bob.get("peers"))).isEmpty();
    assertThat(bob).containsEntry("complete", 0L);
  }

  @Test
  void aBadInfoHashLengthGetsAFailureReasonAndStoresNothing() throws Exception {
    HttpResponse<byte[]> response =
        get(announceQuery(new byte[19], "alice", 7001, 0, "&event=started"));

    assertThat(response.statusCode()).isEqualTo(200);
    @SuppressWarnings("unchecked")
    Map<String, Object> body = (Map<String, Object>) Bencode.decode(response.body());
    assertThat(body).containsOnlyKeys("failure reason");
    assertThat(text(body.get("failure reason")))
        .isEqualTo("info_hash must be 20 bytes (URL-encoded), got 19");
    assertThat(store.stats(clock.instant())).isEqualTo(new StoreStats(0, 0));
  }

  @Test
  void aMissingPortIsNamedInTheFailureReason() throws Exception {
    HttpResponse<byte[]> response =
        get(announceQuery(HASH, "alice", 7001, 0, "").replace("&port=7001", ""));

    @SuppressWarnings("unchecked")
    Map<String, Object> body = (Map<String, Object>) Bencode.decode(response.body());
    assertThat(text(body.get("failure reason"))).isEqualTo("missing parameter port");
  }

  @Test
  @SuppressWarnings("unchecked")
  void nonCompactRepliesListPeersAsDictionaries() throws Exception {
    announce("alice", 7001, 0, "");

    Map<String, Object> bob = announce("bob", 7002, 10, "&compact=0");

    List<Map<String, Object>> peers = (List<Map<String, Object>>) bob.get("peers");
    assertThat(peers)
        .singleElement()
        .satisfies(
            peer -> {
              assertThat(text(peer.get("ip"))).isEqualTo("127.0.0.1");
              assertThat(peer).containsEntry("port", 7001L);
              assertThat(peer).doesNotContainKey("peer id");
            });
  }

  @Test
  @SuppressWarnings("unchecked")
  void scrapeCountsSeedsLeechersAndDownloads() throws Exception {
    byte[] asciiHash = "scrape-me-0123456789".getBytes(StandardCharsets.US_ASCII);
    get(announceQuery(asciiHash, "alice", 7001, 0, "&event=completed"));
    get(announceQuery(asciiHash, "bob", 7002, 5, "&event=started"));

    HttpResponse<byte[]> response = get("/scrape?info_hash=" + percentEncode(asciiHash));

    assertThat(response.statusCode()).isEqualTo(200);
    Map<String, Object> files =
        (Map<String, Object>) ((Map<String, Object>) Bencode.decode(response.body())).get("files");
    assertThat((Map<String, Object>) files.get("scrape-me-0123456789"))
        .containsEntry("complete", 1L)
        .containsEntry("incomplete", 1L)
        .containsEntry("downloaded", 1L);
  }

  @Test
  void metainfoOfAKnownBlobIsServedAsATorrent() throws Exception {
    HttpResponse<byte[]> response =
        get("/metainfo/" + KNOWN + "?registry=registry.local%3A5000&repo=library%2Fapp");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).contains("application/x-bittorrent");
    assertThat(response.body()).isEqualTo(TORRENT);
    assertThat(source.lastRegistry).isEqualTo("registry.local:5000");
    assertThat(source.lastRepo).isEqualTo(new RepositoryName("library/app"));
  }

  @Test
  void metainfoOfAnUnknownBlobIs404() throws Exception {
    HttpResponse<byte[]> response = get("/metainfo/" + MISSING + "?registry=r&repo=app");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(new String(response.body(), StandardCharsets.UTF_8))
        .contains("\"error\":\"not_found\"");
  }

  @Test
  void metainfoWhenNoSeederAnswersIs502() throws Exception {
    assertThat(get("/metainfo/" + BROKEN + "?registry=r&repo=app").statusCode()).isEqualTo(502);
  }

  @Test
  void metainfoWithABadParameterIs400NamingIt() throws Exception {
    HttpResponse<byte[]> badDigest = get("/metainfo/sha256:xyz?registry=r&repo=app");
    HttpResponse<byte[]> badRepo = get("/metainfo/" + KNOWN + "?registry=r&repo=Not%20Valid");
    HttpResponse<byte[]> noRegistry = get("/metainfo/" + KNOWN + "?repo=app");

    assertThat(badDigest.statusCode()).isEqualTo(400);
    assertThat(new String(badDigest.body(), StandardCharsets.UTF_8))
        .contains("\"parameter\":\"digest\"");
    assertThat(badRepo.statusCode()).isEqualTo(400);
    assertThat(new String(badRepo.body(), StandardCharsets.UTF_8))
        .contains("\"parameter\":\"repo\"");
    assertThat(noRegistry.statusCode()).isEqualTo(400);
    assertThat(new String(noRegistry.body(), StandardCharsets.UTF_8))
        .contains("\"parameter\":\"registry\"");
  }

  @Test
  void aSlowMetainfoFetchHoldsUpNoOtherRequestAndAnswersEveryWaiter() throws Exception {
    String path = "/metainfo/" + SLOW + "?registry=r&repo=app";
    CompletableFuture<HttpResponse<byte[]>> first = getAsync(path);
    assertThat(source.slowEntered.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<HttpResponse<byte[]>> second = getAsync(path);

    // While the fetch waits on its seeder, the event loops keep answering.
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
    assertThat(announce("alice", 7001, 0, "")).containsKey("peers");

    source.slowGate.countDown();
    assertThat(first.get(10, TimeUnit.SECONDS).body()).isEqualTo(TORRENT);
    assertThat(second.get(10, TimeUnit.SECONDS).body()).isEqualTo(TORRENT);
    // Usually 1 (single flight, see MetainfoFetcherTest); 2 if the second request reached the
    // server only after the first fetch had finished.
    assertThat(source.slowCalls.get()).isBetween(1, 2);
  }

  @Test
  void closingAnswersAWaitingMetainfoRequestAndReturnsPromptly() throws Exception {
    CompletableFuture<HttpResponse<byte[]>> waiting =
        getAsync("/metainfo/" + SLOW + "?registry=r&repo=app");
    assertThat(source.slowEntered.await(10, TimeUnit.SECONDS)).isTrue();

    long start = System.nanoTime();
    server.close();
    long tookMillis = (System.nanoTime() - start) / 1_000_000;

    assertThat(tookMillis).isLessThan(8_000);
    HttpResponse<byte[]> response = waiting.handle((r, e) -> r).get(10, TimeUnit.SECONDS);
    if (response != null) { // the 502 raced the connection close; either is a clean end
      assertThat(response.statusCode()).isEqualTo(502);
    }
  }

  @Test
  void healthzIsOk() throws Exception {
    HttpResponse<byte[]> response = get("/healthz");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo("ok");
  }

  @Test
  void metricsAreServedInPrometheusText() throws Exception {
    announce("alice", 7001, 0, "");
    get(announceQuery(new byte[3], "bob", 7002, 0, ""));

    HttpResponse<byte[]> response = get("/metrics");

    assertThat(response.statusCode()).isEqualTo(200);
    String text = new String(response.body(), StandardCharsets.UTF_8);
    assertThat(text)
        .contains("tracker_announces_total{result=\"ok\"} 1.0")
        .contains("tracker_announces_total{result=\"failure\"} 1.0")
        .contains("tracker_swarms 1.0")
        .contains("tracker_peers 1.0");
  }

  @Test
  void anUnknownPathIs404AndAnotherMethodIs405() throws Exception {
    assertThat(get("/nothing-here").statusCode()).isEqualTo(404);
    HttpResponse<byte[]> post =
        http.send(
            HttpRequest.newBuilder(uri("/announce"))
                .timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString("x"))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("allow")).contains("GET");
  }

  @Test
  void aRequestTargetOverFourKibibytesIs414() throws Exception {
    assertThat(get("/announce?pad=" + "x".repeat(5000)).statusCode()).isEqualTo(414);
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
  }

  @Test
  void theAnnounceUriNamesTheBoundPort() {
    assertThat(server.announceUri())
        .isEqualTo(URI.create("http://127.0.0.1:" + server.address().getPort() + "/announce"));
  }

  @Test
  void startingOnAPortInUseFailsNamingTheKeyAndTheAddress() {
    TrackerConfig taken = TrackerConfig.defaults(server.address());

    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> TrackerServer.start(taken, store, source, clock))
        .isInstanceOf(TrackerException.class)
        .hasMessage(
            "tracker.listen: cannot listen on 127.0.0.1:"
                + server.address().getPort()
                + ": Address already in use; stop what holds that port, or set another"
                + " tracker.listen")
        .hasCauseInstanceOf(io.layerswarm.core.SetupException.class);
  }
}
