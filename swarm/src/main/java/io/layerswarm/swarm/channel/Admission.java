package io.layerswarm.swarm.channel;

import io.layerswarm.core.auth.ClusterKey;
import io.layerswarm.core.auth.KeyPurpose;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Who may talk to an engine, as its connections apply it: the time a peer has to finish its
 * handshake, the addresses refused, and the cluster key a peer proves membership with.
 *
 * @param handshakeTimeout a connection that has not finished its handshake (the membership proof
 *     included) by then is closed
 * @param bans addresses refused in both directions
 * @param peerKey the cluster's peer-wire key ({@link KeyPurpose#PEER}): only peers that prove they
 *     hold it exchange pieces with us ({@link io.layerswarm.swarm.wire.MemberProof}); empty: open
 *     mode, any BitTorrent peer does
 * @param extensions whether our handshakes set the extension protocol bit (BEP 10), so that peers
 *     learn our zone and rack and whether we need redundant HAVEs: for a member, or an engine with
 *     a location; in open mode without one the wire is as it always was
 */
public record Admission(
    Duration handshakeTimeout, AddressBans bans, Optional<ClusterKey> peerKey, boolean extensions) {
  public Admission {
    Objects.requireNonNull(bans, "bans");
    if (handshakeTimeout == null || handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
      throw new IllegalArgumentException("handshake timeout must be > 0, got " + handshakeTimeout);
    }
    peerKey = peerKey == null ? Optional.empty() : peerKey;
    if (peerKey.isPresent() && peerKey.get().purpose() != KeyPurpose.PEER) {
      throw new IllegalArgumentException("the peer wire needs the peer key, got " + peerKey.get());
    }
  }

  /** Without the extension protocol bit. */
  public Admission(Duration handshakeTimeout, AddressBans bans, Optional<ClusterKey> peerKey) {
    this(handshakeTimeout, bans, peerKey, false);
  }

  /** Whether peers must prove membership. */
  public boolean membersOnly() {
    return peerKey.isPresent();
  }
}
