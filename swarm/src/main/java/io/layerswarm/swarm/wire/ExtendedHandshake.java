package io.layerswarm.swarm.wire;

import io.layerswarm.core.bencode.Bencode;
import io.layerswarm.core.bencode.BencodeException;
import io.layerswarm.core.topology.Location;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The extended handshake (BEP 10, extended message id 0): a bencoded dictionary. We send only what
 * LayerSwarm needs: an empty {@code m} (we take no extension messages) and our zone and rack as
 * {@code ls_zone} and {@code ls_rack} when known. On receipt, unknown keys are ignored (BEP 10), as
 * is a label that is not a valid {@link Location} label; a payload that is not a dictionary says
 * nothing. Pure.
 */
public final class ExtendedHandshake {
  /** The extended message id of the handshake. */
  public static final int ID = 0;

  /**
   * The longest extended message payload taken, in bytes: libtorrent's handshakes are a few hundred
   * bytes; ours is under 200.
   */
  public static final int MAX_BYTES = 4096;

  static final String ZONE = "ls_zone";
  static final String RACK = "ls_rack";

  private ExtendedHandshake() {}

  /** Our extended handshake at {@code location}. */
  public static PeerMessage.Extended of(Location location) {
    Map<String, Object> dict = new LinkedHashMap<>();
    dict.put("m", Map.of());
    location.zone().ifPresent(z -> dict.put(ZONE, z));
    location.rack().ifPresent(r -> dict.put(RACK, r));
    return new PeerMessage.Extended(ID, Bencode.encode(dict));
  }

  /** The sender's location from its extended handshake payload; unknown parts are empty. */
  public static Location location(byte[] payload) {
    Object decoded;
    try {
      decoded = Bencode.decode(payload);
    } catch (BencodeException e) {
      return Location.UNKNOWN;
    }
    if (!(decoded instanceof Map<?, ?> dict)) {
      return Location.UNKNOWN;
    }
    return new Location(label(dict.get(ZONE)), label(dict.get(RACK)));
  }

  private static Optional<String> label(Object value) {
    if (value instanceof byte[] bytes) {
      String text = new String(bytes, StandardCharsets.UTF_8);
      if (Location.isLabel(text)) {
        return Optional.of(text);
      }
    }
    return Optional.empty();
  }
}
