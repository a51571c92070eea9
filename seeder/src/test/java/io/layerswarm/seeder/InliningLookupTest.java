package io.layerswarm.seeder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.core.Digest;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.MetainfoAnswer;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.registry.store.BlobWriter;
import io.layerswarm.registry.store.InMemoryBlobStore;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InliningLookupTest {
  private static final RepositoryName REPO = new RepositoryName("library/app");

  @TempDir Path dir;
  private final InMemoryBlobStore blobs = new InMemoryBlobStore();

  private byte[] held(int size) throws Exception {
    byte[] content = new byte[size];
    new Random(size).nextBytes(content);
    try (BlobWriter writer = blobs.create(Digest.sha256(content))) {
      writer.write(content);
      writer.commit();
    }
    return content;
  }

  private Metainfo torrentOf(byte[] content) throws Exception {
    Path file = Files.write(dir.resolve("f" + content.length), content);
    return Metainfo.create(
        file, Digest.sha256(content).hex(), List.of(URI.create("http://t/announce")), 16384);
  }

  private MetainfoAnswer answer(InliningLookup lookup, byte[] content) throws Exception {
    return MetainfoAnswer.parse(lookup.answer(Digest.sha256(content), "r", REPO));
  }

  @Test
  void aHeldBlobUpToTheLimitTravelsInTheAnswer() throws Exception {
    byte[] content = held(913);
    Metainfo torrent = torrentOf(content);
    InliningLookup lookup = new InliningLookup((d, r, p) -> torrent, blobs, 16 * 1024);

    MetainfoAnswer answer = answer(lookup, content);

    assertThat(answer.inline()).hasValue(content);
    assertThat(answer.metainfo().infoHash()).isEqualTo(torrent.infoHash());
  }

  @Test
  void aBlobOverTheLimitGetsTheTorrentAlone() throws Exception {
    byte[] content = held(1025);
    Metainfo torrent = torrentOf(content);
    InliningLookup lookup = new InliningLookup((d, r, p) -> torrent, blobs, 1024);

    assertThat(lookup.answer(Digest.sha256(content), "r", REPO)).isEqualTo(torrent.encode());
  }

  @Test
  void aLimitOfZeroInlinesNothing() throws Exception {
    byte[] content = held(10);
    Metainfo torrent = torrentOf(content);
    InliningLookup lookup = new InliningLookup((d, r, p) -> torrent, blobs, 0);

    assertThat(answer(lookup, content).inline()).isEmpty();
  }

  @Test
  void aBlobGoneSinceTheLookupGetsTheTorrentAlone() throws Exception {
    byte[] content = held(10);
    Metainfo torrent = torrentOf(content);
    blobs.delete(Digest.sha256(content));
    InliningLookup lookup = new InliningLookup((d, r, p) -> torrent, blobs, 1024);

    assertThat(answer(lookup, content).inline()).isEmpty();
  }

  @Test
  void storedBytesThatAreNotWhatTheTorrentDescribesAreNotSent() throws Exception {
    byte[] content = held(10);
    Metainfo otherLength = torrentOf(new byte[11]);
    InliningLookup lookup = new InliningLookup((d, r, p) -> otherLength, blobs, 1024);

    assertThat(answer(lookup, content).inline()).isEmpty();
  }

  @Test
  void aLimitOverTheCapIsRefused() {
    assertThatThrownBy(
            () -> new InliningLookup((d, r, p) -> null, blobs, MetainfoAnswer.MAX_INLINE_BYTES + 1))
        .hasMessageContaining("seeder.inline-max-bytes");
  }
}
