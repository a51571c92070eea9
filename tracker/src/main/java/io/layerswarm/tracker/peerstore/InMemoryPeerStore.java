package io.layerswarm.tracker.peerstore;

import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.core.metainfo.PeerId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
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
 * <p>Each swarm is guarded by its own lock, held only to copy or change that swarm's map; peer
 * selection runs outside it. A swarm that loses its last peer is dropped, with its download count.
 */
public final class InMemoryPeerStore implements PeerStore {
  private final ConcurrentHashMap<InfoHash, Swarm> swarms = new ConcurrentHashMap<>();
  private final Supplier<Random> random;

  /** Selects with {@link ThreadLocalRandom}. */
  public InMemoryPeerStore() {
    this(ThreadLocalRandom::current);
  }

  /** Selects with the given source, e.g. a seeded {@code Random} in tests. */
  public InMemoryPeerStore(Random random) {
    this(() -> random);
  }

  private InMemoryPeerStore(Supplier<Random> random) {
    this.random = random;
  }

  @Override
  public void announce(
      InfoHash infoHash, Peer peer, AnnounceEvent event, Instant now, Instant expiresAt) {
    // compute() serialises all writers of one swarm, and lets an emptied swarm be dropped
    // atomically with respect to a concurrent upsert.
    swarms.compute(
        infoHash,
        (hash, swarm) -> {
          if (event == AnnounceEvent.STOPPED) {
            if (swarm == null) {
              return null;
            }
            swarm.remove(peer);
            return swarm.isEmpty() ? null : swarm;
          }
          Swarm target = swarm == null ? new Swarm() : swarm;
          target.upsert(peer, event, expiresAt);
          return target;
        });
  }

  @Override
  public List<Peer> select(InfoHash infoHash, Peer asker, int numwant, Instant now) {
    Swarm swarm = swarms.get(infoHash);
    if (swarm == null || numwant <= 0) {
      return List.of();
    }
    return PeerSelector.select(swarm.live(now), asker, numwant, random.get());
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
            return swarm.isEmpty() ? null : swarm;
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

  /** One swarm's peers. All methods lock {@code this}; callers never hold it across calls. */
  private static final class Swarm {
    private final Map<PeerId, Entry> byId = new HashMap<>();
    private final Map<PeerAddress, PeerId> byAddress = new HashMap<>();
    private long downloaded;

    synchronized void upsert(Peer peer, AnnounceEvent event, Instant expiresAt) {
      Entry previous = byId.get(peer.id());
      if (previous != null && !previous.peer.address().equals(peer.address())) {
        byAddress.remove(previous.peer.address());
      }
      PeerId squatter = byAddress.get(peer.address());
      if (squatter != null && !squatter.equals(peer.id())) {
        byId.remove(squatter);
      }
      byId.put(peer.id(), new Entry(peer, expiresAt));
      byAddress.put(peer.address(), peer.id());
      if (event == AnnounceEvent.COMPLETED && (previous == null || !previous.peer.complete())) {
        downloaded++;
      }
    }

    synchronized void remove(Peer peer) {
      Entry entry = byId.remove(peer.id());
      if (entry != null) {
        byAddress.remove(entry.peer.address());
      }
    }

    synchronized List<Peer> live(Instant now) {
      List<Peer> live = new ArrayList<>(byId.size());
      for (Entry entry : byId.values()) {
        if (entry.isLive(now)) {
          live.add(entry.peer);
        }
      }
      return live;
    }

    synchronized List<PeerEntry> entries(Instant now) {
      List<PeerEntry> live = new ArrayList<>(byId.size());
      for (Entry entry : byId.values()) {
        if (entry.isLive(now)) {
          live.add(new PeerEntry(entry.peer, entry.expiresAt));
        }
      }
      return live;
    }

    synchronized SwarmCounts counts(Instant now) {
      int complete = 0;
      int incomplete = 0;
      for (Entry entry : byId.values()) {
        if (entry.isLive(now)) {
          if (entry.peer.complete()) {
            complete++;
          } else {
            incomplete++;
          }
        }
      }
      return new SwarmCounts(complete, incomplete, downloaded);
    }

    synchronized int removeExpired(Instant now) {
      int removed = 0;
      for (Iterator<Entry> it = byId.values().iterator(); it.hasNext(); ) {
        Entry entry = it.next();
        if (!entry.isLive(now)) {
          it.remove();
          byAddress.remove(entry.peer.address());
          removed++;
        }
      }
      return removed;
    }

    synchronized boolean isEmpty() {
      return byId.isEmpty();
    }
  }

  private record Entry(Peer peer, Instant expiresAt) {
    boolean isLive(Instant now) {
      return now.isBefore(expiresAt);
    }
  }
}
