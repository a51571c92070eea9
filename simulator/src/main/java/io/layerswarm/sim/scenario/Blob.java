package io.layerswarm.sim.scenario;

import io.layerswarm.core.bencode.Bencode;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.MetainfoException;
import io.layerswarm.core.metainfo.PieceLength;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A blob of the simulated image and its torrent: the metainfo a seeder would make (piece length
 * from {@link PieceLength#forSize}, named by a digest), with piece hashes that nobody checks, as
 * the simulation moves no bytes.
 */
public record Blob(int index, long bytes, Metainfo metainfo) {
  public static Blob make(int index, long bytes, SplittableRandom random) {
    return make(index, bytes, PieceLength.forSize(bytes), random);
  }

  /** A blob with pieces of {@code pieceLength} bytes. */
  public static Blob make(int index, long bytes, int pieceLength, SplittableRandom random) {
    byte[] digest = new byte[32];
    random.nextBytes(digest);
    long pieces = Math.max(1, (bytes + pieceLength - 1) / pieceLength);
    Map<String, Object> info = new TreeMap<>();
    info.put("length", bytes);
    info.put(
        "name", HexFormat.of().formatHex(digest).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    info.put("piece length", (long) pieceLength);
    info.put("pieces", new byte[(int) pieces * 20]);
    info.put("private", 1L);
    Map<String, Object> torrent = new TreeMap<>();
    torrent.put("info", info);
    try {
      return new Blob(index, bytes, Metainfo.parse(Bencode.encode(torrent)));
    } catch (MetainfoException e) {
      throw new IllegalStateException("a simulated blob's metainfo does not parse", e);
    }
  }

  /** The blobs of {@code scenario}: its layers, then its config if it has one. */
  static List<Blob> of(Scenario scenario, SplittableRandom random) {
    List<Long> sizes = new java.util.ArrayList<>(scenario.layerBytes());
    if (scenario.configBytes() > 0) {
      sizes.add(scenario.configBytes());
    }
    List<Blob> blobs = new java.util.ArrayList<>();
    for (int i = 0; i < sizes.size(); i++) {
      long size = sizes.get(i);
      int pieceLength =
          scenario.pieceLength() == 0 ? PieceLength.forSize(size) : scenario.pieceLength();
      blobs.add(make(i, size, pieceLength, random));
    }
    return List.copyOf(blobs);
  }
}
