package io.layerswarm.swarm.tracker;

import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.core.metainfo.PeerId;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The parameters of one HTTP announce (BEP 3). Byte counts are payload bytes.
 *
 * @param ip the address to announce ("ip" parameter), or empty to let the tracker use the source
 * @param trackerId the "tracker id" the tracker sent before, to send back
 * @param extra further query parameters, for example zone and rack
 */
public record AnnounceRequest(
    InfoHash infoHash,
    PeerId peerId,
    int port,
    long uploaded,
    long downloaded,
    long left,
    AnnounceEvent event,
    int numWant,
    Optional<String> ip,
    Optional<String> trackerId,
    Map<String, String> extra) {
  public AnnounceRequest {
    Objects.requireNonNull(infoHash, "infoHash");
    Objects.requireNonNull(peerId, "peerId");
    Objects.requireNonNull(event, "event");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    if (uploaded < 0 || downloaded < 0 || left < 0 || numWant < 0) {
      throw new IllegalArgumentException("announce counters must be >= 0");
    }
    extra = Map.copyOf(extra);
  }
}
