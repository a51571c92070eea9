package io.layerswarm.core.metainfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.core.Digest;
import io.layerswarm.core.bencode.Bencode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetainfoAnswerTest {
  @TempDir Path dir;

  private byte[] blob(int size) {
    byte[] data = new byte[size];
    new Random(size).nextBytes(data);
    return data;
  }

  private Metainfo torrentOf(byte[] content) throws Exception {
    Path file = Files.write(dir.resolve("blob-" + content.length), content);
    return Metainfo.create(
        file, Digest.sha256(content).hex(), List.of(URI.create("http://t/announce")), 16384);
  }

  @Test
  void anAnswerWithTheBlobReadsBackAsTheSameTorrentAndTheSameBytes() throws Exception {
    byte[] content = blob(913);
    Metainfo torrent = torrentOf(content);

    MetainfoAnswer answer = MetainfoAnswer.parse(MetainfoAnswer.encode(torrent, content));

    assertThat(answer.metainfo().infoHash()).isEqualTo(torrent.infoHash());
    assertThat(answer.metainfo().announce()).isEqualTo(torrent.announce());
    assertThat(answer.inline()).hasValue(content);
    assertThat(answer.inlineProblem(Digest.sha256(content))).isEmpty();
  }

  @Test
  void anOldReaderTakesTheNewAnswerAsTheSameTorrent() throws Exception {
    byte[] content = blob(913);
    Metainfo torrent = torrentOf(content);

    Metainfo old = Metainfo.parse(MetainfoAnswer.encode(torrent, content));

    assertThat(old.infoHash()).isEqualTo(torrent.infoHash());
    assertThat(old.encode()).isEqualTo(torrent.encode());
  }

  @Test
  void aNewReaderTakesAnOldAnswerAsATorrentWithoutInlinedBytes() throws Exception {
    byte[] content = blob(913);
    Metainfo torrent = torrentOf(content);

    MetainfoAnswer answer = MetainfoAnswer.parse(torrent.encode());

    assertThat(answer.metainfo().infoHash()).isEqualTo(torrent.infoHash());
    assertThat(answer.inline()).isEmpty();
    assertThat(answer.inlineProblem(Digest.sha256(content))).isEmpty();
  }

  @Test
  void theAnswerIsCanonicalBencodeWithItsKeysInOrder() throws Exception {
    byte[] content = blob(100);
    byte[] answer = MetainfoAnswer.encode(torrentOf(content), content);

    assertThat(Bencode.encode(Bencode.decode(answer))).isEqualTo(answer);
  }

  @Test
  void bytesThatDoNotHashToTheDigestAreAProblem() throws Exception {
    byte[] content = blob(913);
    Metainfo torrent = torrentOf(content);
    byte[] other = content.clone();
    other[0] ^= 1;

    MetainfoAnswer answer = MetainfoAnswer.parse(MetainfoAnswer.encode(torrent, other));

    assertThat(answer.inlineProblem(Digest.sha256(content)))
        .hasValueSatisfying(why -> assertThat(why).contains("hash to " + Digest.sha256(other)));
  }

  @Test
  void bytesOfAnotherLengthThanTheTorrentSaysAreAProblem() throws Exception {
    byte[] content = blob(913);
    Metainfo torrent = torrentOf(content);
    byte[] forged = splice(torrent.encode(), Bencode.encode(new byte[912]));

    MetainfoAnswer answer = MetainfoAnswer.parse(forged);

    assertThat(answer.inlineProblem(Digest.sha256(content)))
        .hasValueSatisfying(why -> assertThat(why).contains("912").contains("913"));
  }

  @Test
  void anInlineValueThatIsNotAByteStringIsNoInline() throws Exception {
    Metainfo torrent = torrentOf(blob(10));
    byte[] forged = splice(torrent.encode(), Bencode.encode(42L));

    MetainfoAnswer answer = MetainfoAnswer.parse(forged);

    assertThat(answer.inline()).isEmpty();
    assertThat(answer.metainfo().infoHash()).isEqualTo(torrent.infoHash());
  }

  @Test
  void aBlobOverTheCapOrOfTheWrongLengthIsNotEncoded() throws Exception {
    byte[] big = blob(MetainfoAnswer.MAX_INLINE_BYTES + 1);
    Metainfo bigTorrent = torrentOf(big);
    Metainfo small = torrentOf(blob(10));

    assertThatThrownBy(() -> MetainfoAnswer.encode(bigTorrent, big))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MetainfoAnswer.encode(small, new byte[9]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aBadTorrentIsRefusedWithOrWithoutInlinedBytes() {
    byte[] forged =
        Bencode.encode(
            new TreeMap<>(
                Map.of(
                    "info",
                    Map.of("length", 10L, "name", "x", "piece length", 16384L),
                    MetainfoAnswer.INLINE_KEY,
                    "0123456789".getBytes(StandardCharsets.US_ASCII))));

    assertThatThrownBy(() -> MetainfoAnswer.parse(forged)).isInstanceOf(MetainfoException.class);
  }

  @Test
  void anAnswerHeldInMemoryCopiesItsBytes() throws Exception {
    byte[] content = blob(10);
    MetainfoAnswer answer = MetainfoAnswer.of(torrentOf(content), Optional.of(content));
    content[0] ^= 1;

    assertThat(answer.inline().orElseThrow()).isNotEqualTo(content);
    assertThat(answer.inlineProblem(Digest.sha256(content))).isPresent();
  }

  /** The torrent with one more top-level value under the inline key. */
  private static byte[] splice(byte[] torrent, byte[] value) {
    byte[] key = Bencode.encode(MetainfoAnswer.INLINE_KEY);
    byte[] out = new byte[torrent.length - 1 + key.length + value.length + 1];
    System.arraycopy(torrent, 0, out, 0, torrent.length - 1);
    System.arraycopy(key, 0, out, torrent.length - 1, key.length);
    System.arraycopy(value, 0, out, torrent.length - 1 + key.length, value.length);
    out[out.length - 1] = 'e';
    return out;
  }
}
