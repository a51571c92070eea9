package io.layerswarm.agent.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.agent.HttpStream;
import io.layerswarm.agent.metrics.PrometheusText;
import io.layerswarm.agent.mirror.TransferProgress.Phase;
import io.layerswarm.core.Digest;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.testing.Await;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Blob GETs that start a swarm download stream the verified bytes while the download runs. The
 * swarm is driven by hand, so each step (head sent, bytes before completion, abort on a digest
 * mismatch, origin takeover after a stall) is deterministic; nothing here waits on time.
 */
class StreamingMirrorTest {
  private static final RepositoryName REPO = new RepositoryName("test/app");
  private static final int PIECE = 16 * 1024;

  @TempDir Path dir;
  private MirrorServer agent;

  @BeforeEach
  void start() throws Exception {
    agent = new MirrorServer(dir);
  }

  @AfterEach
  void stop() {
    agent.close();
  }

  private static byte[] randomBytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private Metainfo metainfoOf(byte[] content, Digest digest) throws IOException {
    Path file = Files.write(Files.createTempFile(dir, "seed", ".blob"), content);
    return Metainfo.create(
        file, digest.hex(), List.of(URI.create("http://seeder/announce")), PIECE);
  }

  private String path(Digest digest) {
    return "/v2/" + REPO + "/blobs/" + digest;
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      all.writeBytes(part);
    }
    return all.toByteArray();
  }

  /** Lets one GET start the download; returns the fake torrent, with its bytes provided. */
  private FakeSwarm.FakeTorrent startDownload(byte[] served, Digest digest) throws Exception {
    agent.metainfo.nextCall().complete(ScriptedMetainfo.torrentOnly(metainfoOf(served, digest)));
    FakeSwarm.FakeTorrent torrent = agent.swarm.onlyDownload().torrent();
    torrent.provide(served);
    return torrent;
  }

  private long partialFiles() throws IOException {
    if (!Files.isDirectory(agent.partial)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(agent.partial)) {
      return files.count();
    }
  }

  @Test
  void theFirstVerifiedPiecesReachTheClientBeforeTheDownloadIsComplete() throws Exception {
    byte[] content = randomBytes(40 * PIECE + 123, 1);
    Digest digest = agent.origin.putBlob(REPO, content);

    try (HttpStream client = HttpStream.get(agent.address(), path(digest))) {
      FakeSwarm.FakeTorrent torrent = startDownload(content, digest);
      torrent.verifyUpTo(8 * PIECE);

      client.readHead();
      assertThat(client.status()).isEqualTo(200);
      assertThat(client.contentLength()).isEqualTo(content.length);
      assertThat(client.header("Docker-Content-Digest")).isEqualTo(digest.toString());
      byte[] first = client.readBody(8 * PIECE);
      assertThat(first).isEqualTo(Arrays.copyOf(content, 8 * PIECE));
      // The client holds verified bytes while the blob is neither complete nor stored.
      assertThat(agent.fetcher.transfers())
          .singleElement()
          .satisfies(
              t -> {
                assertThat(t.phase()).isEqualTo(Phase.SWARM);
                assertThat(t.verifiedBytes()).isLessThan(content.length);
              });
      assertThat(agent.store.contains(digest)).isFalse();

      torrent.finish(content);
      byte[] rest = client.readRest();

      assertThat(client.complete()).isTrue();
      assertThat(concat(first, rest)).isEqualTo(content);
    }
    assertThat(agent.store.contains(digest)).isTrue();
    assertThat(agent.origin.blobRequests()).isZero();
    // The lease ends when the response's last write completes, which the client may see first.
    Await.until(
        "the response's lease to end",
        Duration.ofSeconds(10),
        () -> agent.leases.leased().isEmpty());
    assertThat(agent.leases.leased()).isEmpty();
  }

  @Test
  void aDigestMismatchAbortsTheStreamedBodyAndTheNextRequestComesFromTheOrigin() throws Exception {
    byte[] wanted = randomBytes(30 * PIECE, 2);
    byte[] impostor = randomBytes(30 * PIECE, 3);
    Digest digest = agent.origin.putBlob(REPO, wanted);

    try (HttpStream client = HttpStream.get(agent.address(), path(digest))) {
      FakeSwarm.FakeTorrent torrent = startDownload(impostor, digest);
      torrent.verifyUpTo(impostor.length); // every piece "verified": the metainfo lies
      client.readHead();
      assertThat(client.status()).isEqualTo(200);
      torrent.finish(impostor);

      byte[] received = client.readRest();

      assertThat(client.complete()).as("a body failing its digest is cut short").isFalse();
      assertThat(received.length).isLessThan(impostor.length);
    }
    assertThat(agent.store.contains(digest)).isFalse();
    assertThat(partialFiles()).isZero();

    try (HttpStream retry = HttpStream.get(agent.address(), path(digest))) {
      retry.readHead();
      assertThat(retry.status()).isEqualTo(200);
      assertThat(retry.readRest()).isEqualTo(wanted);
      assertThat(retry.complete()).isTrue();
    }
    assertThat(agent.metainfo.calls).as("the retry skips the swarm").hasSize(1);
    assertThat(agent.origin.blobRequests()).isEqualTo(1);
    assertThat(agent.store.contains(digest)).isTrue();
    PrometheusText metrics = PrometheusText.parse(agent.metrics.scrape());
    assertThat(metrics.value("agent_verification_failures_total", "source", "swarm")).isEqualTo(1);
    assertThat(metrics.value("agent_blob_fetches_total", "result", "failed")).isEqualTo(1);
    assertThat(metrics.value("agent_blob_fetches_total", "result", "origin")).isEqualTo(1);
    assertThat(metrics.value("agent_origin_fallback_bytes_total")).isEqualTo(wanted.length);
  }

  @Test
  void aSwarmThatStallsMidStreamIsContinuedFromTheOriginWithARangeRequest() throws Exception {
    byte[] content = randomBytes(64 * PIECE + 7, 4);
    Digest digest = agent.origin.putBlob(REPO, content);
    int prefix = 20 * PIECE;

    try (HttpStream client = HttpStream.get(agent.address(), path(digest))) {
      FakeSwarm.FakeTorrent torrent = startDownload(content, digest);
      torrent.verifyUpTo(prefix);
      client.readHead();
      byte[] first = client.readBody(prefix);
      agent.fetcher.tick(); // sees the progress
      agent.clock.advance(MirrorServer.DEADLINE);
      agent.fetcher.tick(); // nothing new for a whole deadline: origin

      byte[] rest = client.readRest();

      assertThat(client.complete()).isTrue();
      assertThat(concat(first, rest)).isEqualTo(content);
      assertThat(agent.swarm.removed).containsExactly(torrent.infoHash());
    }
    assertThat(agent.origin.blobRequests()).isEqualTo(1);
    assertThat(agent.origin.blobBytesServed())
        .as("only what the swarm did not deliver")
        .isEqualTo(content.length - prefix);
    assertThat(agent.store.contains(digest)).isTrue();
    assertThat(agent.fetcher.counts().bytesFromOrigin()).isEqualTo(content.length - prefix);
  }

  @Test
  void theBytesAClientReadsAreHashedOnTheWaySoTheStoreHashesOnlyTheRest() throws Exception {
    byte[] content = randomBytes(40 * PIECE + 5, 9);
    Digest digest = agent.origin.putBlob(REPO, content);
    int read = 30 * PIECE;

    try (HttpStream client = HttpStream.get(agent.address(), path(digest))) {
      FakeSwarm.FakeTorrent torrent = startDownload(content, digest);
      torrent.verifyUpTo(read);
      client.readHead();
      byte[] first = client.readBody(read);

      torrent.finish(content);
      byte[] rest = client.readRest();

      assertThat(client.complete()).isTrue();
      assertThat(concat(first, rest)).isEqualTo(content);
    }
    assertThat(agent.store.contains(digest)).isTrue();
    // The client may read the last pieces before the adopt starts, or after: both are fine.
    assertThat(agent.adopting.adopts)
        .singleElement()
        .satisfies(a -> assertThat(a.prefixBytes()).isBetween((long) read, (long) content.length));
  }

  /**
   * One byte differs from the blob in a piece whose SHA-1 matched (the metainfo was made from the
   * wrong bytes): whether a stream hashed that byte on the way or the store hashes it at the end,
   * the body is cut short and nothing is stored.
   */
  @ParameterizedTest
  @ValueSource(ints = {3, 5 * PIECE + 11, 30 * PIECE - 1, 30 * PIECE, 40 * PIECE + 4})
  void aCorruptByteFailsTheVerdictWhereverItIs(int corrupt) throws Exception {
    byte[] wanted = randomBytes(40 * PIECE + 5, 10);
    byte[] served = wanted.clone();
    served[corrupt] ^= 0x40;
    Digest digest = agent.origin.putBlob(REPO, wanted);
    int read = 30 * PIECE;

    try (HttpStream client = HttpStream.get(agent.address(), path(digest))) {
      FakeSwarm.FakeTorrent torrent = startDownload(served, digest);
      torrent.verifyUpTo(read);
      client.readHead();
      assertThat(client.readBody(read)).isEqualTo(Arrays.copyOf(served, read));

      torrent.finish(served);
      byte[] rest = client.readRest();

      assertThat(client.complete()).as("a body failing its digest is cut short").isFalse();
      assertThat(rest.length).isLessThan(served.length - read);
    }
    assertThat(agent.store.contains(digest)).isFalse();
    assertThat(partialFiles()).isZero();
    assertThat(agent.adopting.adopts)
        .singleElement()
        .satisfies(a -> assertThat(a.prefixBytes()).isGreaterThanOrEqualTo(read));
  }

  @Test
  void aSwarmPrefixHashedByTheStreamIsDroppedWhenTheOriginTakesOver() throws Exception {
    byte[] content = randomBytes(64 * PIECE + 7, 11);
    Digest digest = agent.origin.putBlob(REPO, content);
    int prefix = 20 * PIECE;

    try (HttpStream client = HttpStream.get(agent.address(), path(digest))) {
      FakeSwarm.FakeTorrent torrent = startDownload(content, digest);
      torrent.verifyUpTo(prefix);
      client.readHead();
      byte[] first = client.readBody(prefix);
      agent.fetcher.tick();
      agent.clock.advance(MirrorServer.DEADLINE);
      agent.fetcher.tick(); // to the origin

      byte[] rest = client.readRest();

      assertThat(client.complete()).isTrue();
      assertThat(concat(first, rest)).isEqualTo(content);
    }
    assertThat(agent.store.contains(digest)).isTrue();
    assertThat(agent.adopting.adopts)
        .as("the origin copy is a new file: the store hashes all of it")
        .containsExactly(new AdoptRecordingStore.Adopt(digest, -1));
  }

  @Test
  void aBadSwarmPrefixCarriedIntoTheOriginCopyFailsItsVerdict() throws Exception {
    byte[] wanted = randomBytes(64 * PIECE + 7, 12);
    byte[] served = wanted.clone();
    served[7 * PIECE + 1] ^= 1; // in a piece whose SHA-1 matched: the metainfo lies
    Digest digest = agent.origin.putBlob(REPO, wanted);
    int prefix = 20 * PIECE;

    try (HttpStream client = HttpStream.get(agent.address(), path(digest))) {
      FakeSwarm.FakeTorrent torrent = startDownload(served, digest);
      torrent.verifyUpTo(prefix);
      client.readHead();
      client.readBody(prefix);
      agent.fetcher.tick();
      agent.clock.advance(MirrorServer.DEADLINE);
      agent.fetcher.tick(); // to the origin, keeping the swarm's verified start

      client.readRest();

      assertThat(client.complete()).as("a body failing its digest is cut short").isFalse();
    }
    assertThat(agent.store.contains(digest)).isFalse();
    assertThat(partialFiles()).isZero();
    assertThat(agent.origin.blobBytesServed()).isEqualTo(wanted.length - prefix);

    try (HttpStream retry = HttpStream.get(agent.address(), path(digest))) {
      retry.readHead();
      assertThat(retry.readRest()).isEqualTo(wanted);
      assertThat(retry.complete()).isTrue();
    }
    assertThat(agent.store.contains(digest)).isTrue();
  }

  @Test
  void concurrentRequestsShareOneDownloadAndEachStreamsFromIt() throws Exception {
    byte[] content = randomBytes(50 * PIECE, 5);
    Digest digest = agent.origin.putBlob(REPO, content);
    List<HttpStream> clients = new ArrayList<>();
    try {
      clients.add(HttpStream.get(agent.address(), path(digest)));
      FakeSwarm.FakeTorrent torrent = startDownload(content, digest);
      clients.add(HttpStream.get(agent.address(), path(digest)));
      clients.add(HttpStream.get(agent.address(), path(digest)));
      torrent.verifyUpTo(10 * PIECE);
      List<byte[]> firsts = new ArrayList<>();
      for (HttpStream client : clients) {
        client.readHead();
        assertThat(client.status()).isEqualTo(200);
        firsts.add(client.readBody(PIECE));
      }

      torrent.finish(content);

      for (int i = 0; i < clients.size(); i++) {
        byte[] rest = clients.get(i).readRest();
        assertThat(concat(firsts.get(i), rest)).as("client " + i).isEqualTo(content);
      }
    } finally {
      for (HttpStream client : clients) {
        client.close();
      }
    }
    assertThat(agent.swarm.downloads).hasSize(1);
    assertThat(agent.metainfo.calls).hasSize(1);
    assertThat(agent.origin.blobRequests()).isZero();
  }

  @Test
  void aRangeOfABlobStillArrivingGets206FromTheStream() throws Exception {
    byte[] content = randomBytes(20 * PIECE, 6);
    Digest digest = agent.origin.putBlob(REPO, content);
    int from = 5 * PIECE + 3;

    try (HttpStream client =
        HttpStream.get(agent.address(), path(digest), "Range: bytes=" + from + "-")) {
      FakeSwarm.FakeTorrent torrent = startDownload(content, digest);
      torrent.verifyUpTo(content.length);
      client.readHead();
      torrent.finish(content);

      assertThat(client.status()).isEqualTo(206);
      assertThat(client.header("Content-Range"))
          .isEqualTo("bytes " + from + "-" + (content.length - 1) + "/" + content.length);
      assertThat(client.readRest()).isEqualTo(Arrays.copyOfRange(content, from, content.length));
      assertThat(client.complete()).isTrue();
    }
  }

  @Test
  void aClientLeavingMidStreamLetsTheDownloadFinishAndReleasesTheBlob() throws Exception {
    byte[] content = randomBytes(40 * PIECE, 7);
    Digest digest = agent.origin.putBlob(REPO, content);
    FakeSwarm.FakeTorrent torrent;
    try (HttpStream client = HttpStream.get(agent.address(), path(digest))) {
      torrent = startDownload(content, digest);
      torrent.verifyUpTo(4 * PIECE);
      client.readHead();
      client.readBody(PIECE);
    }

    torrent.finish(content);
    agent.fetcher.awaitIdle(digest, Duration.ofSeconds(30));

    assertThat(agent.store.contains(digest)).isTrue();
    Await.until("the response's lease to end", () -> agent.leases.leased().isEmpty());
    assertThat(agent.leases.leased()).as("the response's lease ends with it").isEmpty();
  }

  @Test
  void aBlobFromTheOriginStreamsWhileItIsCopied() throws Exception {
    byte[] content = randomBytes(300 * 1024, 8);
    Digest digest = agent.origin.putBlob(REPO, content);

    try (HttpStream client = HttpStream.get(agent.address(), path(digest))) {
      agent
          .metainfo
          .nextCall()
          .completeExceptionally(new MetainfoUnavailableException("tracker: HTTP 404"));
      client.readHead();

      assertThat(client.status()).isEqualTo(200);
      assertThat(client.contentLength()).isEqualTo(content.length);
      assertThat(client.readRest()).isEqualTo(content);
    }
    assertThat(agent.origin.blobRequests()).isEqualTo(1);
    assertThat(agent.store.contains(digest)).isTrue();
  }
}
