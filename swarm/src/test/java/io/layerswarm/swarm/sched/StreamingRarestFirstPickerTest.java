package io.layerswarm.swarm.sched;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.metainfo.BlockRef;
import io.layerswarm.core.metainfo.PieceIndex;
import io.layerswarm.core.metainfo.TorrentGeometry;
import io.layerswarm.testing.ManualClock;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Fixtures are strings, one character per piece: "have" uses 1 for verified pieces, "availability"
 * is how many peers have each piece, and a peer's pieces are 1s.
 */
class StreamingRarestFirstPickerTest {
  private static final int BLOCK = TorrentGeometry.BLOCK_SIZE;
  private final ManualClock clock = new ManualClock();

  private static BitSet bits(String s) {
    BitSet set = new BitSet();
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == '1') {
        set.set(i);
      }
    }
    return set;
  }

  /** A picker over pieces of {@code blocksPerPiece} blocks; the window is {@code window} pieces. */
  private StreamingRarestFirstPicker<String> picker(
      String have, String availability, int blocksPerPiece, int window) {
    TorrentGeometry geometry =
        new TorrentGeometry((long) have.length() * blocksPerPiece * BLOCK, blocksPerPiece * BLOCK);
    StreamingRarestFirstPicker<String> picker =
        new StreamingRarestFirstPicker<>(
            geometry, bits(have), window, Duration.ofSeconds(10), clock, new SplittableRandom(42));
    for (int i = 0; i < availability.length(); i++) {
      for (int n = 0; n < availability.charAt(i) - '0'; n++) {
        picker.addAvailability(new PieceIndex(i));
      }
    }
    return picker;
  }

  private static List<Integer> pieces(List<BlockRef> blocks) {
    return blocks.stream().map(b -> b.piece().value()).toList();
  }

  @Test
  void picksTheRarestPiecesFirst() {
    var picker = picker("000000", "354126", 1, 0);

    assertThat(pieces(picker.pick("a", bits("111111"), 6, null))).containsExactly(3, 4, 0, 2, 1, 5);
  }

  @Test
  void picksOnlyPiecesThePeerHasAndWeMiss() {
    var picker = picker("1100", "1111", 1, 0);

    assertThat(pieces(picker.pick("a", bits("1011"), 10, null))).containsExactlyInAnyOrder(2, 3);
  }

  @Test
  void picksTheStreamingWindowInOrderBeforeRarerPieces() {
    var picker = picker("000000", "555551", 1, 2);
    picker.setReaderPosition(2L * BLOCK + 5);

    assertThat(pieces(picker.pick("a", bits("111111"), 3, null))).containsExactly(2, 3, 5);
  }

  @Test
  void withinTheWindowRarerPiecesComeFirst() {
    var picker = picker("00000000", "12321111", 1, 5);
    picker.setReaderPosition(0);

    List<Integer> picked = pieces(picker.pick("a", bits("11111111"), 5, null));

    assertThat(picked)
        .as("the reader's piece, then the window rarest first")
        .startsWith(0)
        .containsExactlyInAnyOrder(0, 1, 2, 3, 4);
    assertThat(picked.get(1)).isEqualTo(4);
    assertThat(picked.subList(2, 4)).containsExactlyInAnyOrder(1, 3);
    assertThat(picked.get(4)).isEqualTo(2);
  }

  @Test
  void hostsStreamingTheSameBlobStartTheWindowAtDifferentPieces() {
    // One seed has everything, nobody else has anything: each host's picker, with its own random
    // source, asks the seed for a different part of the window after the reader's piece.
    TorrentGeometry geometry = new TorrentGeometry(64L * BLOCK, BLOCK);
    java.util.Set<Integer> firstWindowPieces = new java.util.HashSet<>();
    for (int host = 0; host < 8; host++) {
      var picker =
          new StreamingRarestFirstPicker<String>(
              geometry,
              new BitSet(),
              32,
              Duration.ofSeconds(10),
              clock,
              new SplittableRandom(host));
      picker.addAvailability(bits("1".repeat(64)));
      picker.setReaderPosition(0);
      List<Integer> picked = pieces(picker.pick("seed", bits("1".repeat(64)), 2, null));
      assertThat(picked.get(0)).isZero();
      assertThat(picked.get(1)).isBetween(1, 31);
      firstWindowPieces.add(picked.get(1));
    }
    assertThat(firstWindowPieces).as("8 hosts, 31 window pieces").hasSizeGreaterThan(3);
  }

  @Test
  void withoutAReaderThereIsNoWindow() {
    var picker = picker("000000", "555551", 1, 2);

    assertThat(pieces(picker.pick("a", bits("111111"), 1, null))).containsExactly(5);
  }

  @Test
  void theWindowSkipsPiecesWeAlreadyHave() {
    var picker = picker("011000", "111111", 1, 2);
    picker.setReaderPosition(0);

    assertThat(pieces(picker.pick("a", bits("111111"), 2, null))).containsExactly(0, 3);
  }

  @Test
  void thePieceTheReaderWaitsForComesFirstWithAllItsBlocksWhoeverStartedIt() {
    var picker = picker("0000", "1111", 4, 2);
    picker.setReaderPosition(2L * 4 * BLOCK);
    // "a" has only piece 2 and room for two blocks: it starts the piece the reader waits for.
    assertThat(pieces(picker.pick("a", bits("0010"), 2, null))).containsExactly(2, 2);
    assertThat(picker.owner(2)).isEqualTo("a");

    List<BlockRef> b = picker.pick("b", bits("1111"), 6, null);

    assertThat(pieces(b))
        .as("the rest of piece 2 before the window's next piece")
        .containsExactly(2, 2, 3, 3, 3, 3);
    assertThat(b.get(0).offset()).isEqualTo(2 * BLOCK);
  }

  @Test
  void blocksOfTheReadersPieceThatAnotherPeerSitsOnAreAskedOfASecondPeer() {
    var picker = picker("000", "111", 2, 3);
    picker.setReaderPosition(0);
    List<BlockRef> slow = picker.pick("slow", bits("100"), 10, null);
    assertThat(pieces(slow)).containsExactly(0, 0);

    assertThat(pieces(picker.pick("b", bits("111"), 2, null)))
        .as("just asked: not yet")
        .doesNotContain(0);
    clock.advance(StreamingRarestFirstPicker.URGENT_TIMEOUT);

    assertThat(picker.pick("b", bits("111"), 10, null)).startsWith(slow.get(0), slow.get(1));
    PiecePicker.Received<String> first = picker.received("b", slow.get(0));
    assertThat(first.wanted()).isTrue();
    assertThat(first.cancel()).containsExactly("slow");
    assertThat(picker.pick("c", bits("111"), 10, null))
        .as("at most two requesters per block")
        .doesNotContain(slow.get(1));
  }

  @Test
  void withoutAReaderNoPieceIsAskedOfTwoPeersBeforeTheRequestTimeout() {
    var picker = picker("000", "111", 2, 2);
    List<BlockRef> a = picker.pick("a", bits("111"), 2, null);

    clock.advance(Duration.ofSeconds(1));

    assertThat(picker.pick("b", bits("111"), 2, null)).doesNotContainAnyElementsOf(a);
  }

  @Test
  void newPiecesAreStartedOnlyWhileTheBudgetAllowsAndGivenBackWhenDropped() {
    var picker = picker("000000", "111111", 2, 0);
    List<Integer> started = new java.util.ArrayList<>();
    List<Integer> dropped = new java.util.ArrayList<>();
    picker.setBudget(
        new PieceBudget() {
          @Override
          public boolean tryStart(int piece) {
            if (started.size() - dropped.size() >= 2) {
              return false;
            }
            started.add(piece);
            return true;
          }

          @Override
          public void dropped(int piece) {
            dropped.add(piece);
          }
        });

    List<BlockRef> a = picker.pick("a", bits("111111"), 12, null);

    assertThat(a).hasSize(4);
    assertThat(pieces(a).stream().distinct()).containsExactlyElementsOf(started);
    assertThat(picker.pick("b", bits("111111"), 12, null)).as("budget used up").isEmpty();
    picker.received("a", a.get(0));
    picker.peerGone("a");
    assertThat(dropped)
        .as("the piece with data stays; the other one is given back")
        .containsExactly(pieces(a).get(2));
    assertThat(pieces(picker.pick("b", bits("111111"), 12, null))).hasSize(3);
  }

  @Test
  void aPeerFinishesItsOwnPieceBeforeStartingAnother() {
    var picker = picker("0000", "1111", 4, 0);

    List<BlockRef> first = picker.pick("a", bits("1111"), 2, null);
    List<BlockRef> second = picker.pick("a", bits("1111"), 2, null);

    assertThat(pieces(second)).containsExactly(pieces(first).get(0), pieces(first).get(0));
    assertThat(second.get(0).offset()).isEqualTo(2 * BLOCK);
  }

  @Test
  void anotherPeerStartsItsOwnPieceRatherThanJoiningOne() {
    var picker = picker("00", "11", 4, 0);

    int a = pieces(picker.pick("a", bits("11"), 1, null)).get(0);
    int b = pieces(picker.pick("b", bits("11"), 1, null)).get(0);

    assertThat(b).isNotEqualTo(a);
    assertThat(picker.owner(a)).isEqualTo("a");
    assertThat(picker.owner(b)).isEqualTo("b");
  }

  @Test
  void aPeerJoinsAnotherPeersPieceWhenNothingElseIsLeft() {
    var picker = picker("0", "1", 4, 0);
    picker.pick("a", bits("1"), 1, null);

    List<BlockRef> joined = picker.pick("b", bits("1"), 3, null);

    assertThat(joined).extracting(BlockRef::offset).containsExactly(BLOCK, 2 * BLOCK, 3 * BLOCK);
  }

  @Test
  void inEndgameBlocksAreRequestedTwiceAndTheLoserIsCancelled() {
    var picker = picker("0", "2", 2, 0);
    List<BlockRef> a = picker.pick("a", bits("1"), 10, null);
    assertThat(picker.isEndgame()).isTrue();

    List<BlockRef> b = picker.pick("b", bits("1"), 10, null);
    List<BlockRef> c = picker.pick("c", bits("1"), 10, null);

    assertThat(b).isEqualTo(a);
    assertThat(c).as("at most two requesters per block").isEmpty();
    PiecePicker.Received<String> first = picker.received("b", a.get(0));
    assertThat(first.wanted()).isTrue();
    assertThat(first.cancel()).containsExactly("a");
    assertThat(picker.received("a", a.get(0)).wanted()).isFalse();
    assertThat(picker.received("a", a.get(1)).pieceComplete()).isTrue();
  }

  @Test
  void aTimedOutRequestIsGivenToAnotherPeer() {
    var picker = picker("000", "111", 1, 0);
    List<BlockRef> slow = picker.pick("slow", bits("100"), 1, null);
    picker.pick("b", bits("010"), 1, null);
    assertThat(picker.pick("c", bits("110"), 10, null)).as("piece 2 is still free").isEmpty();

    clock.advance(Duration.ofSeconds(11));

    assertThat(picker.pick("c", bits("110"), 1, null)).isEqualTo(slow);
  }

  @Test
  void aTimedOutRequestIsGivenToAnotherPeerBeforeItStartsNewPieces() {
    var picker = picker("0000", "1111", 2, 0);
    List<BlockRef> stuck = picker.pick("silent", bits("1000"), 2, null);

    clock.advance(Duration.ofSeconds(11));

    assertThat(picker.pick("seed", bits("1111"), 2, null))
        .as("piece 0 waits on a silent peer; pieces 1 to 3 are free but can wait")
        .isEqualTo(stuck);
    assertThat(picker.isEndgame()).isFalse();
    PiecePicker.Received<String> moved = picker.received("seed", stuck.get(0));
    assertThat(moved.wanted()).isTrue();
    assertThat(moved.cancel()).containsExactly("silent");
  }

  @Test
  void aRequestThatHasNotTimedOutStaysWithItsPeer() {
    var picker = picker("0000", "1111", 2, 0);
    List<BlockRef> slow = picker.pick("slow", bits("1000"), 2, null);

    clock.advance(Duration.ofSeconds(9));

    assertThat(picker.pick("seed", bits("1111"), 2, null)).doesNotContainAnyElementsOf(slow);
  }

  @Test
  void aBlockNobodyRequestedIsNotWanted() {
    var picker = picker("00", "11", 1, 0);
    List<BlockRef> a = picker.pick("a", bits("10"), 1, null);

    assertThat(picker.received("b", a.get(0)).wanted()).isFalse();
    assertThat(picker.received("a", BlockRef.of(1, 0, BLOCK)).wanted()).isFalse();
    assertThat(picker.received("a", BlockRef.of(0, 0, 100)).wanted()).isFalse();
    assertThat(picker.received("a", a.get(0)).wanted()).isTrue();
  }

  @Test
  void aFailedPieceNamesItsSendersAndGoesToOnePeerOnly() {
    var picker = picker("0", "1", 2, 0);
    List<BlockRef> blocks = picker.pick("a", bits("1"), 2, null);
    picker.received("a", blocks.get(0));
    picker.received("a", blocks.get(1));

    assertThat(picker.pieceFailed(new PieceIndex(0))).containsExactly("a");

    assertThat(picker.pick("b", bits("1"), 1, null)).containsExactly(blocks.get(0));
    assertThat(picker.pick("c", bits("1"), 10, null)).as("parole: not shared").isEmpty();
    assertThat(picker.pick("b", bits("1"), 10, null)).containsExactly(blocks.get(1));
  }

  @Test
  void aPeerThatLeavesGivesBackItsRequestsAndItsPieces() {
    var picker = picker("00", "11", 2, 0);
    List<BlockRef> a = picker.pick("a", bits("11"), 4, null);
    assertThat(picker.isEndgame()).isTrue();

    picker.peerGone("a");

    assertThat(picker.isEndgame()).isFalse();
    assertThat(picker.pick("b", bits("11"), 4, null)).containsExactlyInAnyOrderElementsOf(a);
  }

  @Test
  void whileChokedOnlyAllowedFastPiecesArePicked() {
    var picker = picker("000", "111", 1, 3);

    assertThat(pieces(picker.pick("a", bits("111"), 3, bits("001")))).containsExactly(2);
  }

  @Test
  void verifiedPiecesAreNoLongerInteresting() {
    var picker = picker("00", "11", 1, 0);
    assertThat(picker.isInteresting(bits("01"))).isTrue();

    picker.pieceVerified(new PieceIndex(1));

    assertThat(picker.isInteresting(bits("01"))).isFalse();
    assertThat(picker.isInteresting(bits("011"))).as("bits past the last piece").isFalse();
    assertThat(picker.isComplete()).isFalse();
    picker.pieceVerified(new PieceIndex(0));
    assertThat(picker.isComplete()).isTrue();
    assertThat(picker.pick("a", bits("11"), 5, null)).isEmpty();
  }

  @Test
  void theLastPieceHasAShortLastBlock() {
    TorrentGeometry geometry = new TorrentGeometry(3L * BLOCK + 100, 2 * BLOCK);
    var picker =
        new StreamingRarestFirstPicker<String>(
            geometry, new BitSet(), 2, Duration.ofSeconds(10), clock, new SplittableRandom(1));
    picker.setReaderPosition(0);

    assertThat(picker.pick("a", bits("11"), 10, null))
        .containsExactly(
            BlockRef.of(0, 0, BLOCK), BlockRef.of(0, BLOCK, BLOCK),
            BlockRef.of(1, 0, BLOCK), BlockRef.of(1, BLOCK, 100));
  }
}
