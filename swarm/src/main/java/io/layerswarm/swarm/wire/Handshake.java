package io.layerswarm.swarm.wire;

import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.core.metainfo.PeerId;
import java.util.Objects;

/**
 * The 68-byte handshake that opens every peer connection (BEP 3): {@code <19>"BitTorrent
 * protocol"<8 reserved bytes><info hash><peer id>}.
 *
 * @param fastExtension whether the sender set the fast extension bit, reserved[7] & 0x04 (BEP 6)
 */
public record Handshake(InfoHash infoHash, PeerId peerId, boolean fastExtension) {
  public static final int LENGTH = 68;
  static final String PROTOCOL = "BitTorrent protocol";
  static final int FAST_EXTENSION_BYTE = 7;
  static final int FAST_EXTENSION_BIT = 0x04;

  public Handshake {
    Objects.requireNonNull(infoHash, "infoHash");
    Objects.requireNonNull(peerId, "peerId");
  }
}
