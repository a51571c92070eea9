package io.layerswarm.tracker.announce;

import io.layerswarm.core.metainfo.InfoHash;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** A valid scrape (BEP 48): 1..{@value #MAX_INFO_HASHES} distinct info hashes, in query order. */
public record ScrapeRequest(List<InfoHash> infoHashes) {
  /** The most info hashes one scrape may ask for. */
  public static final int MAX_INFO_HASHES = 64;

  public ScrapeRequest {
    if (infoHashes == null || infoHashes.isEmpty() || infoHashes.size() > MAX_INFO_HASHES) {
      throw new IllegalArgumentException("a scrape names 1.." + MAX_INFO_HASHES + " info hashes");
    }
    infoHashes = List.copyOf(infoHashes);
  }

  /**
   * Parses the query of a scrape's request target. A scrape of every torrent (no {@code info_hash})
   * is refused: the swarms are private, and the answer would be unbounded.
   */
  public static Parsed<ScrapeRequest> parse(String rawQuery) {
    try {
      List<byte[]> raw = QueryParameters.parse(rawQuery).all("info_hash");
      if (raw.isEmpty()) {
        return Parsed.invalid(
            "info_hash", "missing parameter info_hash (a scrape of all torrents is not supported)");
      }
      Set<InfoHash> hashes = new LinkedHashSet<>();
      for (byte[] bytes : raw) {
        if (bytes.length != InfoHash.LENGTH) {
          return Parsed.invalid(
              "info_hash", "info_hash must be 20 bytes (URL-encoded), got " + bytes.length);
        }
        hashes.add(new InfoHash(bytes));
      }
      if (hashes.size() > MAX_INFO_HASHES) {
        return Parsed.invalid(
            "info_hash",
            "info_hash is given " + hashes.size() + " times, at most " + MAX_INFO_HASHES);
      }
      return Parsed.valid(new ScrapeRequest(new ArrayList<>(hashes)));
    } catch (InvalidParameterException e) {
      return e.toParsed();
    }
  }
}
