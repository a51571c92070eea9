package io.layerswarm.agent.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.agent.mirror.TransferProgress;
import io.layerswarm.agent.mirror.TransferProgress.Phase;
import io.layerswarm.core.Digest;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.registry.store.FileBlobStore;
import io.layerswarm.swarm.EngineConfig;
import io.layerswarm.swarm.SwarmEngine;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Eviction against a real blob store, torrent directory and swarm engine. */
class EvictorTest {
  @TempDir Path dir;
  private FileBlobStore store;
  private SwarmEngine engine;
  private Path torrentDir;
  private final List<TransferProgress> transfers = new ArrayList<>();
  private int readers;
  private Evictor evictor;

  @BeforeEach
  void start() throws IOException {
    store = new FileBlobStore(dir.resolve("data"));
    torrentDir = Files.createDirectories(dir.resolve("data/torrents"));
    engine = SwarmEngine.start(EngineConfig.defaults(new InetSocketAddress("127.0.0.1", 0)));
    evictor = new Evictor(store, torrentDir, engine, () -> List.copyOf(transfers), d -> readers);
  }

  @AfterEach
  void stop() {
    engine.close();
  }

  /** A cached blob, seeded, with its metainfo saved as the agent saves it. */
  private Digest cachedAndSeeded(int size) throws IOException {
    byte[] content = new byte[size];
    new Random(size).nextBytes(content);
    Digest digest = Digest.sha256(content);
    Path file = Files.write(dir.resolve("incoming"), content);
    store.adopt(digest, file);
    Path stored = store.path(digest).orElseThrow();
    Metainfo meta =
        Metainfo.create(
            stored, digest.hex(), List.of(URI.create("http://127.0.0.1:9/announce")), 16 * 1024);
    Files.write(torrentDir.resolve(digest.hex() + ".torrent"), meta.encode());
    engine.seed(meta, stored);
    return digest;
  }

  @Test
  void aCachedSeededBlobLosesItsTorrentItsFileAndItsMetainfo() throws Exception {
    Digest digest = cachedAndSeeded(100_000);
    Digest other = cachedAndSeeded(50_000);

    Evictor.Evicted evicted = evictor.evict(digest);

    assertThat(evicted).isEqualTo(new Evictor.Evicted(digest, true, true, 100_000, true));
    assertThat(store.contains(digest)).isFalse();
    assertThat(torrentDir.resolve(digest.hex() + ".torrent")).doesNotExist();
    assertThat(engine.torrents()).extracting(t -> t.metainfo().name()).containsExactly(other.hex());
    assertThat(store.contains(other)).isTrue();
  }

  @Test
  void aBlobFromTheOriginWithoutTorrentIsDeletedAlone() throws Exception {
    byte[] content = "from the origin".getBytes();
    Digest digest = Digest.sha256(content);
    store.adopt(digest, Files.write(dir.resolve("origin-copy"), content));

    Evictor.Evicted evicted = evictor.evict(digest);

    assertThat(evicted).isEqualTo(new Evictor.Evicted(digest, false, true, content.length, false));
  }

  @Test
  void aBlobOfAPinnedImageIsRefusedUnlessForced() throws Exception {
    Digest digest = cachedAndSeeded(30_000);
    List<Evictor.Evicted> told = new ArrayList<>();
    Evictor pinning =
        new Evictor(
            store,
            torrentDir,
            engine,
            List::of,
            d -> 0,
            told::add,
            d -> d.equals(digest) ? Optional.of("base/jdk:17 (linux/amd64)") : Optional.empty());

    assertThatThrownBy(() -> pinning.evict(digest))
        .isInstanceOf(Evictor.BlobInUseException.class)
        .hasMessageContaining("pinned image base/jdk:17 (linux/amd64)")
        .hasMessageContaining("--force");
    assertThat(store.contains(digest)).isTrue();

    Evictor.Evicted evicted = pinning.evict(digest, true);

    assertThat(evicted.blobDeleted()).isTrue();
    assertThat(told).containsExactly(evicted);
  }

  @Test
  void aDigestTheAgentKnowsNothingAboutIsNotFound() {
    Digest unknown = Digest.sha256(new byte[] {42});

    assertThatThrownBy(() -> evictor.evict(unknown))
        .isInstanceOf(NoSuchElementException.class)
        .hasMessageContaining(unknown.toString());
  }

  @Test
  void aBlobAClientReadsOrThatIsBeingDownloadedIsLeftAlone() throws Exception {
    Digest digest = cachedAndSeeded(70_000);
    readers = 2;

    assertThatThrownBy(() -> evictor.evict(digest))
        .isInstanceOf(Evictor.BlobInUseException.class)
        .hasMessageContaining("read by 2 clients");

    readers = 0;
    transfers.add(new TransferProgress(digest, Phase.SWARM, 16_384, OptionalLong.of(70_000)));
    assertThatThrownBy(() -> evictor.evict(digest))
        .isInstanceOf(Evictor.BlobInUseException.class)
        .hasMessageContaining("being downloaded");

    assertThat(store.contains(digest)).isTrue();
    assertThat(torrentDir.resolve(digest.hex() + ".torrent")).exists();
    assertThat(engine.torrents()).hasSize(1);
  }
}
