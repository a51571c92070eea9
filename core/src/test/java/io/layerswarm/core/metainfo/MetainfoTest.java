package io.layerswarm.core.metainfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.core.bencode.Bencode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetainfoTest {
  @TempDir Path dir;

  private Path randomFile(String name, int size, long seed) throws Exception {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    return Files.write(dir.resolve(name), data);
  }

  @Test
  void createHashesEachPieceAndTheShortLastPiece() throws Exception {
    Path file = randomFile("blob", 100_000, 1);
    byte[] data = Files.readAllBytes(file);

    Metainfo m = Metainfo.create(file, "abc", List.of(URI.create("http://t/announce")), 32768);

    assertThat(m.length()).isEqualTo(100_000);
    assertThat(m.pieceCount()).isEqualTo(4);
    assertThat(m.pieceSize(3)).isEqualTo(100_000 - 3 * 32768);
    assertThat(m.isPrivate()).isTrue();
    assertThat(m.name()).isEqualTo("abc");
    MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
    for (int i = 0; i < 4; i++) {
      byte[] piece = Arrays.copyOfRange(data, i * 32768, Math.min(data.length, (i + 1) * 32768));
      assertThat(m.pieceHash(i)).isEqualTo(sha1.digest(piece));
    }
  }

  @Test
  void theInfoHashOfTheSameContentAndPieceLengthIsStableAcrossRunsAndTrackers() throws Exception {
    Path a = randomFile("a", 70_001, 7);
    Path b = randomFile("b", 70_001, 7);

    Metainfo first = Metainfo.create(a, "n", List.of(URI.create("http://one/announce")), 16384);
    Metainfo second = Metainfo.create(b, "n", List.of(URI.create("http://two/announce")), 16384);

    assertThat(first.infoHash()).isEqualTo(second.infoHash());
    assertThat(Metainfo.create(a, "n", List.of(), 32768).infoHash()).isNotEqualTo(first.infoHash());
  }

  @Test
  void encodeThenParseKeepsEveryField() throws Exception {
    Path file = randomFile("blob", 5000, 3);
    List<URI> announce = List.of(URI.create("http://a/announce"), URI.create("http://b/announce"));
    Metainfo m = Metainfo.create(file, "deadbeef", announce, 1024);

    Metainfo parsed = Metainfo.parse(m.encode());

    assertThat(parsed.infoHash()).isEqualTo(m.infoHash());
    assertThat(parsed.announce()).isEqualTo(announce);
    assertThat(parsed.length()).isEqualTo(5000);
    assertThat(parsed.pieceLength()).isEqualTo(1024);
    assertThat(parsed.pieceHash(4)).isEqualTo(m.pieceHash(4));
    assertThat(parsed.isPrivate()).isTrue();
    assertThat(parsed.encode()).isEqualTo(m.encode());
  }

  @Test
  void theInfoHashIsTheSha1OfTheInfoDictionaryAsWritten() throws Exception {
    byte[] info =
        Bencode.encode(
            new TreeMap<>(
                Map.of("length", 3L, "name", "x", "piece length", 16384L, "pieces", new byte[20])));
    byte[] torrent = Bencode.encode(Map.of("announce", "http://t/a", "info", Bencode.decode(info)));

    Metainfo m = Metainfo.parse(torrent);

    assertThat(m.infoHash().bytes()).isEqualTo(MessageDigest.getInstance("SHA-1").digest(info));
    assertThat(m.isPrivate()).isFalse();
  }

  @Test
  void withAnnounceKeepsTheInfoHash() throws Exception {
    Metainfo m = Metainfo.create(randomFile("f", 10, 1), "n", List.of(URI.create("http://a/")), 4);
    Metainfo moved = m.withAnnounce(List.of(URI.create("http://b/"), URI.create("http://c/")));

    assertThat(moved.infoHash()).isEqualTo(m.infoHash());
    assertThat(Metainfo.parse(moved.encode()).announce())
        .containsExactly(URI.create("http://b/"), URI.create("http://c/"));
  }

  @Test
  void anEmptyFileHasNoPieces() throws Exception {
    Path empty = Files.write(dir.resolve("empty"), new byte[0]);
    Metainfo m = Metainfo.parse(Metainfo.create(empty, "e", List.of(), 16384).encode());
    assertThat(m.pieceCount()).isZero();
    assertThat(m.length()).isZero();
  }

  @Test
  void metainfoWithTheWrongNumberOfPieceHashesIsRejected() {
    byte[] torrent =
        Bencode.encode(
            Map.of(
                "info",
                Map.of(
                    "length",
                    40000L,
                    "name",
                    "x",
                    "piece length",
                    16384L,
                    "pieces",
                    new byte[40])));
    assertThatThrownBy(() -> Metainfo.parse(torrent))
        .isInstanceOf(MetainfoException.class)
        .hasMessageContaining("needs 3");
  }

  @Test
  void multiFileAndMalformedMetainfoIsRejected() {
    byte[] multi =
        Bencode.encode(
            Map.of(
                "info",
                Map.of(
                    "files",
                    List.of(),
                    "name",
                    "x",
                    "piece length",
                    16384L,
                    "pieces",
                    new byte[0])));
    assertThatThrownBy(() -> Metainfo.parse(multi)).hasMessageContaining("multi-file");
    assertThatThrownBy(() -> Metainfo.parse("not bencode".getBytes(StandardCharsets.US_ASCII)))
        .isInstanceOf(MetainfoException.class);
    byte[] zeroPiece =
        Bencode.encode(
            Map.of(
                "info",
                Map.of("length", 0L, "name", "x", "piece length", 0L, "pieces", new byte[0])));
    assertThatThrownBy(() -> Metainfo.parse(zeroPiece)).hasMessageContaining("piece length");
    assertThatThrownBy(() -> Metainfo.parse(Bencode.encode(List.of())))
        .isInstanceOf(MetainfoException.class);
  }

  @Test
  void aTorrentDeclaringPiecesLargerThanTheLargestWeMakeIsRefused() {
    long length = 256L * 1024 * 1024;
    long pieceLength = 64L * 1024 * 1024;
    byte[] forged =
        Bencode.encode(
            Map.of(
                "info",
                Map.of(
                    "length",
                    length,
                    "name",
                    "x",
                    "piece length",
                    pieceLength,
                    "pieces",
                    new byte[20 * 4])));

    assertThatThrownBy(() -> Metainfo.parse(forged))
        .isInstanceOf(MetainfoException.class)
        .hasMessageContaining("piece length " + pieceLength + " is outside [1, " + PieceLength.MAX);
  }
}
