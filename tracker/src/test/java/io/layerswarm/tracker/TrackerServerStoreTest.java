package io.layerswarm.tracker;

import static io.layerswarm.tracker.testing.TrackerHttp.announcePath;
import static io.layerswarm.tracker.testing.TrackerHttp.compactPeers;
import static io.layerswarm.tracker.testing.TrackerHttp.failureReason;
import static io.layerswarm.tracker.testing.TrackerHttp.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.Digest;
import io.layerswarm.core.bencode.Bencode;
import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.testing.ManualClock;
import io.layerswarm.tracker.peerstore.AnnounceEvent;
import io.layerswarm.tracker.peerstore.InMemoryPeerStore;
import io.layerswarm.tracker.peerstore.Peer;
import io.layerswarm.tracker.peerstore.PeerStore;
import io.layerswarm.tracker.peerstore.PeerStoreFullException;
import io.layerswarm.tracker.peerstore.PeerStoreUnavailableException;
import io.layerswarm.tracker.peerstore.StoreStats;
import io.layerswarm.tracker.peerstore.SwarmCounts;
import io.layerswarm.tracker.testing.KnownMetainfo;
import io.layerswarm.tracker.testing.TrackerHttp;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How the server treats its peer store: never on an event loop, and failures as answers. */
class TrackerServerStoreTest {
  private static final byte[] HASH = "store-behaviour-0001".getBytes(StandardCharsets.US_ASCII);
  private static final Digest KNOWN = new Digest("sha256", "1".repeat(64));
  private static final byte[] TORRENT = "d4:infod4:name1:xee".getBytes(StandardCharsets.US_ASCII);

  private final ManualClock clock = new ManualClock();
  private final TrackerHttp http = new TrackerHttp();
  private TrackerServer server;
  private URI base;

  /** Delegates to a real store; announces wait at a gate, or every call fails, as told. */
  private static final class ScriptedStore implements PeerStore {
    final InMemoryPeerStore delegate = new InMemoryPeerStore();
    final CountDownLatch gate = new CountDownLatch(1);
    final CountDownLatch waiting = new CountDownLatch(2);
    volatile boolean holdAnnounces;
    volatile boolean down;

    private void failIfDown(String action) throws PeerStoreUnavailableException {
      if (down) {
        throw new PeerStoreUnavailableException(action + " in test-store failed: it is down", null);
      }
    }

    @Override
    public void announce(
        InfoHash infoHash, Peer peer, AnnounceEvent event, Instant now, Instant expiresAt)
        throws PeerStoreUnavailableException, PeerStoreFullException {
      failIfDown("announce");
      if (holdAnnounces) {
        waiting.countDown();
        try {
          gate.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      delegate.announce(infoHash, peer, event, now, expiresAt);
    }

    @Override
    public List<Peer> select(InfoHash infoHash, Peer asker, int numwant, Instant now)
        throws PeerStoreUnavailableException {
      failIfDown("select");
      return delegate.select(infoHash, asker, numwant, now);
    }

    @Override
    public SwarmCounts counts(InfoHash infoHash, Instant now) throws PeerStoreUnavailableException {
      failIfDown("counts");
      return delegate.counts(infoHash, now);
    }

    @Override
    public int sweep(Instant now) throws PeerStoreUnavailableException {
      failIfDown("sweep");
      return delegate.sweep(now);
    }

    @Override
    public StoreStats stats(Instant now) throws PeerStoreUnavailableException {
      failIfDown("stats");
      return delegate.stats(now);
    }

    @Override
    public void check() throws PeerStoreUnavailableException {
      failIfDown("ping");
    }
  }

  private final ScriptedStore store = new ScriptedStore();

  private void start() throws TrackerException {
    server =
        TrackerServer.start(
            TrackerConfig.defaults(new InetSocketAddress("127.0.0.1", 0)),
            store,
            KnownMetainfo.of(KNOWN, TORRENT),
            clock);
    base = TrackerHttp.base(server.address());
  }

  @AfterEach
  void stop() {
    store.gate.countDown();
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aPeerStoreThatHangsHoldsUpNoEventLoop() throws Exception {
    start();
    store.holdAnnounces = true;
    // As many hanging announces as there are event loops, on separate connections.
    CompletableFuture<HttpResponse<byte[]>> first =
        http.getAsync(base, announcePath("", HASH, "alice", 7001, 0, ""));
    CompletableFuture<HttpResponse<byte[]>> second =
        http.getAsync(base, announcePath("", HASH, "bob", 7002, 10, ""));
    assertThat(store.waiting.await(10, TimeUnit.SECONDS)).isTrue();

    // Both loops still answer: a request that needs no store, and one that needs no announce.
    for (int i = 0; i < TrackerServer.IO_THREADS * 2; i++) {
      HttpResponse<byte[]> metainfo = http.get(base, "/metainfo/" + KNOWN + "?registry=r&repo=a");
      assertThat(metainfo.statusCode()).isEqualTo(200);
      assertThat(metainfo.body()).isEqualTo(TORRENT);
      assertThat(http.get(base, "/nothing-here").statusCode()).isEqualTo(404);
      assertThat(http.get(base, "/healthz").statusCode()).isEqualTo(200);
    }

    store.gate.countDown();
    assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    @SuppressWarnings("unchecked")
    Map<String, Object> bob =
        (Map<String, Object>) Bencode.decode(second.get(10, TimeUnit.SECONDS).body());
    assertThat(bob).containsKey("peers");
  }

  @Test
  void anUnavailableStoreTurnsIntoAFailureReasonAnd503Health() throws Exception {
    start();
    http.bencoded(base, announcePath("", HASH, "alice", 7001, 0, ""));

    store.down = true;

    Map<String, Object> reply = http.bencoded(base, announcePath("", HASH, "bob", 7002, 10, ""));
    assertThat(reply).containsOnlyKeys("failure reason");
    assertThat(failureReason(reply)).isEqualTo("peer store unavailable, retry");
    HttpResponse<byte[]> health = http.get(base, "/healthz");
    assertThat(health.statusCode()).isEqualTo(503);
    assertThat(text(health))
        .isEqualTo("peer store unavailable: ping in test-store failed: it is down");
    assertThat(text(http.get(base, "/metrics")))
        .contains("tracker_announces_total{result=\"unavailable\"} 1.0")
        .contains("tracker_peer_store_up 0.0");

    store.down = false;

    assertThat(http.get(base, "/healthz").statusCode()).isEqualTo(200);
    assertThat(compactPeers(http.bencoded(base, announcePath("", HASH, "bob", 7002, 10, ""))))
        .containsExactly("127.0.0.1:7001");
  }
}
