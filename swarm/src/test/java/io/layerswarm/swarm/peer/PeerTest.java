package io.layerswarm.swarm.peer;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.metainfo.BlockRef;
import io.layerswarm.core.metainfo.PeerId;
import io.layerswarm.core.metainfo.PieceIndex;
import io.layerswarm.swarm.wire.PeerMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.file.Path;
import java.util.BitSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-connection state machine, driven directly without Netty. */
class PeerTest {
  private static final int PIECES = 4;

  @TempDir Path dir;
  private FakeLink link;
  private FakeSwarm swarm;

  @BeforeEach
  void setUp() throws Exception {
    swarm = FakeSwarm.download(dir, PIECES);
    link = new FakeLink();
  }

  @AfterEach
  void tearDown() {
    swarm.storage.close();
  }

  private Peer peer(boolean fast) {
    Peer peer = new Peer(1, PeerId.random(), true, fast, 128, link, swarm);
    peer.start();
    return peer;
  }

  private static PeerMessage.Bitfield all() {
    BitSet set = new BitSet();
    set.set(0, PIECES);
    return PeerMessage.Bitfield.of(set, PIECES);
  }

  @Test
  void aLeecherWithNothingSaysHaveNoneWithTheFastExtensionAndNothingWithout() {
    peer(true);
    assertThat(link.sent).containsExactly(new PeerMessage.HaveNone());
    link.sent.clear();
    peer(false);
    assertThat(link.sent).isEmpty();
  }

  @Test
  void aKeepAliveGoesOutAfterAMinuteWithoutSendingAnything() {
    Peer peer = peer(true);
    peer.handle(new PeerMessage.HaveNone());
    peer.tick(); // HaveNone was sent since the last tick.
    link.sent.clear();

    swarm.now = swarm.now.plusSeconds(59);
    peer.tick();
    assertThat(link.sent).isEmpty();
    swarm.now = swarm.now.plusSeconds(1);
    peer.tick();
    assertThat(link.sent).containsExactly(new PeerMessage.KeepAlive());

    link.sent.clear();
    swarm.now = swarm.now.plusSeconds(30);
    peer.tick();
    peer.setChoking(false);
    swarm.now = swarm.now.plusSeconds(59);
    peer.tick();
    assertThat(link.sent)
        .as("the unchoke counts as a sign of life")
        .containsExactly(new PeerMessage.Unchoke());
  }

  @Test
  void aConnectionWhereNeitherSideWantsAnythingIsClosedAfterTheIdleTimeout() {
    Peer peer = peer(true);
    peer.handle(new PeerMessage.HaveNone());
    peer.handle(new PeerMessage.NotInterested());
    peer.tick();

    swarm.now = swarm.now.plus(Peer.IDLE_TIMEOUT).minusSeconds(1);
    peer.tick();
    assertThat(link.closed).isNull();
    swarm.now = swarm.now.plusSeconds(1);
    peer.tick();

    assertThat(link.closed).startsWith("idle");
  }

  @Test
  void interestEndsTheIdleTime() {
    Peer peer = peer(true);
    peer.handle(new PeerMessage.HaveNone());
    peer.tick();
    swarm.now = swarm.now.plus(Peer.IDLE_TIMEOUT).minusSeconds(1);
    peer.tick();

    peer.handle(new PeerMessage.Interested());
    peer.tick();
    peer.handle(new PeerMessage.NotInterested());
    swarm.now = swarm.now.plusSeconds(2);
    peer.tick();

    assertThat(link.closed).as("the idle time starts again").isNull();
  }

  @Test
  void anUnchokedPeerThatAsksForNothingIsIdleFromItsUnchoke() {
    Peer peer = peer(true);
    assertThat(peer.unchokedIdleSince(swarm.now)).as("choked").isFalse();

    peer.setChoking(false);
    assertThat(peer.unchokedIdleSince(swarm.now.minusMillis(1))).isFalse();
    swarm.now = swarm.now.plusMillis(25);

    assertThat(peer.unchokedIdleSince(swarm.now.minusMillis(25))).isTrue();
  }

  @Test
  void aPeerIsNotIdleWhileItsRequestIsQueuedOrInFlightNorRightAfter() {
    swarm.uploadsAnything = true;
    link.holdWrites = true;
    Peer peer = peer(true);
    peer.setChoking(false);
    peer.handle(new PeerMessage.Request(BlockRef.of(0, 0, 16 * 1024)));
    assertThat(link.blocksSent).hasSize(1);
    swarm.now = swarm.now.plusSeconds(1);

    assertThat(peer.unchokedIdleSince(swarm.now.minusMillis(25))).as("in flight").isFalse();
    link.completeWrites();
    assertThat(peer.unchokedIdleSince(swarm.now.minusMillis(25))).as("just sent").isFalse();
    swarm.now = swarm.now.plusMillis(25);
    assertThat(peer.unchokedIdleSince(swarm.now.minusMillis(25))).isTrue();
  }

  @Test
  void afterABitfieldAndAnUnchokeEveryBlockIsRequested() {
    Peer peer = peer(false);
    peer.handle(all());
    assertThat(link.sent).containsExactly(new PeerMessage.Interested());

    peer.handle(new PeerMessage.Unchoke());

    assertThat(link.sent.stream().filter(m -> m instanceof PeerMessage.Request)).hasSize(8);
    assertThat(peer.outstanding()).hasSize(8);
  }

  @Test
  void aVerifiedPieceIsAnnouncedEvenToAPeerThatHasIt() {
    // A seed offering pieces one by one (SuperSeeder) announced piece 2; we got it elsewhere. Only
    // our HAVE tells it to offer another piece instead of this one again.
    Peer peer = peer(true);
    peer.handle(new PeerMessage.HaveNone());
    peer.handle(new PeerMessage.Have(new PieceIndex(2)));
    link.sent.clear();

    peer.pieceVerified(new PieceIndex(2));
    peer.pieceVerified(new PieceIndex(3));

    assertThat(link.sent)
        .filteredOn(m -> m instanceof PeerMessage.Have)
        .containsExactly(
            new PeerMessage.Have(new PieceIndex(2)), new PeerMessage.Have(new PieceIndex(3)));
  }

  @Test
  void aChokeWithoutTheFastExtensionGivesEveryRequestBack() {
    Peer peer = peer(false);
    peer.handle(all());
    peer.handle(new PeerMessage.Unchoke());

    peer.handle(new PeerMessage.Choke());

    assertThat(peer.outstanding()).isEmpty();
    BitSet has = new BitSet();
    has.set(0, PIECES);
    Peer other = new Peer(2, PeerId.random(), true, false, 128, new FakeLink(), swarm);
    assertThat(swarm.picker.isEndgame()).isFalse();
    assertThat(swarm.picker.pick(other, has, 100, null)).hasSize(8);
  }

  @Test
  void aChokeWithTheFastExtensionKeepsRequestsUntilTheyAreRejected() {
    Peer peer = peer(true);
    peer.handle(new PeerMessage.HaveAll());
    peer.handle(new PeerMessage.Unchoke());
    BlockRef first = peer.outstanding().get(0);

    peer.handle(new PeerMessage.Choke());
    assertThat(peer.outstanding()).hasSize(8);
    peer.handle(new PeerMessage.RejectRequest(first));

    assertThat(peer.outstanding()).hasSize(7).doesNotContain(first);
  }

  @Test
  void aWantedBlockGoesToTheSwarm() {
    Peer peer = peer(false);
    peer.handle(all());
    peer.handle(new PeerMessage.Unchoke());
    ByteBuf wanted = Unpooled.wrappedBuffer(new byte[16 * 1024]);

    peer.handle(new PeerMessage.Piece(new PieceIndex(0), 0, wanted));

    assertThat(swarm.arrived).containsExactly(BlockRef.of(0, 0, 16 * 1024));
    assertThat(link.closed).isNull();
    wanted.release();
  }

  @Test
  void aBlockNeverRequestedClosesTheConnectionAndIsNotCounted() {
    Peer peer = peer(false);
    peer.handle(all());
    peer.handle(new PeerMessage.Unchoke());
    ByteBuf unrequested = Unpooled.wrappedBuffer(new byte[10]);

    peer.handle(new PeerMessage.Piece(new PieceIndex(0), 5, unrequested));

    assertThat(unrequested.refCnt()).isZero();
    assertThat(link.closed).contains("never requested");
    assertThat(peer.downloadedBytes()).isZero();
    assertThat(swarm.arrived).isEmpty();
  }

  @Test
  void aBlockThatArrivesAfterItsCancelIsDroppedQuietly() {
    Peer peer = peer(false);
    peer.handle(all());
    peer.handle(new PeerMessage.Unchoke());
    BlockRef block = peer.outstanding().get(0);
    peer.cancel(block);
    ByteBuf late = Unpooled.wrappedBuffer(new byte[block.length()]);

    peer.handle(new PeerMessage.Piece(block.piece(), block.offset(), late));

    assertThat(late.refCnt()).isZero();
    assertThat(link.closed).isNull();
    assertThat(swarm.arrived).isEmpty();
    assertThat(swarm.wasted).as("a late block is wasted").isEqualTo(block.length());
    ByteBuf again = Unpooled.wrappedBuffer(new byte[block.length()]);
    peer.handle(new PeerMessage.Piece(block.piece(), block.offset(), again));
    assertThat(link.closed).as("a second copy was never requested").contains("never requested");
  }

  @Test
  void blocksThatWereInFlightWhenThePeerChokedAreDroppedQuietly() {
    Peer peer = peer(false);
    peer.handle(all());
    peer.handle(new PeerMessage.Unchoke());
    BlockRef block = peer.outstanding().get(0);
    peer.handle(new PeerMessage.Choke());
    ByteBuf late = Unpooled.wrappedBuffer(new byte[block.length()]);

    peer.handle(new PeerMessage.Piece(block.piece(), block.offset(), late));

    assertThat(late.refCnt()).isZero();
    assertThat(link.closed).isNull();
  }

  @Test
  void nothingThePeerSendsAfterAViolationIsActedOn() {
    Peer peer = peer(false);
    peer.handle(new PeerMessage.Bitfield(new byte[3]));
    link.sent.clear();

    peer.handle(all());
    peer.handle(new PeerMessage.Unchoke());

    assertThat(link.sent).as("no interest, no requests").isEmpty();
    assertThat(peer.isSeed()).isFalse();
  }

  @Test
  void requestsWhileChokingAreRejectedWithTheFastExtension() {
    Peer peer = peer(true);
    link.sent.clear();
    BlockRef block = BlockRef.of(0, 0, 16 * 1024);

    peer.handle(new PeerMessage.Request(block));

    assertThat(link.sent).containsExactly(new PeerMessage.RejectRequest(block));
  }

  @Test
  void aPeerThatKeepsAskingWhileRefusedIsBannedBeforeItsRejectsPileUp() {
    Peer peer = peer(true);
    link.sent.clear();
    BlockRef block = BlockRef.of(0, 0, 16 * 1024);

    for (int i = 0; i < Peer.MAX_REFUSED_IN_A_ROW; i++) {
      peer.handle(new PeerMessage.Request(block));
    }
    assertThat(link.banned).isNull();
    peer.handle(new PeerMessage.Request(block));
    peer.handle(new PeerMessage.Request(block));

    assertThat(link.banned).contains("refused requests in a row");
    assertThat(link.sent).hasSize(Peer.MAX_REFUSED_IN_A_ROW);
  }

  @Test
  void aBitfieldOfTheWrongLengthClosesTheConnection() {
    Peer peer = peer(false);

    peer.handle(new PeerMessage.Bitfield(new byte[3]));

    assertThat(link.closed).contains("bitfield");
  }

  @Test
  void aLaterBitfieldAddsPiecesAsAria2SendsIt() {
    Peer peer = peer(false);
    BitSet first = new BitSet();
    first.set(1);
    peer.handle(PeerMessage.Bitfield.of(first, PIECES));
    peer.handle(new PeerMessage.Have(new PieceIndex(2)));

    peer.handle(all());

    assertThat(link.closed).isNull();
    assertThat(peer.isSeed()).isTrue();
  }

  @Test
  void progressIsTheShareOfPiecesFromTheBitfieldAndLaterHaves() {
    Peer peer = peer(false);
    assertThat(peer.progress()).as("nothing said yet: unknown").isEmpty();
    BitSet first = new BitSet();
    first.set(1);
    peer.handle(PeerMessage.Bitfield.of(first, PIECES));
    assertThat(peer.progress()).hasValue(0.25);

    peer.handle(new PeerMessage.Have(new PieceIndex(2)));

    assertThat(peer.progress()).hasValue(0.5);
  }

  @Test
  void aSeedKnowsALeechersProgressOnlyOnceTheLeecherSendsItHaves() {
    swarm.complete = true;
    Peer peer = peer(false);
    BitSet first = new BitSet();
    first.set(1);
    peer.handle(PeerMessage.Bitfield.of(first, PIECES));

    assertThat(peer.progress())
        .as("libtorrent and aria2 send a seed no haves: the bitfield of the start is stale")
        .isEmpty();

    peer.handle(new PeerMessage.Have(new PieceIndex(2)));

    assertThat(peer.progress()).as("this one keeps the seed informed").hasValue(0.5);
  }

  @Test
  void aFastExtensionMessageWithoutTheExtensionClosesTheConnection() {
    Peer peer = peer(false);

    peer.handle(new PeerMessage.HaveAll());

    assertThat(link.closed).contains("fast extension");
  }

  @Test
  void aHaveForAPieceOutOfRangeClosesTheConnection() {
    Peer peer = peer(false);

    peer.handle(new PeerMessage.Have(new PieceIndex(PIECES)));

    assertThat(link.closed).contains("have for piece");
  }

  @Test
  void aRequestBeyondThePieceClosesTheConnection() {
    Peer peer = peer(true);

    peer.handle(new PeerMessage.Request(BlockRef.of(0, 32 * 1024 - 1, 2)));

    assertThat(link.closed).contains("invalid request");
  }

  @Test
  void aPieceRefusedWhileUnchokedIsNotAskedAgainUntilThePeerAnnouncesIt() {
    Peer peer = peer(true);
    peer.handle(new PeerMessage.HaveAll());
    peer.handle(new PeerMessage.Unchoke());
    BlockRef refusedBlock = peer.outstanding().get(0);
    int refused = refusedBlock.piece().value();
    for (BlockRef b : peer.outstanding()) {
      if (b.piece().value() == refused) {
        peer.handle(new PeerMessage.RejectRequest(b));
      }
    }
    assertThat(peer.outstanding()).extracting(b -> b.piece().value()).doesNotContain(refused);

    // Everything else refused too: nothing is left to ask for until the peer announces a piece.
    for (BlockRef b : peer.outstanding()) {
      peer.handle(new PeerMessage.RejectRequest(b));
    }
    assertThat(peer.outstanding()).isEmpty();
    assertThat(peer.amInterested()).isFalse();

    peer.handle(new PeerMessage.Have(new PieceIndex(refused)));
    assertThat(peer.outstanding()).extracting(b -> b.piece().value()).contains(refused);
  }

  @Test
  void aRefusalLastsUntilTheNextTick() {
    Peer peer = peer(true);
    peer.handle(new PeerMessage.HaveAll());
    peer.handle(new PeerMessage.Unchoke());
    for (BlockRef b : peer.outstanding()) {
      peer.handle(new PeerMessage.RejectRequest(b));
    }
    assertThat(peer.outstanding()).isEmpty();

    swarm.now = swarm.now.plusSeconds(1);
    peer.tick();

    assertThat(peer.outstanding()).as("asked again after a tick").isNotEmpty();
  }

  @Test
  void interestChangesReachTheSwarm() {
    Peer peer = peer(false);

    peer.handle(new PeerMessage.Interested());
    peer.handle(new PeerMessage.Interested());
    peer.handle(new PeerMessage.NotInterested());

    assertThat(swarm.interestChanges).isEqualTo(2);
    assertThat(peer.isInterested()).isFalse();
  }
}
