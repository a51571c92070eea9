package io.layerswarm.core.metainfo;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.bencode.Bencode;
import io.layerswarm.core.bencode.BencodeException;
import io.layerswarm.testing.fuzz.FuzzTarget;
import io.layerswarm.testing.fuzz.Mutations;
import io.layerswarm.testing.fuzz.TreeMutations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Fuzz target: {@link Metainfo#parse}, which reads torrents from trackers and seeders. Inputs are
 * torrents {@link Metainfo#create} made (one piece, several, a short last piece, an empty blob,
 * with and without announce URLs) changed by a few edits. Parsing either gives a torrent whose
 * pieces, geometry and encoding are consistent, or throws {@link MetainfoException}.
 */
class MetainfoFuzzTest {
  private static final List<byte[]> TORRENTS = torrents();

  private static final List<String> TOKENS =
      List.of(
          "i0e",
          "i1e",
          "i-1e",
          "i16777216e",
          "i16777217e",
          "i2147483648e",
          "i9223372036854775807e",
          "20:",
          "40:",
          "6:pieces",
          "12:piece length",
          "6:length",
          "4:name",
          "7:private",
          "5:files",
          "le",
          "de",
          "8:announce",
          "13:announce-list",
          "3:a b",
          "4:http",
          "llee",
          "l3:%zze");

  @FuzzTarget
  void anyInputParsesToAConsistentTorrentOrFailsWithAMetainfoException(
      @ForAll("inputs") byte[] input) throws Exception {
    Metainfo metainfo;
    try {
      metainfo = Metainfo.parse(input);
    } catch (MetainfoException e) {
      assertThat(e.getMessage()).isNotBlank();
      return;
    }
    assertThat(metainfo.pieceLength()).isBetween(1, Metainfo.MAX_PIECE_LENGTH);
    TorrentGeometry geometry = metainfo.geometry();
    assertThat(geometry.pieceCount()).isEqualTo(metainfo.pieceCount());
    long total = 0;
    for (int i = 0; i < metainfo.pieceCount(); i++) {
      assertThat(metainfo.pieceSize(i)).isBetween(1, metainfo.pieceLength());
      assertThat(metainfo.pieceHash(i)).hasSize(20);
      total += metainfo.pieceSize(i);
    }
    assertThat(total).isEqualTo(metainfo.length());
    assertThat(metainfo.infoHash().bytes()).isEqualTo(Metainfo.sha1(info(input)));

    Metainfo again = Metainfo.parse(metainfo.encode());
    assertThat(again.infoHash()).isEqualTo(metainfo.infoHash());
    assertThat(again.length()).isEqualTo(metainfo.length());
    assertThat(again.announce()).isEqualTo(metainfo.announce());
    assertThat(metainfo.withAnnounce(List.of()).infoHash()).isEqualTo(metainfo.infoHash());
  }

  /**
   * Byte edits of real torrents; tree edits of them (a field of another type, a boundary number, a
   * hash list one hash short, a field missing or added: what passes the bencode grammar and must be
   * caught by the torrent's checks); and byte edits of those.
   */
  @Provide
  Arbitrary<byte[]> inputs() {
    List<byte[]> tokens = Mutations.utf8(TOKENS);
    Arbitrary<byte[]> trees = TreeMutations.of(trees(), LEAVES, KEYS, Bencode::encode);
    return Arbitraries.frequencyOf(
        Tuple.of(1, Mutations.bytes(TORRENTS, tokens)),
        Tuple.of(2, trees),
        Tuple.of(1, Mutations.bytes(trees, tokens)));
  }

  private static final List<String> KEYS =
      List.of(
          "info",
          "name",
          "length",
          "piece length",
          "pieces",
          "private",
          "files",
          "announce",
          "announce-list",
          "created by");

  private static final List<Object> LEAVES =
      List.of(
          0L,
          1L,
          -1L,
          16L,
          (long) Metainfo.MAX_PIECE_LENGTH,
          Metainfo.MAX_PIECE_LENGTH + 1L,
          Integer.MAX_VALUE + 1L,
          Long.MAX_VALUE,
          Long.MIN_VALUE,
          new byte[0],
          new byte[19],
          new byte[20],
          new byte[40],
          "http://127.0.0.1:6969/announce".getBytes(StandardCharsets.UTF_8),
          "http://a b/%zz".getBytes(StandardCharsets.UTF_8),
          new byte[] {(byte) 0xff, (byte) 0xfe},
          List.of(),
          List.of(List.of("http://t/announce".getBytes(StandardCharsets.UTF_8))),
          List.of(List.of(1L)),
          Map.of());

  private static List<Object> trees() {
    List<Object> trees = new ArrayList<>();
    for (byte[] torrent : TORRENTS) {
      try {
        trees.add(Bencode.decode(torrent));
      } catch (BencodeException e) {
        throw new IllegalStateException("a seed torrent does not decode", e);
      }
    }
    return trees;
  }

  private static byte[] info(byte[] torrent) throws BencodeException {
    return Bencode.rawValue(torrent, "info");
  }

  /** Real torrents of small blobs, made once. */
  private static List<byte[]> torrents() {
    try {
      Path dir = Files.createTempDirectory("metainfo-fuzz");
      try {
        List<byte[]> torrents = new ArrayList<>();
        int[][] shapes = {{0, 16}, {1, 16}, {100, 16}, {160, 16}, {1000, 64}, {5000, 1024}};
        Random random = new Random(11);
        for (int[] shape : shapes) {
          byte[] data = new byte[shape[0]];
          random.nextBytes(data);
          Path file = Files.write(dir.resolve("blob" + shape[0]), data);
          List<URI> announce =
              shape[0] % 2 == 0
                  ? List.of(URI.create("http://127.0.0.1:6969/announce"))
                  : List.of(URI.create("http://a/announce"), URI.create("http://b:1/announce"));
          torrents.add(Metainfo.create(file, "ab" + shape[0], announce, shape[1]).encode());
          Files.delete(file);
        }
        return List.copyOf(torrents);
      } finally {
        Files.delete(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
