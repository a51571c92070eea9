package io.layerswarm.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class TrafficLedgerTest {
  private final TrafficLedger ledger = new TrafficLedger();

  @Test
  void theTotalIsTheLiveCountersOfTheOpenTorrents() {
    AtomicReference<Traffic> a = new AtomicReference<>(new Traffic(1, 10, 0));
    ledger.opened("a", a::get);
    ledger.opened("b", () -> new Traffic(2, 20, 3));

    a.set(new Traffic(5, 50, 1));

    assertThat(ledger.total()).isEqualTo(new Traffic(7, 70, 4));
  }

  @Test
  void aClosedTorrentKeepsItsFinalCountsOnceAndStopsBeingRead() {
    AtomicReference<Traffic> download = new AtomicReference<>(new Traffic(0, 100, 7));
    Object first = new Object();
    ledger.opened(first, download::get);
    ledger.closed(first);
    download.set(new Traffic(0, 999, 999)); // no longer read

    // A new torrent for the same blob counts from 0, beside the closed one.
    Object second = new Object();
    ledger.opened(second, () -> new Traffic(40, 0, 0));
    ledger.closed(first);

    assertThat(ledger.total()).isEqualTo(new Traffic(40, 100, 7));
  }

  @Test
  void nothingOpenedIsZero() {
    assertThat(ledger.total()).isEqualTo(Traffic.ZERO);
  }
}
