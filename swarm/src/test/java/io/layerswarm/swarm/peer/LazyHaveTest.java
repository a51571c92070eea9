package io.layerswarm.swarm.peer;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.metainfo.PeerId;
import io.layerswarm.core.metainfo.PieceIndex;
import io.layerswarm.core.topology.Location;
import io.layerswarm.swarm.wire.ExtendedHandshake;
import io.layerswarm.swarm.wire.PeerMessage;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HAVEs to a peer that said lazy in its extended handshake (decision 35): none for a piece it
 * announced, every one otherwise, and every one to a peer that did not say it.
 */
class LazyHaveTest {
  private static final int PIECES = 4;

  @TempDir Path dir;
  private final FakeLink link = new FakeLink();
  private FakeSwarm swarm;

  @BeforeEach
  void setUp() throws Exception {
    swarm = FakeSwarm.download(dir, PIECES);
  }

  @AfterEach
  void tearDown() {
    swarm.storage.close();
  }

  /** A peer over the extension protocol that said {@code lazy} and has pieces 0 and 1. */
  private Peer peerWithPieces01(boolean lazy) {
    Peer peer = new Peer(1, PeerId.random(), true, true, true, 128, link, swarm);
    peer.start();
    peer.handle(ExtendedHandshake.of(Location.UNKNOWN, lazy));
    BitSet has = new BitSet();
    has.set(0, 2);
    peer.handle(PeerMessage.Bitfield.of(has, PIECES));
    link.sent.clear();
    return peer;
  }

  private List<PeerMessage.Have> havesAfterVerifying(Peer peer, int... pieces) {
    for (int p : pieces) {
      peer.pieceVerified(new PieceIndex(p));
    }
    return link.sent.stream()
        .filter(PeerMessage.Have.class::isInstance)
        .map(PeerMessage.Have.class::cast)
        .toList();
  }

  @Test
  void aLazyPeerGetsHavesOnlyForPiecesItLacks() {
    Peer peer = peerWithPieces01(true);

    assertThat(havesAfterVerifying(peer, 0, 1, 2, 3))
        .containsExactly(
            new PeerMessage.Have(new PieceIndex(2)), new PeerMessage.Have(new PieceIndex(3)));
  }

  @Test
  void theLastPieceTellsALazyPeerAllWeHaveSoItCanTellWeAreASeed() {
    Peer peer = peerWithPieces01(true);
    peer.pieceVerified(new PieceIndex(0));
    peer.pieceVerified(new PieceIndex(2));
    peer.pieceVerified(new PieceIndex(3));
    swarm.complete = true;
    peer.pieceVerified(new PieceIndex(1));

    assertThat(
            link.sent.stream()
                .filter(m -> m instanceof PeerMessage.Have || m instanceof PeerMessage.HaveAll)
                .toList())
        .containsExactly(
            new PeerMessage.Have(new PieceIndex(2)),
            new PeerMessage.Have(new PieceIndex(3)),
            new PeerMessage.HaveAll());
  }

  @Test
  void aPeerThatDidNotSayLazyGetsEveryHave() {
    Peer peer = peerWithPieces01(false);

    assertThat(havesAfterVerifying(peer, 0, 1, 2)).hasSize(3);
  }

  @Test
  void ourExtendedHandshakeSaysLazyUnlessWeOfferPiecesOneByOne() {
    new Peer(1, PeerId.random(), true, true, true, 128, link, swarm).start();
    swarm.offers = true;
    new Peer(2, PeerId.random(), true, true, true, 128, link, swarm).start();

    assertThat(
            link.sent.stream()
                .filter(PeerMessage.Extended.class::isInstance)
                .map(m -> ExtendedHandshake.read(((PeerMessage.Extended) m).payload()).lazyHave())
                .toList())
        .containsExactly(true, false);
  }
}
