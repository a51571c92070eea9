package io.layerswarm.agent.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.registry.store.HashedPrefix;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The prefix hash of a download, fed the way streams feed it: pieces verified in a random order,
 * readers that take what is verified in order in chunks of any size, from the start or from a
 * range's offset. Whatever the order, going on from the prefix over the rest gives the one-shot
 * sha256 of the blob, and the prefix reaches at least as far as the furthest reader from the start.
 */
class PrefixHasherTest {
  private static byte[] sha256(byte[] bytes) {
    return HashedPrefix.newSha256().digest(bytes);
  }

  /** The verdict the store reaches: the prefix's state, then the bytes after it. */
  private static byte[] resumed(HashedPrefix prefix, byte[] content) {
    MessageDigest sha256 = prefix.resume();
    int from = (int) prefix.length();
    sha256.update(content, from, content.length - from);
    return sha256.digest();
  }

  /** A reader of the verified in-order bytes from {@code position}, as a TorrentSource feeds. */
  private static final class Reader {
    long position;

    Reader(long position) {
      this.position = position;
    }

    /** Reads chunks of at most {@code chunk} bytes up to {@code end}, or stops early (lags). */
    void readUpTo(long end, int chunk, byte[] content, PrefixHasher hasher, Random random) {
      while (position < end && random.nextInt(4) != 0) {
        int n = (int) Math.min(1 + random.nextInt(chunk), end - position);
        byte[] buffer = new byte[n + 8];
        System.arraycopy(content, (int) position, buffer, 4, n);
        hasher.offer(position, buffer, 4, n);
        position += n;
      }
    }
  }

  @Property(tries = 300)
  void anyArrivalOrderAndReadPatternGivesTheOneShotSha256(
      @ForAll @IntRange(min = 1, max = 40_000) int size,
      @ForAll @IntRange(min = 1, max = 4_096) int pieceLength,
      @ForAll @IntRange(min = 1, max = 9_000) int chunk,
      @ForAll @IntRange(min = 0, max = 3) int readersFromStart,
      @ForAll long seed) {
    Random random = new Random(seed);
    byte[] content = new byte[size];
    random.nextBytes(content);
    int pieces = (size + pieceLength - 1) / pieceLength;
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < pieces; i++) {
      order.add(i);
    }
    Collections.shuffle(order, random);
    List<Reader> readers = new ArrayList<>();
    for (int i = 0; i < readersFromStart; i++) {
      readers.add(new Reader(0));
    }
    readers.add(new Reader(random.nextInt(size))); // a range request
    PrefixHasher hasher = new PrefixHasher();
    BitSet verified = new BitSet(pieces);
    // The last piece may complete the download before any reader sees it: the adopt comes first.
    int arrivals = random.nextBoolean() ? pieces : pieces - 1;
    for (int i = 0; i < arrivals; i++) {
      verified.set(order.get(i));
      for (Reader reader : readers) {
        // As the engine's stream: the verified run that starts at the reader's piece.
        int next = verified.nextClearBit((int) (reader.position / pieceLength));
        long end = next >= pieces ? size : (long) next * pieceLength;
        reader.readUpTo(end, chunk, content, hasher, random);
      }
    }
    long furthestFromStart =
        readers.subList(0, readersFromStart).stream().mapToLong(r -> r.position).max().orElse(0);
    long furthest = readers.stream().mapToLong(r -> r.position).max().orElse(0);

    HashedPrefix prefix = hasher.finish();

    // A range reader's bytes count too where they continue the prefix.
    assertThat(prefix.length()).isBetween(furthestFromStart, furthest);
    assertThat(resumed(prefix, content)).isEqualTo(sha256(content));
  }

  @Test
  void bytesBeyondTheHashedPrefixOrAlreadyHashedAreNotHashedAgain() {
    byte[] content = new byte[100];
    new Random(1).nextBytes(content);
    PrefixHasher hasher = new PrefixHasher();

    hasher.offer(10, content, 10, 20); // a gap: nothing
    hasher.offer(0, content, 0, 30);
    hasher.offer(0, content, 0, 30); // again: nothing
    hasher.offer(20, content, 20, 30); // overlaps: only 30..50
    assertThat(hasher.hashed()).isEqualTo(50);

    assertThat(resumed(hasher.finish(), content)).isEqualTo(sha256(content));
  }

  @Test
  void aDiscardedOrFinishedHasherIgnoresLaterBytes() {
    byte[] content = new byte[64];
    PrefixHasher discarded = new PrefixHasher();
    discarded.offer(0, content, 0, 16);
    discarded.discard();
    discarded.offer(16, content, 16, 16);
    assertThat(discarded.hashed()).isEqualTo(16);

    PrefixHasher finished = new PrefixHasher();
    finished.offer(0, content, 0, 16);
    HashedPrefix prefix = finished.finish();
    finished.offer(16, content, 16, 16);
    assertThat(finished.hashed()).isEqualTo(16);
    assertThat(prefix.length()).isEqualTo(16);
    assertThat(resumed(prefix, content)).isEqualTo(sha256(content));
  }
}
