package io.layerswarm.tracker.announce;

import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.tracker.peerstore.PeerStore;
import io.layerswarm.tracker.peerstore.PeerStoreUnavailableException;
import io.layerswarm.tracker.peerstore.SwarmCounts;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /scrape} (BEP 48) without the HTTP. Every requested info hash gets an entry; an
 * unknown swarm has zero counts. When the store is unavailable the reply is the failure reason
 * {@value AnnounceEndpoint#STORE_UNAVAILABLE}. Thread-safe; reads the store only, and blocks as
 * long as the store does (the tracker calls it from its store pool).
 */
public final class ScrapeEndpoint {
  private static final Logger log = LoggerFactory.getLogger(ScrapeEndpoint.class);
  private final PeerStore store;
  private final InstantSource clock;

  public ScrapeEndpoint(PeerStore store, InstantSource clock) {
    this.store = store;
    this.clock = clock;
  }

  /**
   * @param rawQuery the request target after {@code ?}, still percent-encoded
   */
  public TrackerReply scrape(String rawQuery) {
    Parsed<ScrapeRequest> parsed = ScrapeRequest.parse(rawQuery);
    if (parsed instanceof Parsed.Invalid<ScrapeRequest> invalid) {
      return ReplyEncoder.failure(invalid.message());
    }
    ScrapeRequest request = ((Parsed.Valid<ScrapeRequest>) parsed).value();
    Instant now = clock.instant();
    Map<InfoHash, SwarmCounts> files = new LinkedHashMap<>();
    try {
      for (InfoHash infoHash : request.infoHashes()) {
        files.put(infoHash, store.counts(infoHash, now));
      }
    } catch (PeerStoreUnavailableException e) {
      log.debug("scrape failed", e);
      return ReplyEncoder.unavailable(AnnounceEndpoint.STORE_UNAVAILABLE);
    }
    return ReplyEncoder.scrape(files);
  }
}
