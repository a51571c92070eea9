package io.layerswarm.swarm.wire;

import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.core.metainfo.PeerId;
import java.util.Objects;

/**
 * The 68-byte handshake that opens every peer connection (BEP 3): {@code <19>"BitTorrent
 * protocol"<8 reserved bytes><info hash><peer id>}.
 *
 * @param fastExtension whether the sender set the fast extension bit, reserved[7] & 0x04 (BEP 6)
 * @param member whether the sender set LayerSwarm's membership bit, reserved[3] & 0x01 (unassigned
 *     in BEP 4): a nonce and a proof follow ({@link MemberProof})
 */
public record Handshake(InfoHash infoHash, PeerId peerId, boolean fastExtension, boolean member) {
  public static final int LENGTH = 68;
  static final String PROTOCOL = "BitTorrent protocol";
  static final int FAST_EXTENSION_BYTE = 7;
  static final int FAST_EXTENSION_BIT = 0x04;
  static final int MEMBER_BYTE = 3;
  static final int MEMBER_BIT = 0x01;

  public Handshake {
    Objects.requireNonNull(infoHash, "infoHash");
    Objects.requireNonNull(peerId, "peerId");
  }

  /** A handshake without the membership bit, as every BitTorrent client sends. */
  public Handshake(InfoHash infoHash, PeerId peerId, boolean fastExtension) {
    this(infoHash, peerId, fastExtension, false);
  }
}
