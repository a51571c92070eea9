package io.layerswarm.tracker.peerstore;

/**
 * How much a {@link PeerStore} holds at most, so that what clients announce can never grow the
 * tracker's memory (or Redis's) without bound. A peer that is already listed may always announce
 * again and stop; only a new entry can meet a limit, and then the announce is refused with {@link
 * PeerStoreFullException}, which names the limit's config key. Entries that expired but were not
 * swept yet count until the sweep (at most one announce interval).
 *
 * @param maxSwarms swarms (info hashes) with at least one entry ({@code tracker.max-swarms})
 * @param maxPeers entries in all swarms together ({@code tracker.max-peers})
 * @param maxPeersPerSwarm entries in one swarm ({@code tracker.max-peers-per-swarm})
 * @param maxPeersPerAddress entries of one IP address, all ports and swarms together ({@code
 *     tracker.max-peers-per-address}): a host that seeds many blobs has one entry per blob
 */
public record PeerLimits(
    int maxSwarms, int maxPeers, int maxPeersPerSwarm, int maxPeersPerAddress) {
  /**
   * 100,000 swarms; 500,000 peers, about 180 MiB of heap in the in-memory store (375 bytes each,
   * measured; docs/decisions.md), within the packaged tracker's 512 MiB; 20,000 per swarm; 50,000
   * per address.
   */
  public static final PeerLimits DEFAULTS = new PeerLimits(100_000, 500_000, 20_000, 50_000);

  public PeerLimits {
    requirePositive("tracker.max-swarms", maxSwarms);
    requirePositive("tracker.max-peers", maxPeers);
    requirePositive("tracker.max-peers-per-swarm", maxPeersPerSwarm);
    requirePositive("tracker.max-peers-per-address", maxPeersPerAddress);
  }

  private static void requirePositive(String key, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(key + " must be >= 1, got " + value);
    }
  }

  /** Which limit an announce met. */
  public enum Limit {
    SWARMS("tracker.max-swarms", "swarms"),
    PEERS("tracker.max-peers", "peers in all swarms"),
    PEERS_PER_SWARM("tracker.max-peers-per-swarm", "peers in this swarm"),
    PEERS_PER_ADDRESS("tracker.max-peers-per-address", "peers of this address");

    private final String key;
    private final String what;

    Limit(String key, String what) {
      this.key = key;
      this.what = what;
    }

    /** The config key that sets it. */
    public String key() {
      return key;
    }

    /** This limit's value in {@code limits}. */
    public int of(PeerLimits limits) {
      return switch (this) {
        case SWARMS -> limits.maxSwarms();
        case PEERS -> limits.maxPeers();
        case PEERS_PER_SWARM -> limits.maxPeersPerSwarm();
        case PEERS_PER_ADDRESS -> limits.maxPeersPerAddress();
      };
    }

    /**
     * The refusal: {@code tracker full: 20000 peers in this swarm (tracker.max-peers-per-swarm)}.
     */
    public PeerStoreFullException exceeded(PeerLimits limits) {
      return new PeerStoreFullException(
          this, "tracker full: " + of(limits) + " " + what + " (" + key + ")");
    }

    /** The name the Redis scripts use. */
    String scriptName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
