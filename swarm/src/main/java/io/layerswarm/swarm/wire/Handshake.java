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
 * @param extended whether the sender set the extension protocol bit, reserved[5] & 0x10 (BEP 10):
 *     with both bits set, each side sends an {@link ExtendedHandshake} after its bitfield
 */
public record Handshake(
    InfoHash infoHash, PeerId peerId, boolean fastExtension, boolean member, boolean extended) {
  public static final int LENGTH = 68;
  static final String PROTOCOL = "BitTorrent protocol";
  static final int FAST_EXTENSION_BYTE = 7;
  static final int FAST_EXTENSION_BIT = 0x04;
  static final int MEMBER_BYTE = 3;
  static final int MEMBER_BIT = 0x01;
  static final int EXTENDED_BYTE = 5;
  static final int EXTENDED_BIT = 0x10;

  public Handshake {
    Objects.requireNonNull(infoHash, "infoHash");
    Objects.requireNonNull(peerId, "peerId");
  }

  /** A handshake without the extension protocol bit. */
  public Handshake(InfoHash infoHash, PeerId peerId, boolean fastExtension, boolean member) {
    this(infoHash, peerId, fastExtension, member, false);
  }

  /** A handshake without the membership bit, as every BitTorrent client sends. */
  public Handshake(InfoHash infoHash, PeerId peerId, boolean fastExtension) {
    this(infoHash, peerId, fastExtension, false);
  }
}
