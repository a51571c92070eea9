package io.layerswarm.sim.swarm;

import io.layerswarm.swarm.wire.Handshake;
import io.layerswarm.swarm.wire.PeerMessage;

/**
 * Bytes a message takes on the wire (BEP 3: a 4-byte length, a 1-byte id, the payload), so the
 * simulated network carries control messages at their real size.
 */
final class WireSize {
  /** A piece message without its data: length, id, index, begin. */
  static final int PIECE_HEADER = 13;

  private WireSize() {}

  static int handshake() {
    return Handshake.LENGTH;
  }

  static int of(PeerMessage message) {
    if (message instanceof PeerMessage.KeepAlive) {
      return 4;
    }
    if (message instanceof PeerMessage.Have
        || message instanceof PeerMessage.AllowedFast
        || message instanceof PeerMessage.SuggestPiece) {
      return 9;
    }
    if (message instanceof PeerMessage.Request
        || message instanceof PeerMessage.Cancel
        || message instanceof PeerMessage.RejectRequest) {
      return 17;
    }
    if (message instanceof PeerMessage.Bitfield bitfield) {
      return 5 + bitfield.bits().length;
    }
    if (message instanceof PeerMessage.Piece piece) {
      return PIECE_HEADER + piece.data().readableBytes();
    }
    if (message instanceof PeerMessage.Port) {
      return 7;
    }
    if (message instanceof PeerMessage.Extended extended) {
      return 6 + extended.payload().length;
    }
    return 5; // choke, unchoke, interested, not interested, have all, have none
  }
}
