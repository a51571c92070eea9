package io.layerswarm.core.ring;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.Digest;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What a ring change moves, measured over 10,000 digests: when a seeder joins n others, a digest
 * changes owners only if the new one is among its R owners (expected R/(n+1) of the digests), and
 * then exactly one owner is replaced by it; when one of n leaves, only its digests change (R/n),
 * each keeping its other owners and taking exactly one. The figures are in docs/decisions.md (28).
 */
class RingChangeMovesTest {
  private static final int DIGESTS = 10_000;

  private static List<URI> seeders(int n) {
    List<URI> members = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      members.add(URI.create("http://10.0.1." + i + ":6970"));
    }
    return members;
  }

  private static List<Digest> digests() {
    List<Digest> digests = new ArrayList<>(DIGESTS);
    for (int i = 0; i < DIGESTS; i++) {
      digests.add(Digest.sha256(("layer-" + i).getBytes()));
    }
    return digests;
  }

  @Test
  void aJoinMovesAboutROverNPlusOneOfTheDigestsEachToTheNewSeederOnly() {
    List<Digest> digests = digests();
    for (int r = 1; r <= 2; r++) {
      for (int n = 2; n <= 8; n++) {
        List<URI> before = seeders(n);
        List<URI> after = seeders(n + 1);
        URI joined = after.get(n);
        SeederRing old = SeederRing.of(before, r);
        SeederRing now = SeederRing.of(after, r);
        int moved = 0;
        for (Digest digest : digests) {
          Set<URI> was = new HashSet<>(old.owners(digest));
          Set<URI> is = new HashSet<>(now.owners(digest));
          if (!was.equals(is)) {
            moved++;
            assertThat(is).contains(joined);
            Set<URI> kept = new HashSet<>(is);
            kept.remove(joined);
            assertThat(was).as("only one owner is replaced").containsAll(kept);
          }
        }
        double share = moved / (double) DIGESTS;
        double expected = r / (double) (n + 1);
        System.out.printf(
            "join R=%d n=%d->%d: %.4f of the digests change owners (expected %.4f)%n",
            r, n, n + 1, share, expected);
        assertThat(share).isBetween(expected - 0.02, expected + 0.02);
      }
    }
  }

  @Test
  void aLeaveMovesOnlyTheLeaversDigestsAboutROverN() {
    List<Digest> digests = digests();
    for (int r = 1; r <= 2; r++) {
      for (int n = 3; n <= 9; n++) {
        List<URI> before = seeders(n);
        URI left = before.get(n / 2);
        List<URI> after = new ArrayList<>(before);
        after.remove(left);
        SeederRing old = SeederRing.of(before, r);
        SeederRing now = SeederRing.of(after, r);
        int moved = 0;
        for (Digest digest : digests) {
          List<URI> was = old.owners(digest);
          Set<URI> is = new HashSet<>(now.owners(digest));
          if (!was.contains(left)) {
            assertThat(is)
                .as("a digest the leaver did not own keeps its owners")
                .isEqualTo(new HashSet<>(was));
            continue;
          }
          moved++;
          Set<URI> kept = new HashSet<>(was);
          kept.remove(left);
          assertThat(is).containsAll(kept).hasSize(kept.size() + 1);
        }
        double share = moved / (double) DIGESTS;
        double expected = r / (double) n;
        System.out.printf(
            "leave R=%d n=%d->%d: %.4f of the digests change owners (expected %.4f)%n",
            r, n, n - 1, share, expected);
        assertThat(share).isBetween(expected - 0.02, expected + 0.02);
      }
    }
  }
}
