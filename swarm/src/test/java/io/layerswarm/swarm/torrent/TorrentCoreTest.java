package io.layerswarm.swarm.torrent;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.PeerId;
import io.layerswarm.core.metainfo.PieceIndex;
import io.layerswarm.swarm.loop.ManualLoop;
import io.layerswarm.swarm.peer.Peer;
import io.layerswarm.swarm.storage.InMemoryPieceStore;
import io.layerswarm.swarm.storage.PieceMemory;
import io.layerswarm.swarm.torrent.MemoryLinks.Connection;
import io.layerswarm.swarm.torrent.MemoryLinks.Host;
import io.layerswarm.swarm.torrent.MemoryLinks.Link;
import io.layerswarm.swarm.tracker.AnnounceResponse;
import io.layerswarm.swarm.tracker.Announcer;
import io.layerswarm.swarm.tracker.TrackerClient;
import io.layerswarm.swarm.wire.Handshake;
import io.layerswarm.swarm.wire.PeerMessage;
import io.layerswarm.testing.ManualClock;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A torrent's policy driven through its ports alone: a manual loop and clock, in-memory stores and
 * in-memory connections. No socket, no thread, no sleep.
 */
class TorrentCoreTest {
  private static final int PIECE = 32 * 1024;

  @TempDir Path dir;
  private final ManualClock clock = new ManualClock();
  private final ManualLoop loop = new ManualLoop(clock);
  private final PeerCandidatesTest.FakeDialer dialer = new PeerCandidatesTest.FakeDialer();
  private PieceMemory memory = PieceMemory.unbounded();
  private final AtomicInteger announces = new AtomicInteger();
  private List<URI> trackers = List.of();
  private byte[] content;
  private Metainfo metainfo;
  private long sequence;

  @BeforeEach
  void makeTorrent() throws Exception {
    content = new byte[8 * PIECE + 500];
    new Random(3).nextBytes(content);
    metainfo = Metainfo.create(Files.write(dir.resolve("blob"), content), "blob", List.of(), PIECE);
  }

  private TorrentPolicy policy = TorrentPolicy.DEFAULTS;

  /** A host with {@code data} (a seed) or with nothing (null). */
  private Host host(int n, byte[] data) {
    InMemoryPieceStore store = InMemoryPieceStore.checking(metainfo, data);
    TorrentCore core =
        new TorrentCore(
            metainfo,
            PeerId.random(),
            policy,
            new TorrentPorts(
                loop, clock, new SplittableRandom(n), store, memory, dialer, () -> ++sequence));
    TrackerClient tracker =
        (uri, request) -> {
          announces.incrementAndGet();
          return CompletableFuture.completedFuture(
              new AnnounceResponse(
                  Optional.of(Duration.ofMinutes(30)),
                  Optional.empty(),
                  List.of(),
                  Optional.empty(),
                  Optional.empty()));
        };
    core.start(
        new Announcer(
            trackers,
            tracker,
            loop,
            e -> core.announceRequest(e, 6881, Optional.empty(), Map.of()),
            core::trackerPeers,
            Duration.ofMinutes(30),
            clock));
    loop.runPending();
    return new Host(core, store, new InetSocketAddress("10.0.0." + n, 6881));
  }

  @Test
  void aLeecherGetsEveryPieceFromASeedAndCompletes() {
    Host seed = host(1, content);
    Host leecher = host(2, null);

    MemoryLinks.connect(loop, leecher, seed);
    loop.runPending();

    assertThat(leecher.store().isComplete()).isTrue();
    assertThat(leecher.core().completion()).isCompletedWithValue(Path.of("blob"));
    assertThat(leecher.core().downloadedBytes()).isEqualTo(content.length);
    assertThat(seed.core().uploadedBytes()).isEqualTo(content.length);
    for (int i = 0; i < metainfo.pieceCount(); i++) {
      var block = metainfo.geometry().block(i, 0);
      assertThat(leecher.store().read(block)).isEqualTo(seed.store().read(block));
    }
  }

  @Test
  void aPeerThatDialsUsCannotTakeTheSlotOfOneWeDialed() {
    // When every host of a scale-out starts at once, each dials its peers while theirs arrive.
    policy = TorrentPolicy.DEFAULTS.withMaxConnections(2);
    Host a = host(1, null);
    Host seed = host(2, content);
    Host b = host(3, null);
    Host c = host(4, null);
    a.core().trackerPeers(List.of(seed.address(), b.address(), c.address()));
    assertThat(dialer.dialed).as("half the cap is ours to dial").containsExactly(seed.address());
    dialer.events.get(seed.address()).connected();

    assertThat(MemoryLinks.connect(loop, b, a).fromAccepter().peer()).isNotNull();
    assertThat(MemoryLinks.connect(loop, c, a).fromDialer().closed).isEqualTo("refused");
    Connection ours = MemoryLinks.connect(loop, a, seed);

    assertThat(ours.fromDialer().peer()).as("our dial kept its slot").isNotNull();
    assertThat(a.core().connectedPeers()).isEqualTo(2);
    loop.runPending();
    assertThat(a.store().isComplete()).isTrue();
  }

  @Test
  void aSeedAtItsCapMakesRoomForAPeerThatDialsItByDroppingOneThatWantsNothing() {
    // Hosts that arrive late found every seed's slots held by peers that wanted nothing from it.
    policy = TorrentPolicy.DEFAULTS.withMaxConnections(2);
    Host seed = host(1, content);
    Host a = host(2, null);
    Host b = host(3, null);
    Host c = host(4, null); // before any connection: making a host runs the loop
    Connection fromA = MemoryLinks.connect(loop, a, seed);
    MemoryLinks.connect(loop, b, seed);
    fromA.fromAccepter().peer().handle(new PeerMessage.NotInterested());

    Connection late = MemoryLinks.connect(loop, c, seed);

    assertThat(late.fromAccepter().peer()).as("the late peer is kept").isNotNull();
    assertThat(fromA.fromAccepter().closed).startsWith("making room");
    assertThat(seed.core().connectedPeers()).isEqualTo(2);
  }

  @Test
  void aLeecherAtItsCapRefusesAPeerThatDialsIt() {
    policy = TorrentPolicy.DEFAULTS.withMaxConnections(2);
    Host leecher = host(1, null);
    Host seed = host(2, content);
    Host b = host(3, null);
    Host c = host(4, null); // before any connection: making a host runs the loop
    MemoryLinks.connect(loop, seed, leecher);
    MemoryLinks.connect(loop, b, leecher);

    assertThat(MemoryLinks.connect(loop, c, leecher).fromAccepter().peer()).isNull();
    assertThat(leecher.core().connectedPeers()).isEqualTo(2);
  }

  /**
   * A peer of {@code host} that the test speaks for: what the host sends it goes nowhere, and it
   * asks for nothing unless the test makes it.
   */
  private Peer silentPeer(Host host, int n) {
    Link in = new Link(loop, host.store(), new InetSocketAddress("10.0.0." + n, 6881));
    Link out = new Link(loop, host.store(), host.address());
    in.other = out;
    out.other = in;
    in.local =
        host.core().attach(in, new Handshake(host.core().infoHash(), PeerId.random(), true), false);
    in.local.start();
    return in.local;
  }

  @Test
  void anUnchokedPeerThatAsksForNothingGivesItsSlotToAWaitingPeerBeforeItsTurnEnds() {
    // In a swarm that streams, a peer stays interested in every peer that has a piece it lacks,
    // even once it asked others for all of them; it held the slot for a whole turn (decision 38).
    policy = TorrentPolicy.DEFAULTS.withUploadSlots(1).withIdleSlot(TorrentPolicy.IDLE_SLOT);
    Host seed = host(1, content);
    Peer first = silentPeer(seed, 2);
    Peer second = silentPeer(seed, 3);
    first.handle(new PeerMessage.Interested());
    second.handle(new PeerMessage.Interested());
    loop.runPending();
    assertThat(first.amChoking()).isFalse();
    assertThat(second.amChoking()).isTrue();

    loop.advance(TorrentPolicy.IDLE_SLOT.minusMillis(1));
    assertThat(first.amChoking()).as("not idle long enough yet").isFalse();
    loop.advance(Duration.ofMillis(1));

    assertThat(first.amChoking()).isTrue();
    assertThat(second.amChoking()).isFalse();
  }

  @Test
  void aPeerThatKeepsAskingKeepsItsSlotForItsTurn() {
    policy = TorrentPolicy.DEFAULTS.withUploadSlots(1).withIdleSlot(TorrentPolicy.IDLE_SLOT);
    Host seed = host(1, content);
    Peer first = silentPeer(seed, 2);
    Peer second = silentPeer(seed, 3);
    first.handle(new PeerMessage.Interested());
    second.handle(new PeerMessage.Interested());
    loop.runPending();

    for (int i = 0; i < 20; i++) {
      first.handle(new PeerMessage.Request(metainfo.geometry().block(i % 8, 0)));
      loop.advance(TorrentPolicy.IDLE_SLOT.minusMillis(1));
    }

    assertThat(first.amChoking()).isFalse();
    assertThat(second.amChoking()).isTrue();
  }

  @Test
  void aSuperSeedSendsEachPieceOnceAndTheLeechersTradeTheRest() {
    policy = TorrentPolicy.DEFAULTS.withSuperSeedOffers(1);
    Host seed = host(1, content);
    Host a = host(2, null);
    Host b = host(3, null);
    Host c = host(4, null);

    MemoryLinks.connect(loop, a, seed);
    MemoryLinks.connect(loop, b, seed);
    MemoryLinks.connect(loop, c, seed);
    MemoryLinks.connect(loop, a, b);
    MemoryLinks.connect(loop, b, c);
    MemoryLinks.connect(loop, c, a);
    loop.runPending();
    for (int i = 0;
        i < 100 && !(a.store().isComplete() && b.store().isComplete() && c.store().isComplete());
        i++) {
      loop.advance(Duration.ofSeconds(1));
    }

    assertThat(List.of(a, b, c)).allMatch(h -> h.store().isComplete());
    assertThat(seed.core().uploadedBytes()).isEqualTo(content.length);
  }

  @Test
  void aSuperSeedAnnouncesNothingAtFirstAndRefusesPiecesItDidNotOffer() {
    policy = TorrentPolicy.DEFAULTS.withSuperSeedOffers(1);
    Host seed = host(1, content);
    policy = TorrentPolicy.DEFAULTS;
    Host leecher = host(2, null);

    Connection connection = MemoryLinks.connect(loop, leecher, seed);

    assertThat(connection.fromAccepter().sent)
        .startsWith(new PeerMessage.HaveNone())
        .doesNotContain(new PeerMessage.HaveAll())
        .contains(new PeerMessage.Have(new PieceIndex(0)));
    Peer seedsViewOfTheLeecher = connection.fromAccepter().peer();
    int last = metainfo.pieceCount() - 1;
    assertThat(seed.core().mayUpload(seedsViewOfTheLeecher, new PieceIndex(0))).isTrue();
    assertThat(seed.core().mayUpload(seedsViewOfTheLeecher, new PieceIndex(last))).isFalse();
    loop.runPending();
    assertThat(leecher.store().isComplete()).isTrue();
    assertThat(seed.core().uploadedBytes()).isEqualTo(content.length);
  }

  @Test
  void onceBothEndsAreSeedsTheConnectionIsClosed() {
    Host seed = host(1, content);
    Host leecher = host(2, null);

    Connection connection = MemoryLinks.connect(loop, leecher, seed);
    loop.runPending();

    assertThat(connection.fromDialer().closed).isEqualTo("both are seeds");
    assertThat(leecher.core().connectedPeers()).isZero();
    assertThat(seed.core().connectedPeers()).isZero();
  }

  @Test
  void aLeecherPassesOnEveryPieceItVerifiedWithAHave() {
    Host seed = host(1, content);
    Host middle = host(2, null);
    Host last = host(3, null);

    MemoryLinks.connect(loop, middle, seed);
    Connection onward = MemoryLinks.connect(loop, last, middle);
    loop.runPending();

    assertThat(last.store().isComplete()).isTrue();
    assertThat(onward.fromAccepter().sent.stream().filter(m -> m instanceof PeerMessage.Have))
        .hasSize(metainfo.pieceCount());
    assertThat(middle.core().uploadedBytes()).isEqualTo(content.length);
  }

  @Test
  void aPeerThatAloneSentThreeCorruptPiecesIsBannedAndNotDialedAgain() {
    byte[] corrupt = content.clone();
    for (int i = 0; i < corrupt.length; i += PIECE) {
      corrupt[i] ^= 1;
    }
    Host bad = host(1, corrupt);
    Host leecher = host(2, null);

    Connection connection = MemoryLinks.connect(loop, leecher, bad);
    loop.runPending();

    assertThat(connection.fromDialer().banned).isEqualTo("3 pieces failed their hash check");
    assertThat(leecher.core().bannedPeerIds()).containsExactly(bad.core().localPeerId());
    assertThat(leecher.store().verifiedBytes()).isZero();
    leecher.core().trackerPeers(List.of(bad.address()));
    assertThat(dialer.dialed).isEmpty();
  }

  @Test
  void whenTwoHostsDialEachOtherOnlyTheConnectionOpenedByTheLowerIdStays() {
    Host a = host(1, null);
    Host b = host(2, null);

    MemoryLinks.connect(loop, a, b);
    MemoryLinks.connect(loop, b, a);
    loop.runPending();

    boolean aIsLower =
        Arrays.compareUnsigned(a.core().localPeerId().bytes(), b.core().localPeerId().bytes()) < 0;
    assertThat(a.core().connectedPeerIds()).containsExactly(b.core().localPeerId());
    assertThat(b.core().connectedPeerIds()).containsExactly(a.core().localPeerId());
    assertThat(a.core().peerList()).extracting(Peer::isOutgoing).containsExactly(aIsLower);
  }

  @Test
  void aLeecherDialsTheTrackersPeersAndASeedDoesNot() {
    Host seed = host(1, content);
    Host leecher = host(2, null);
    InetSocketAddress other = new InetSocketAddress("10.0.0.9", 6881);

    seed.core().trackerPeers(List.of(other));
    assertThat(dialer.dialed).isEmpty();

    leecher.core().trackerPeers(List.of(other));
    assertThat(dialer.dialed).containsExactly(other);
  }

  @Test
  void aTorrentWithoutPeersAsksTheTrackersAgainAfterFiveSeconds() {
    trackers = List.of(URI.create("http://tracker.invalid/announce"));
    host(1, null);
    assertThat(announces).as("started").hasValue(1);

    loop.advance(Duration.ofSeconds(4));
    assertThat(announces).hasValue(1);

    loop.advance(Duration.ofSeconds(1));
    assertThat(announces).hasValue(2);
  }

  @Test
  void stoppingClosesEveryConnectionAndFailsTheCompletion() {
    Host seed = host(1, content);
    Host leecher = host(2, null);
    Connection connection = MemoryLinks.connect(loop, leecher, seed);

    leecher.core().stop();
    loop.runPending();

    assertThat(connection.fromDialer().closed).isEqualTo("torrent removed");
    assertThat(leecher.core().completion()).isCompletedExceptionally();
    assertThat(leecher.store().isClosed()).isTrue();
    assertThat(seed.core().connectedPeers()).isZero();
  }

  @Test
  void withoutPieceMemoryATorrentFetchesOnePieceAtATimeAndStillCompletes() {
    memory = new PieceMemory(0);
    Host seed = host(1, content);
    Host leecher = host(2, null);

    Connection connection = MemoryLinks.connect(loop, leecher, seed);
    Peer peer = connection.fromDialer().peer();
    int most = 0;
    while (loop.runNext()) {
      most =
          Math.max(most, (int) peer.outstanding().stream().map(b -> b.piece()).distinct().count());
    }

    assertThat(most).as("pieces requested at once").isEqualTo(1);
    assertThat(leecher.store().isComplete()).isTrue();
    assertThat(memory.reserved()).isZero();
  }

  @Test
  void aReaderMakesTheTorrentAskFirstForThePieceItWaitsFor() {
    Host seed = host(1, content);
    Host leecher = host(2, null);
    leecher.store().setReaderPosition(5L * PIECE + 10);
    leecher.core().readerMoved();

    Connection connection = MemoryLinks.connect(loop, leecher, seed);
    loop.runPending();

    PeerMessage first =
        connection.fromDialer().sent.stream()
            .filter(m -> m instanceof PeerMessage.Request)
            .findFirst()
            .orElseThrow();
    assertThat(((PeerMessage.Request) first).block().piece()).isEqualTo(new PieceIndex(5));
  }

  @Test
  void aPeerThatOwesBlocksAndSendsNothingForAMinuteIsDropped() {
    Host seed = host(1, content);
    Host leecher = host(2, null);
    Connection connection = MemoryLinks.connect(loop, leecher, seed);
    connection.fromAccepter().loseBlocks = true;
    loop.runPending();
    assertThat(connection.fromDialer().peer().outstanding()).isNotEmpty();

    loop.advance(Duration.ofSeconds(62));

    assertThat(connection.fromDialer().closed).startsWith("no block for 60 s");
  }
}
