package io.layerswarm.swarm.torrent;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.metainfo.Metainfo;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeerCandidatesTest {
  @TempDir Path dir;
  private final FakeDialer dialer = new FakeDialer();
  private PeerCandidates candidates;

  @BeforeEach
  void setUp() throws Exception {
    Metainfo metainfo =
        Metainfo.create(Files.write(dir.resolve("f"), new byte[10]), "x", List.of(), 16 * 1024);
    candidates = new PeerCandidates(metainfo, dialer);
  }

  private static InetSocketAddress peer(int n) {
    return new InetSocketAddress("10.0.0." + n, 6881);
  }

  @Test
  void givenAddressesAreDialedBeforeTheTrackersOnesUpToTheCap() {
    candidates.addFromTrackers(List.of(peer(1), peer(2)));
    candidates.addGiven(List.of(peer(9)));

    candidates.connectMore(0, 0, 4);

    assertThat(dialer.dialed).containsExactly(peer(9), peer(1));
    assertThat(candidates.dialing()).isEqualTo(2);
  }

  @Test
  void connectionsBeingOpenedCountAgainstTheCap() {
    candidates.addFromTrackers(List.of(peer(1), peer(2), peer(3)));
    candidates.connectMore(1, 0, 2);
    assertThat(dialer.dialed).containsExactly(peer(1));

    candidates.connectMore(1, 0, 2);
    assertThat(dialer.dialed).as("one open plus one being opened").containsExactly(peer(1));
  }

  @Test
  void weDialUpToHalfTheCapAndLeaveTheRestToPeersThatDialUs() {
    for (int i = 1; i <= 20; i++) {
      candidates.addFromTrackers(List.of(peer(i)));
    }
    candidates.connectMore(0, 0, 10);
    assertThat(dialer.dialed).hasSize(5);

    // Three incoming connections do not make room for more dials of ours.
    candidates.connectMore(3, 0, 10);
    assertThat(dialer.dialed).hasSize(5);
    assertThat(candidates.reserved()).isEqualTo(5);
  }

  @Test
  void aDialKeepsItsSlotUntilItsHandshakeIsThrough() {
    candidates.addFromTrackers(List.of(peer(1), peer(2)));
    candidates.connectMore(0, 0, 2);
    assertThat(dialer.dialed).containsExactly(peer(1));

    dialer.events.get(peer(1)).connected();
    assertThat(candidates.reserved()).as("connected, handshake on its way").isEqualTo(1);
    candidates.connectMore(0, 0, 2);
    assertThat(dialer.dialed).containsExactly(peer(1));

    candidates.handshakeDone(peer(1));
    assertThat(candidates.reserved()).isZero();
    candidates.connectMore(1, 1, 2);
    assertThat(dialer.dialed).as("it is open now, and counts as ours").containsExactly(peer(1));

    dialer.events.get(peer(1)).closed();
    candidates.connectMore(0, 0, 2);
    assertThat(dialer.dialed).containsExactly(peer(1), peer(2));
  }

  @Test
  void anAddressIsNotDialedAgainWhileItsConnectionIsOpenButIsOnceItClosed() {
    candidates.addFromTrackers(List.of(peer(1)));
    candidates.connectMore(0, 0, 10);
    dialer.events.get(peer(1)).connected();

    candidates.addFromTrackers(List.of(peer(1)));
    candidates.connectMore(1, 1, 10);
    assertThat(dialer.dialed).containsExactly(peer(1));

    dialer.events.get(peer(1)).closed();
    candidates.addFromTrackers(List.of(peer(1)));
    candidates.connectMore(0, 0, 10);
    assertThat(dialer.dialed).containsExactly(peer(1), peer(1));
  }

  @Test
  void aFailedDialFreesItsPlace() {
    candidates.addFromTrackers(List.of(peer(1)));
    candidates.connectMore(0, 0, 1);

    dialer.events.get(peer(1)).failed(new java.io.IOException("refused"));

    assertThat(candidates.dialing()).isZero();
  }

  @Test
  void bannedAndOwnAddressesAreNeverDialed() {
    dialer.self = peer(5);
    candidates.ban(peer(4));
    candidates.addFromTrackers(List.of(peer(4), peer(5), peer(6)));

    candidates.connectMore(0, 0, 10);

    assertThat(dialer.dialed).containsExactly(peer(6));
  }

  @Test
  void whenTheHostIsFullTheRestWaitsForTheNextRound() {
    dialer.refuse = true;
    candidates.addFromTrackers(List.of(peer(1), peer(2)));

    candidates.connectMore(0, 0, 10);
    assertThat(dialer.dialed).isEmpty();

    dialer.refuse = false;
    candidates.connectMore(0, 0, 10);
    assertThat(dialer.dialed).as("the refused one is dropped").containsExactly(peer(2));
  }

  @Test
  void clearingTheTrackersAddressesKeepsTheGivenOnes() {
    candidates.addFromTrackers(List.of(peer(1)));
    candidates.addGiven(List.of(peer(2)));

    candidates.clearFromTrackers();
    candidates.connectMore(0, 0, 10);

    assertThat(dialer.dialed).containsExactly(peer(2));
  }

  static final class FakeDialer implements Dialer {
    final List<InetSocketAddress> dialed = new ArrayList<>();
    final Map<InetSocketAddress, Events> events = new HashMap<>();
    InetSocketAddress self;
    boolean refuse;

    @Override
    public boolean isSelf(InetSocketAddress address) {
      return address.equals(self);
    }

    @Override
    public boolean dial(InetSocketAddress address, Events events) {
      if (refuse) {
        return false;
      }
      dialed.add(address);
      this.events.put(address, events);
      return true;
    }
  }
}
