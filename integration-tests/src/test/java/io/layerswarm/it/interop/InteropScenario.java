package io.layerswarm.it.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.PieceLength;
import io.layerswarm.swarm.EngineConfig;
import io.layerswarm.swarm.SwarmEngine;
import io.layerswarm.swarm.Torrent;
import io.layerswarm.testbed.Digests;
import io.layerswarm.testbed.TestbedDirs;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The two interop directions between our {@link SwarmEngine} and one {@link ForeignClient}, one
 * blob, one tracker, everything on 127.0.0.1:
 *
 * <ul>
 *   <li>our engine seeds, the foreign client downloads;
 *   <li>the foreign client seeds, our engine downloads (and streams the blob in order meanwhile).
 * </ul>
 *
 * The blob is random with an odd length, so the last piece and its last block are short. The result
 * is checked by sha256 against the source. Every wait is bounded; a failure message quotes the
 * foreign client's log and our torrent's counters.
 */
final class InteropScenario {

  /**
   * A few MiB with an odd length: 41 pieces of 128 KiB, the last one short, with a short last
   * block.
   */
  static final long BLOB_SIZE = 5L * 1024 * 1024 + 12_345;

  /** Bound on each step: the foreign client checking, the tracker listing it, a download. */
  static final Duration STEP = Duration.ofSeconds(90);

  /** Who makes the .torrent that both sides use. */
  enum TorrentMaker {
    /** {@link Metainfo#create}: what our seeders publish. */
    LAYERSWARM,
    /** Debian's mktorrent: a torrent our code did not write, parsed with {@link Metainfo#parse}. */
    MKTORRENT
  }

  private final ForeignClient foreign;
  private final TrackerKind trackerKind;
  private final Path work;
  private final long seed;

  private InteropScenario(ForeignClient foreign, TrackerKind trackerKind, Path work, long seed) {
    this.foreign = foreign;
    this.trackerKind = trackerKind;
    this.work = work;
    this.seed = seed;
  }

  /** A scenario with its own directory under the test bed (kept after the run for its logs). */
  static InteropScenario of(ForeignClient foreign, TrackerKind trackerKind, String name)
      throws IOException {
    Path work = TestbedDirs.create("interop-" + name + "-" + trackerKind.name().toLowerCase());
    return new InteropScenario(foreign, trackerKind, work, name.hashCode());
  }

  /** Our engine seeds a blob; the foreign client downloads it, from us alone, intact. */
  void foreignClientDownloadsWhatOurEngineSeeds() throws Exception {
    Path blob = Blobs.random(work.resolve("ours"), BLOB_SIZE, seed);
    String name = blob.getFileName().toString();
    Metainfo unannounced = Metainfo.create(blob, name, List.of(), PieceLength.forSize(BLOB_SIZE));
    try (InteropTracker tracker =
            trackerKind.start(work.resolve("tracker"), List.of(unannounced.infoHash()));
        SwarmEngine engine = SwarmEngine.start(loopbackConfig())) {
      Metainfo metainfo = unannounced.withAnnounce(List.of(tracker.announceUri()));
      Path torrentFile = writeTorrent(metainfo);
      Torrent seeding = engine.seed(metainfo, blob);
      Scrape.awaitSeeders(tracker.announceUri(), metainfo.infoHash(), 1, STEP);

      Path theirDir = work.resolve(foreign.name().replace(' ', '-') + "-download");
      try (ForeignPeer leecher = foreign.leech(torrentFile, theirDir, work)) {
        try {
          leecher.awaitComplete(STEP);
        } catch (IOException e) {
          throw new AssertionError(
              foreign.name()
                  + " did not download what our engine seeds ("
                  + state("our seed", seeding)
                  + "): "
                  + e.getMessage(),
              e);
        }
        Path theirs = theirDir.resolve(name);
        assertThat(theirs).as("%s's download", foreign.name()).isRegularFile();
        assertThat(Blobs.sha256Hex(theirs))
            .as("sha256 of %s's download\n%s", foreign.name(), leecher.logTail())
            .isEqualTo(name);
      }
      assertThat(seeding.uploadedBytes())
          .as("bytes our engine uploaded (it was the only seed)")
          .isGreaterThanOrEqualTo(BLOB_SIZE);
    }
  }

  /**
   * The foreign client seeds a blob; our engine downloads it into place, and a reader streaming it
   * from offset 0 while it arrives gets the same bytes.
   */
  void ourEngineDownloadsWhatTheForeignClientSeeds(TorrentMaker maker) throws Exception {
    Path theirDir = work.resolve(foreign.name().replace(' ', '-') + "-seed");
    Path blob = Blobs.random(theirDir, BLOB_SIZE, seed);
    String name = blob.getFileName().toString();
    Path torrentFile = work.resolve("torrent").resolve(name + ".torrent");
    // The info hash does not depend on the announce URL, so the whitelist can be made before the
    // tracker
    // (and so its port) exists; the torrent is then made again with the real URL.
    InfoHash infoHash =
        makeTorrent(maker, blob, URI.create("http://127.0.0.1:9/announce"), torrentFile).infoHash();
    try (InteropTracker tracker = trackerKind.start(work.resolve("tracker"), List.of(infoHash))) {
      Metainfo metainfo = makeTorrent(maker, blob, tracker.announceUri(), torrentFile);
      assertThat(metainfo.infoHash()).isEqualTo(infoHash);

      try (ForeignPeer seeder = foreign.seed(torrentFile, theirDir, work)) {
        seeder.awaitSeeding(STEP);
        Scrape.awaitSeeders(tracker.announceUri(), infoHash, 1, STEP);

        try (SwarmEngine engine = SwarmEngine.start(loopbackConfig())) {
          Path part = work.resolve("ours/partial").resolve(name + ".part");
          Path target = work.resolve("ours/blobs").resolve(name);
          Files.createDirectories(part.getParent());
          Files.createDirectories(target.getParent());
          Torrent download = engine.download(metainfo, part, target);
          CompletableFuture<String> streamed = streamSha256(download);

          Path done;
          try {
            done = download.completion().get(STEP.toSeconds(), TimeUnit.SECONDS);
          } catch (TimeoutException | ExecutionException e) {
            throw new AssertionError(
                "our engine did not download what "
                    + foreign.name()
                    + " seeds ("
                    + state("our download", download)
                    + "): "
                    + e
                    + "\n"
                    + seeder.logTail(),
                e);
          }
          assertThat(done).isEqualTo(target);
          assertThat(Blobs.sha256Hex(done)).as("sha256 of our download").isEqualTo(name);
          assertThat(part).as("the part file is renamed into place").doesNotExist();
          assertThat(download.isComplete()).isTrue();
          assertThat(download.verifiedBytes()).isEqualTo(BLOB_SIZE);
          assertThat(download.downloadedBytes())
              .as("payload bytes we received")
              .isGreaterThanOrEqualTo(BLOB_SIZE);
          assertThat(streamed.get(STEP.toSeconds(), TimeUnit.SECONDS))
              .as("sha256 of openStream(0) read while downloading")
              .isEqualTo(name);
        }
      }
    }
  }

  private Metainfo makeTorrent(TorrentMaker maker, Path blob, URI announce, Path torrentFile)
      throws Exception {
    Files.createDirectories(torrentFile.getParent());
    switch (maker) {
      case LAYERSWARM -> {
        Metainfo m =
            Metainfo.create(
                blob,
                blob.getFileName().toString(),
                List.of(announce),
                PieceLength.forSize(Files.size(blob)));
        Files.write(torrentFile, m.encode());
        return m;
      }
      case MKTORRENT -> {
        Mktorrent.create(blob, announce, PieceLength.forSize(Files.size(blob)), torrentFile, work);
        return Metainfo.parse(Files.readAllBytes(torrentFile));
      }
      default -> throw new IllegalArgumentException(maker.toString());
    }
  }

  private Path writeTorrent(Metainfo metainfo) throws IOException {
    Path file = work.resolve("torrent").resolve(metainfo.name() + ".torrent");
    Files.createDirectories(file.getParent());
    return Files.write(file, metainfo.encode());
  }

  /**
   * Our engine on loopback, with 30 s for a handshake instead of the default 5 s: bt-core, which
   * runs in this JVM, was seen sending its handshake 9 s after it connected on a loaded machine
   * (load 10-16 on 2 cores), and it does not dial a peer again once a handshake failed.
   */
  static EngineConfig loopbackConfig() {
    EngineConfig config =
        EngineConfig.defaults(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    return config.withPeerLimits(config.peerLimits().withHandshakeTimeout(Duration.ofSeconds(30)));
  }

  private static String state(String what, Torrent t) {
    return what
        + ": verified "
        + t.verifiedBytes()
        + " B, downloaded "
        + t.downloadedBytes()
        + " B, uploaded "
        + t.uploadedBytes()
        + " B, peers "
        + t.connectedPeers()
        + ", complete "
        + t.isComplete();
  }

  /** Reads the torrent's in-order stream to the end on a daemon thread and hashes it. */
  private static CompletableFuture<String> streamSha256(Torrent torrent) {
    CompletableFuture<String> result = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (InputStream in = torrent.openStream(0)) {
                result.complete(Digests.hex(Digests.sha256(in)));
              } catch (Throwable t) {
                result.completeExceptionally(t);
              }
            },
            "interop-stream-reader");
    // A stream that never ends (the download failed) must not keep the test JVM alive.
    reader.setDaemon(true);
    reader.start();
    return result;
  }
}
