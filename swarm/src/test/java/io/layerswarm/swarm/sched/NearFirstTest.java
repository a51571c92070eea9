package io.layerswarm.swarm.sched;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.topology.Location.Tier;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fixtures are strings: {@code "1100"} is a peer with pieces 0 and 1 of four; a source is {@code
 * "<tier> <u|c> <pieces>"}, u for a peer that unchoked us, c for one that chokes us.
 */
class NearFirstTest {
  private static BitSet bits(String pieces) {
    BitSet set = new BitSet();
    for (int i = 0; i < pieces.length(); i++) {
      if (pieces.charAt(i) == '1') {
        set.set(i);
      }
    }
    return set;
  }

  private static String string(BitSet set, int length) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < length; i++) {
      s.append(set.get(i) ? '1' : '0');
    }
    return s.toString();
  }

  private static List<NearFirst.Source> sources(String... specs) {
    List<NearFirst.Source> list = new ArrayList<>();
    for (String spec : specs) {
      String[] parts = spec.split(" ");
      list.add(
          new NearFirst.Source(
              Tier.valueOf(parts[0].toUpperCase(java.util.Locale.ROOT)),
              parts[1].equals("u"),
              bits(parts[2])));
    }
    return list;
  }

  private static String requestable(String available, Tier tier, String... others) {
    return string(
        NearFirst.requestable(bits(available), tier, sources(others)), available.length());
  }

  @Test
  void aFarPeerIsNotAskedForWhatAnUnchokingNearerPeerHas() {
    assertThat(requestable("11111111", Tier.OTHER, "rack u 11000000", "zone u 00110000"))
        .isEqualTo("00001111");
    assertThat(requestable("11111111", Tier.ZONE, "rack u 11000000", "zone u 00110000"))
        .isEqualTo("00111111");
  }

  @Test
  void aNearerPeerThatChokesUsHoldsNothingBack() {
    assertThat(requestable("1111", Tier.OTHER, "rack c 1111", "zone c 1100")).isEqualTo("1111");
  }

  @Test
  void peersOfTheSameOrAFartherTierHoldNothingBack() {
    assertThat(requestable("1111", Tier.ZONE, "zone u 1111", "other u 1111")).isEqualTo("1111");
    assertThat(requestable("1111", Tier.OTHER, "other u 1111")).isEqualTo("1111");
  }

  @Test
  void aSameRackPeerIsAskedForEverythingItHas() {
    assertThat(requestable("1010", Tier.RACK, "rack u 1111")).isEqualTo("1010");
  }

  @Test
  void whatNoNearerPeerHasIsStillAskedOfTheFarPeer() {
    assertThat(requestable("0001", Tier.OTHER, "rack u 1110")).isEqualTo("0001");
  }

  @Test
  void nothingHeldBackReturnsTheSameSetWithoutACopy() {
    BitSet available = bits("1111");

    assertThat(NearFirst.requestable(available, Tier.OTHER, sources("other u 1111")))
        .isSameAs(available);
    assertThat(NearFirst.requestable(available, Tier.OTHER, sources("rack u 0000")))
        .isSameAs(available);
    assertThat(available).isEqualTo(bits("1111"));
  }

  @Test
  void theCallersSetsAreNeverChanged() {
    BitSet available = bits("1111");
    List<NearFirst.Source> nearer = sources("rack u 1100");

    assertThat(string(NearFirst.requestable(available, Tier.OTHER, nearer), 4)).isEqualTo("0011");
    assertThat(available).isEqualTo(bits("1111"));
    assertThat(nearer.get(0).pieces()).isEqualTo(bits("1100"));
  }
}
