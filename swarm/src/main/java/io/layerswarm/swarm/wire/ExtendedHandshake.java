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
 * LayerSwarm needs: an empty {@code m} (we take no extension messages), our zone and rack as {@code
 * ls_zone} and {@code ls_rack} when known, and {@code ls_lazy_have: 1} when we need no HAVE for a
 * piece we already announced (decision 35). On receipt, unknown keys are ignored (BEP 10), as is a
 * label that is not a valid {@link Location} label; a payload that is not a dictionary says
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
  static final String LAZY_HAVE = "ls_lazy_have";

  /**
   * What a peer said in its extended handshake.
   *
   * @param location its zone and rack; unknown parts are empty
   * @param lazyHave whether it needs no HAVE for a piece it already announced (a seed that offers
   *     pieces one by one needs them, and does not say this)
   */
  public record Said(Location location, boolean lazyHave) {
    static final Said NOTHING = new Said(Location.UNKNOWN, false);
  }

  private ExtendedHandshake() {}

  /** Our extended handshake at {@code location}, which every HAVE needs. */
  public static PeerMessage.Extended of(Location location) {
    return of(location, false);
  }

  /** Our extended handshake at {@code location}; see {@link Said#lazyHave}. */
  public static PeerMessage.Extended of(Location location, boolean lazyHave) {
    Map<String, Object> dict = new LinkedHashMap<>();
    dict.put("m", Map.of());
    location.zone().ifPresent(z -> dict.put(ZONE, z));
    location.rack().ifPresent(r -> dict.put(RACK, r));
    if (lazyHave) {
      dict.put(LAZY_HAVE, 1L);
    }
    return new PeerMessage.Extended(ID, Bencode.encode(dict));
  }

  /** The sender's location from its extended handshake payload; unknown parts are empty. */
  public static Location location(byte[] payload) {
    return read(payload).location();
  }

  /** What the sender said in its extended handshake payload. */
  public static Said read(byte[] payload) {
    Object decoded;
    try {
      decoded = Bencode.decode(payload);
    } catch (BencodeException e) {
      return Said.NOTHING;
    }
    if (!(decoded instanceof Map<?, ?> dict)) {
      return Said.NOTHING;
    }
    boolean lazyHave = dict.get(LAZY_HAVE) instanceof Long flag && flag == 1L;
    return new Said(new Location(label(dict.get(ZONE)), label(dict.get(RACK))), lazyHave);
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
