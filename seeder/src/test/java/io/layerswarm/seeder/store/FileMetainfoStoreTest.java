package io.layerswarm.seeder.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.core.Digest;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.MetainfoException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileMetainfoStoreTest {
  private static final List<URI> ANNOUNCE = List.of(URI.create("http://127.0.0.1:6969/announce"));

  @TempDir Path temp;
  private Path dir;
  private Digest digest;
  private Metainfo metainfo;

  @BeforeEach
  void blob() throws IOException {
    dir = temp.resolve("metainfo");
    byte[] content = "layer bytes".getBytes(StandardCharsets.UTF_8);
    digest = Digest.sha256(content);
    Path blob = Files.write(temp.resolve("blob"), content);
    metainfo = Metainfo.create(blob, digest.hex(), ANNOUNCE, 256 * 1024);
  }

  @Test
  void storedMetainfoReadsBackWithTheSameBytesUnderHexDotTorrent() throws Exception {
    FileMetainfoStore store = FileMetainfoStore.open(dir);

    store.put(digest, metainfo);

    assertThat(dir.resolve(digest.hex() + ".torrent")).exists();
    assertThat(store.get(digest))
        .hasValueSatisfying(
            read -> {
              assertThat(read.encode()).isEqualTo(metainfo.encode());
              assertThat(read.infoHash()).isEqualTo(metainfo.infoHash());
            });
    assertThat(store.list()).containsExactly(digest);
  }

  @Test
  void missingEntryIsEmpty() throws Exception {
    assertThat(FileMetainfoStore.open(dir).get(digest)).isEmpty();
  }

  @Test
  void damagedEntryFailsToParseNamingTheDigest() throws Exception {
    FileMetainfoStore store = FileMetainfoStore.open(dir);
    Files.writeString(store.pathOf(digest), "not bencode");

    assertThatThrownBy(() -> store.get(digest))
        .isInstanceOf(MetainfoException.class)
        .hasMessageContaining(digest.toString());
  }

  @Test
  void listingSkipsFilesThatAreNotNamedByADigest() throws Exception {
    FileMetainfoStore store = FileMetainfoStore.open(dir);
    store.put(digest, metainfo);
    Files.writeString(dir.resolve("notes.txt"), "garbage");
    Files.writeString(dir.resolve("ABC.torrent"), "garbage");
    Files.createDirectory(dir.resolve("b".repeat(64) + ".torrent"));

    assertThat(store.list()).containsExactly(digest);
  }

  @Test
  void openingDeletesUnfinishedWritesAndKeepsEntries() throws Exception {
    FileMetainfoStore.open(dir).put(digest, metainfo);
    Path leftover = dir.resolve(digest.hex() + ".torrent.tmp-123");
    Files.writeString(leftover, "half");

    FileMetainfoStore reopened = FileMetainfoStore.open(dir);

    assertThat(leftover).doesNotExist();
    assertThat(reopened.get(digest)).isPresent();
  }

  @Test
  void replacingAndDeletingAnEntry() throws Exception {
    FileMetainfoStore store = FileMetainfoStore.open(dir);
    store.put(digest, metainfo);
    Metainfo moved = metainfo.withAnnounce(List.of(URI.create("http://10.0.0.1:6969/announce")));

    store.put(digest, moved);
    assertThat(store.get(digest).orElseThrow().announce()).isEqualTo(moved.announce());

    store.delete(digest);
    store.delete(digest);
    assertThat(store.get(digest)).isEmpty();
    assertThat(store.list()).isEmpty();
  }
}
