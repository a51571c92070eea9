package io.layerswarm.tracker.announce;

import io.layerswarm.swarm.metainfo.InfoHash;
import io.layerswarm.tracker.peerstore.PeerStore;
import io.layerswarm.tracker.peerstore.SwarmCounts;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /scrape} (BEP 48) without the HTTP. Every requested info hash gets an entry; an
 * unknown swarm has zero counts. Thread-safe; reads the store only.
 */
public final class ScrapeEndpoint {
  private final PeerStore store;
  private final InstantSource clock;

  public ScrapeEndpoint(PeerStore store, InstantSource clock) {
    this.store = store;
    this.clock = clock;
  }

  /** @param rawQuery the request target after {@code ?}, still percent-encoded */
  public TrackerReply scrape(String rawQuery) {
    Parsed<ScrapeRequest> parsed = ScrapeRequest.parse(rawQuery);
    if (parsed instanceof Parsed.Invalid<ScrapeRequest> invalid) {
      return ReplyEncoder.failure(invalid.message());
    }
    ScrapeRequest request = ((Parsed.Valid<ScrapeRequest>) parsed).value();
    Instant now = clock.instant();
    Map<InfoHash, SwarmCounts> files = new LinkedHashMap<>();
    for (InfoHash infoHash : request.infoHashes()) {
      files.put(infoHash, store.counts(infoHash, now));
    }
    return ReplyEncoder.scrape(files);
  }
}
