package io.layerswarm.tracker.peerstore;

import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;

/**
 * One live peer as {@link PeerStore#peers} lists it, with the time it stops being live unless it
 * announces again.
 */
public record PeerEntry(Peer peer, Instant expiresAt) {
  /**
   * The order of {@link PeerStore#peers}: seeds first, then by address (IPv4 before IPv6, then the
   * address bytes unsigned, then the port), then by peer id.
   */
  public static final Comparator<PeerEntry> ORDER =
      Comparator.comparing((PeerEntry e) -> !e.peer().complete())
          .thenComparing(e -> e.peer().address().ip().getAddress(), PeerEntry::compareAddress)
          .thenComparingInt(e -> e.peer().address().port())
          .thenComparing(e -> e.peer().id().bytes(), Arrays::compareUnsigned);

  public PeerEntry {
    if (peer == null || expiresAt == null) {
      throw new IllegalArgumentException("peer and expiry are required");
    }
  }

  private static int compareAddress(byte[] a, byte[] b) {
    return a.length != b.length
        ? Integer.compare(a.length, b.length)
        : Arrays.compareUnsigned(a, b);
  }
}
