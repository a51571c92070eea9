package io.layerswarm.tracker.peerstore;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Chooses which peers an announcing peer gets. A pure function of its arguments: no clock, no
 * state, randomness only from the {@link Random} passed in.
 *
 * <p>The policy:
 *
 * <ul>
 *   <li>The asker itself is never returned, neither by peer id nor by ip:port.
 *   <li>Nearer peers come first: same rack (within the same zone, when the asker names one), then
 *       same zone, then the rest. An asker without topology sees all peers as equally near.
 *   <li>A seed gets leechers first, and seeds only to fill what is left: seeds have nothing to give
 *       each other.
 *   <li>A leecher gets seeds and leechers mixed at random within each distance tier. When the
 *       answer is full but holds no seed although one exists, the last (least preferred) pick is
 *       swapped for the nearest seed, so every leecher can reach the complete data.
 *   <li>Within a tier the subset is uniform at random, so with thousands of peers every peer is
 *       handed out about equally often. Cost is O(candidates + numwant).
 * </ul>
 */
public final class PeerSelector {
  private static final int TIERS = 3;

  private PeerSelector() {}

  /**
   * How many candidates a store draws for one selection from a swarm larger than that: four times
   * numwant (200 for our agents' 50), enough for the tiers and the seed/leecher mix to matter,
   * never more than {@code cap}, never fewer than numwant + 1 (the asker may be among them).
   * Drawing and ranking more cost CPU in proportion (and, with Redis, bytes over its connection)
   * for no better answer (docs/decisions.md 24).
   */
  public static int sampleSize(int numwant, int cap) {
    return Math.max(numwant + 1, Math.min(cap, 4 * numwant));
  }

  /** Returns at most {@code numwant} distinct candidates, best first. */
  public static List<Peer> select(
      Collection<Peer> candidates, Peer asker, int numwant, Random random) {
    if (numwant <= 0 || candidates.isEmpty()) {
      return List.of();
    }
    // Buckets in preference order: for a seed, leechers by tier then seeds by tier; for a
    // leecher, one bucket per tier holding seeds and leechers alike. Sized in a first pass: growing
    // them was a good part of an announce's CPU.
    int[] sizes = new int[2 * TIERS];
    byte[] bucketOf = new byte[candidates.size()];
    int n = 0;
    for (Peer candidate : candidates) {
      int b = bucket(candidate, asker);
      bucketOf[n++] = (byte) b;
      if (b >= 0) {
        sizes[b]++;
      }
    }
    List<List<Peer>> buckets = new ArrayList<>(2 * TIERS);
    for (int i = 0; i < 2 * TIERS; i++) {
      buckets.add(new ArrayList<>(sizes[i]));
    }
    n = 0;
    for (Peer candidate : candidates) {
      int b = bucketOf[n++];
      if (b >= 0) {
        buckets.get(b).add(candidate);
      }
    }

    List<Peer> chosen = new ArrayList<>(Math.min(numwant, candidates.size()));
    for (List<Peer> bucket : buckets) {
      int wanted = numwant - chosen.size();
      if (wanted == 0) {
        break;
      }
      takeRandom(bucket, Math.min(wanted, bucket.size()), random, chosen);
    }

    if (!asker.complete()
        && chosen.size() == numwant
        && chosen.stream().noneMatch(Peer::complete)) {
      nearestSeed(buckets, random).ifPresent(seed -> chosen.set(chosen.size() - 1, seed));
    }
    return chosen;
  }

  /** The candidate's bucket for this asker, or -1 for the asker itself. */
  private static int bucket(Peer candidate, Peer asker) {
    if (candidate.id().equals(asker.id()) || candidate.address().equals(asker.address())) {
      return -1;
    }
    int role = asker.complete() && candidate.complete() ? 1 : 0;
    return role * TIERS + tier(asker.topology(), candidate.topology());
  }

  /** 0: same rack; 1: same zone; 2: anywhere else, or nothing known. */
  static int tier(Topology asker, Topology candidate) {
    boolean sameZone = asker.zone().isPresent() && asker.zone().equals(candidate.zone());
    boolean sameRack =
        asker.rack().isPresent()
            && asker.rack().equals(candidate.rack())
            && (asker.zone().isEmpty() || sameZone);
    return sameRack ? 0 : sameZone ? 1 : 2;
  }

  /**
   * Moves {@code count} random elements of {@code bucket} to {@code out} (a partial Fisher-Yates
   * shuffle: only {@code count} swaps, whatever the bucket's size).
   */
  private static void takeRandom(List<Peer> bucket, int count, Random random, List<Peer> out) {
    int size = bucket.size();
    for (int i = 0; i < count; i++) {
      int j = i + random.nextInt(size - i);
      Peer picked = bucket.get(j);
      bucket.set(j, bucket.get(i));
      bucket.set(i, picked);
      out.add(picked);
    }
    // Keep the unpicked ones after the picked ones, where nearestSeed looks for seeds.
    bucket.subList(0, count).clear();
  }

  /** A random seed from the nearest tier that has one, among the candidates not yet chosen. */
  private static Optional<Peer> nearestSeed(List<List<Peer>> buckets, Random random) {
    for (List<Peer> bucket : buckets) {
      List<Peer> seeds = bucket.stream().filter(Peer::complete).toList();
      if (!seeds.isEmpty()) {
        return Optional.of(seeds.get(random.nextInt(seeds.size())));
      }
    }
    return Optional.empty();
  }
}
