package io.layerswarm.tracker.peerstore;

import io.layerswarm.core.KeyedLimiter;
import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.core.metainfo.PeerId;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * A {@link PeerStore} in this JVM's heap: the default for one tracker replica and for the
 * all-in-one mode. Nothing survives a restart; peers come back with their next announce.
 *
 * <p>Each swarm maps peer addresses to entries and is guarded by its own lock, held only to copy or
 * change that swarm; peer selection runs outside it. While no entry of a swarm can have expired,
 * its counts are kept as entries come and go and its selection draws a bounded sample, so an
 * announce does not walk the swarm. A swarm that loses its last peer is dropped, with its download
 * count. {@link PeerLimits} bound what it holds: the swarms, the entries, the entries per swarm and
 * per IP address are counted as they come and go (expired entries until the sweep removes them),
 * and an announce that would pass a limit changes nothing.
 */
public final class InMemoryPeerStore implements PeerStore {
  /**
   * The most peers one selection looks at ({@link PeerSelector#sampleSize}), as in the Redis store:
   * a larger swarm offers a uniform random sample, half seeds and half leechers when both have
   * enough, so an announce costs the same in a swarm of 500 and of 20,000 (copying and ranking
   * every peer of a 10,000-peer swarm was most of the tracker's CPU; docs/decisions.md 24).
   */
  static final int CANDIDATE_CAP = 500;

  private final ConcurrentHashMap<InfoHash, Swarm> swarms = new ConcurrentHashMap<>();
  private final Supplier<Random> random;
  private final PeerLimits limits;
  private final Usage usage;

  /** Selects with {@link ThreadLocalRandom}, within {@link PeerLimits#DEFAULTS}. */
  public InMemoryPeerStore() {
    this(PeerLimits.DEFAULTS);
  }

  /** Selects with {@link ThreadLocalRandom}, within {@code limits}. */
  public InMemoryPeerStore(PeerLimits limits) {
    this(ThreadLocalRandom::current, limits);
  }

  /** Selects with the given source, e.g. a seeded {@code Random} in tests. */
  public InMemoryPeerStore(Random random) {
    this(random, PeerLimits.DEFAULTS);
  }

  public InMemoryPeerStore(Random random, PeerLimits limits) {
    this(() -> random, limits);
  }

  private InMemoryPeerStore(Supplier<Random> random, PeerLimits limits) {
    this.random = random;
    this.limits = limits;
    this.usage = new Usage(limits);
  }

  @Override
  public void announce(
      InfoHash infoHash, Peer peer, AnnounceEvent event, Instant now, Instant expiresAt)
      throws PeerStoreFullException {
    PeerLimits.Limit[] refused = {null};
    // compute() serialises all writers of one swarm, and lets an emptied swarm be dropped
    // atomically with respect to a concurrent upsert.
    swarms.compute(
        infoHash,
        (hash, swarm) -> {
          if (event == AnnounceEvent.STOPPED) {
            if (swarm == null) {
              return null;
            }
            swarm.remove(peer.address());
            return dropIfEmpty(swarm);
          }
          Swarm target = swarm == null ? new Swarm(usage) : swarm;
          if (!target.contains(peer.address())) {
            refused[0] = admit(target, swarm == null, peer.address(), now);
            if (refused[0] != null) {
              // admit may have swept the swarm's expired entries, and left it empty.
              return swarm == null ? null : dropIfEmpty(swarm);
            }
          }
          target.upsert(peer, event, expiresAt);
          return target;
        });
    if (refused[0] != null) {
      throw refused[0].exceeded(limits);
    }
  }

  /**
   * Reserves room for a new entry at {@code address}: a swarm if {@code created}, then one entry of
   * the swarm, of the store and of the address; returns the limit met (with every reservation given
   * back), or null. Runs inside the swarm's {@code compute}.
   */
  private PeerLimits.Limit admit(Swarm swarm, boolean created, PeerAddress address, Instant now) {
    if (created && !usage.reserveSwarm()) {
      return PeerLimits.Limit.SWARMS;
    }
    if (swarm.size() >= limits.maxPeersPerSwarm()) {
      swarm.removeExpired(now);
    }
    PeerLimits.Limit limit =
        swarm.size() >= limits.maxPeersPerSwarm()
            ? PeerLimits.Limit.PEERS_PER_SWARM
            : usage.reservePeer(address.ip());
    if (limit != null && created) {
      usage.releaseSwarm();
    }
    return limit;
  }

  /** Null (the swarm leaves the map, its count given back) when it has no entry left. */
  private Swarm dropIfEmpty(Swarm swarm) {
    if (swarm.isEmpty()) {
      usage.releaseSwarm();
      return null;
    }
    return swarm;
  }

  @Override
  public List<Peer> select(InfoHash infoHash, Peer asker, int numwant, Instant now) {
    Swarm swarm = swarms.get(infoHash);
    if (swarm == null || numwant <= 0) {
      return List.of();
    }
    Random r = random.get();
    return PeerSelector.select(
        swarm.candidates(now, PeerSelector.sampleSize(numwant, CANDIDATE_CAP), r),
        asker,
        numwant,
        r);
  }

  @Override
  public SwarmCounts counts(InfoHash infoHash, Instant now) {
    Swarm swarm = swarms.get(infoHash);
    return swarm == null ? SwarmCounts.EMPTY : swarm.counts(now);
  }

  @Override
  public int sweep(Instant now) {
    int[] removed = {0};
    for (InfoHash infoHash : swarms.keySet()) {
      swarms.computeIfPresent(
          infoHash,
          (hash, swarm) -> {
            removed[0] += swarm.removeExpired(now);
            return dropIfEmpty(swarm);
          });
    }
    return removed[0];
  }

  @Override
  public StoreStats stats(Instant now) {
    int liveSwarms = 0;
    int livePeers = 0;
    for (Swarm swarm : swarms.values()) {
      SwarmCounts counts = swarm.counts(now);
      int peers = counts.complete() + counts.incomplete();
      if (peers > 0) {
        liveSwarms++;
        livePeers += peers;
      }
    }
    return new StoreStats(liveSwarms, livePeers);
  }

  @Override
  public List<SwarmSummary> swarms(Instant now) {
    List<SwarmSummary> live = new ArrayList<>();
    swarms.forEach(
        (infoHash, swarm) -> {
          SwarmCounts counts = swarm.counts(now);
          if (counts.complete() + counts.incomplete() > 0) {
            live.add(new SwarmSummary(infoHash, counts));
          }
        });
    return live;
  }

  @Override
  public List<PeerEntry> peers(InfoHash infoHash, Instant now, int limit) {
    Swarm swarm = swarms.get(infoHash);
    if (swarm == null || limit <= 0) {
      return List.of();
    }
    List<PeerEntry> entries = swarm.entries(now);
    entries.sort(PeerEntry.ORDER);
    return entries.size() <= limit ? entries : List.copyOf(entries.subList(0, limit));
  }

  /**
   * What the store holds, as {@link PeerLimits} counts it: swarms, and entries in all and per IP
   * address. Thread-safe; reservations are atomic, so concurrent announces never pass a limit
   * together.
   */
  /** As the tracker's start line names its store. */
  @Override
  public String toString() {
    return "in-memory";
  }

  private static final class Usage {
    private final KeyedLimiter<Void> swarms;
    private final KeyedLimiter<InetAddress> peers;

    Usage(PeerLimits limits) {
      this.swarms = new KeyedLimiter<>(limits.maxSwarms(), 1);
      this.peers = new KeyedLimiter<>(limits.maxPeers(), limits.maxPeersPerAddress());
    }

    boolean reserveSwarm() {
      return swarms.acquireTotal();
    }

    void releaseSwarm() {
      swarms.releaseTotal();
    }

    /** One entry of the store and of {@code ip}; the limit met (nothing reserved), or null. */
    PeerLimits.Limit reservePeer(InetAddress ip) {
      KeyedLimiter.Refusal refusal = peers.acquire(ip);
      if (refusal == null) {
        return null;
      }
      return refusal == KeyedLimiter.Refusal.TOTAL
          ? PeerLimits.Limit.PEERS
          : PeerLimits.Limit.PEERS_PER_ADDRESS;
    }

    void releasePeer(InetAddress ip) {
      peers.release(ip);
    }
  }

  /** A peer id at an ip: the same process when it announces again from another port. */
  private record IdAtIp(InetAddress ip, PeerId id) {}

  /**
   * One swarm's peers, keyed by address. All methods lock {@code this}; callers never hold it
   * across calls. Every entry it holds is counted in {@link Usage}, and given back when removed.
   *
   * <p>Seeds and leechers are also kept in two lists (each entry knows its index, removal swaps the
   * last one in), so a sample is drawn without walking the swarm. {@code noneExpiredBefore} is a
   * lower bound of every entry's expiry: before it, every entry is live, the counts are the list
   * sizes and any entry may be drawn. Past it, the swarm is walked, as before, until a walk finds
   * the bound again.
   */
  private static final class Swarm {
    private final Map<PeerAddress, Entry> byAddress = new HashMap<>();
    private final Map<IdAtIp, PeerAddress> byId = new HashMap<>();
    private final List<Entry> seeds = new ArrayList<>();
    private final List<Entry> leechers = new ArrayList<>();
    private final Usage usage;
    private Instant noneExpiredBefore = Instant.MAX;
    private long downloaded;

    Swarm(Usage usage) {
      this.usage = usage;
    }

    synchronized boolean contains(PeerAddress address) {
      return byAddress.containsKey(address);
    }

    synchronized int size() {
      return byAddress.size();
    }

    /** Inserts or replaces the entry at the peer's address, which the caller has room for. */
    synchronized void upsert(Peer peer, AnnounceEvent event, Instant expiresAt) {
      PeerAddress address = peer.address();
      IdAtIp key = new IdAtIp(address.ip(), peer.id());
      Entry previous = byAddress.get(address);
      boolean wasSeed = previous != null && previous.peer.id().equals(peer.id()) && previous.seed();
      PeerAddress before = byId.get(key);
      if (before != null && !before.equals(address)) {
        // The same process at the same ip, now on another port: it moved.
        Entry moved = remove(before);
        wasSeed |= moved != null && moved.seed();
      }
      if (previous != null && !previous.peer.id().equals(peer.id())) {
        byId.remove(new IdAtIp(address.ip(), previous.peer.id()), address);
      }
      Entry entry = new Entry(peer, expiresAt);
      if (previous == null) {
        add(entry);
      } else if (previous.seed() == entry.seed()) {
        List<Entry> list = listOf(previous);
        entry.index = previous.index;
        list.set(entry.index, entry);
      } else {
        unlist(previous);
        add(entry);
      }
      byAddress.put(address, entry);
      byId.put(key, address);
      if (expiresAt.isBefore(noneExpiredBefore)) {
        noneExpiredBefore = expiresAt;
      }
      if (event == AnnounceEvent.COMPLETED && !wasSeed) {
        downloaded++;
      }
    }

    private List<Entry> listOf(Entry entry) {
      return entry.seed() ? seeds : leechers;
    }

    private void add(Entry entry) {
      List<Entry> list = listOf(entry);
      entry.index = list.size();
      list.add(entry);
    }

    private void unlist(Entry entry) {
      List<Entry> list = listOf(entry);
      Entry last = list.remove(list.size() - 1);
      if (last != entry) {
        last.index = entry.index;
        list.set(entry.index, last);
      }
    }

    /** Removes the entry at {@code address}, if any, and gives its count back. */
    synchronized Entry remove(PeerAddress address) {
      Entry entry = byAddress.remove(address);
      if (entry != null) {
        unlist(entry);
        byId.remove(new IdAtIp(address.ip(), entry.peer.id()), address);
        usage.releasePeer(address.ip());
      }
      return entry;
    }

    private boolean allLive(Instant now) {
      return now.isBefore(noneExpiredBefore);
    }

    /** After a walk: the earliest expiry of any entry, live or not. */
    private void rebound() {
      Instant earliest = Instant.MAX;
      for (Entry entry : byAddress.values()) {
        if (entry.expiresAt.isBefore(earliest)) {
          earliest = entry.expiresAt;
        }
      }
      noneExpiredBefore = earliest;
    }

    /**
     * The live peers, or a uniform sample of at most {@code cap} of them: half seeds and half
     * leechers when both have enough, else as many of the scarcer kind as there are.
     */
    synchronized List<Peer> candidates(Instant now, int cap, Random random) {
      if (byAddress.size() <= cap || !allLive(now)) {
        return live(now);
      }
      int wantSeeds = Math.min(seeds.size(), Math.max((cap + 1) / 2, cap - leechers.size()));
      int wantLeechers = Math.min(leechers.size(), cap - wantSeeds);
      List<Peer> out = new ArrayList<>(wantSeeds + wantLeechers);
      sample(seeds, wantSeeds, random, out);
      sample(leechers, wantLeechers, random, out);
      return out;
    }

    /**
     * {@code count} distinct entries of {@code list} at random: a partial Fisher-Yates shuffle of
     * the list itself (its order means nothing), {@code count} swaps whatever its size.
     */
    private static void sample(List<Entry> list, int count, Random random, List<Peer> out) {
      int n = list.size();
      for (int i = 0; i < count; i++) {
        int j = i + random.nextInt(n - i);
        Entry picked = list.get(j);
        if (j != i) {
          Entry other = list.get(i);
          other.index = j;
          list.set(j, other);
          picked.index = i;
          list.set(i, picked);
        }
        out.add(picked.peer);
      }
    }

    synchronized List<Peer> live(Instant now) {
      List<Peer> live = new ArrayList<>(byAddress.size());
      for (Entry entry : byAddress.values()) {
        if (entry.isLive(now)) {
          live.add(entry.peer);
        }
      }
      return live;
    }

    synchronized List<PeerEntry> entries(Instant now) {
      List<PeerEntry> live = new ArrayList<>(byAddress.size());
      for (Entry entry : byAddress.values()) {
        if (entry.isLive(now)) {
          live.add(new PeerEntry(entry.peer, entry.expiresAt));
        }
      }
      return live;
    }

    synchronized SwarmCounts counts(Instant now) {
      if (allLive(now)) {
        return new SwarmCounts(seeds.size(), leechers.size(), downloaded);
      }
      int complete = 0;
      int incomplete = 0;
      for (Entry entry : byAddress.values()) {
        if (entry.isLive(now)) {
          if (entry.seed()) {
            complete++;
          } else {
            incomplete++;
          }
        }
      }
      rebound();
      return new SwarmCounts(complete, incomplete, downloaded);
    }

    synchronized int removeExpired(Instant now) {
      List<PeerAddress> expired = new ArrayList<>();
      for (Map.Entry<PeerAddress, Entry> entry : byAddress.entrySet()) {
        if (!entry.getValue().isLive(now)) {
          expired.add(entry.getKey());
        }
      }
      expired.forEach(this::remove);
      rebound();
      return expired.size();
    }

    synchronized boolean isEmpty() {
      return byAddress.isEmpty();
    }
  }

  /** A peer and its expiry; {@code index} is its place in its swarm's seed or leecher list. */
  private static final class Entry {
    final Peer peer;
    final Instant expiresAt;
    int index;

    Entry(Peer peer, Instant expiresAt) {
      this.peer = peer;
      this.expiresAt = expiresAt;
    }

    boolean isLive(Instant now) {
      return now.isBefore(expiresAt);
    }

    boolean seed() {
      return peer.complete();
    }
  }
}
