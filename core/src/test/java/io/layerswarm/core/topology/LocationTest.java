package io.layerswarm.core.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.core.topology.Location.Tier;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LocationTest {
  @Test
  void labelsOfLettersDigitsDotsDashesAndUnderscoresUpTo64CharactersAreAccepted() {
    Location l = Location.of("eu-west-1a", "r_12." + "x".repeat(59));
    assertThat(l.zone()).contains("eu-west-1a");
    assertThat(l.rack().orElseThrow()).hasSize(64);
  }

  @Test
  void aMalformedLabelIsRejectedWithOneLineNamingIt() {
    assertThatThrownBy(() -> Location.of("eu west", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("zone must be 1..64 characters");
    assertThatThrownBy(() -> Location.of(null, "x".repeat(65)))
        .hasMessageStartingWith("rack must be");
    assertThatThrownBy(() -> Location.of(null, "")).hasMessageStartingWith("rack must be");
    assertThatThrownBy(() -> Location.checkLabel("agent.rack", Optional.of("a|b\nc")))
        .hasMessage("agent.rack must be 1..64 characters of A-Z a-z 0-9 . _ -, got 'a|b?c'")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void announceParamsHoldOnlyTheKnownLabels() {
    assertThat(Location.UNKNOWN.announceParams()).isEmpty();
    assertThat(Location.of("z1", null).announceParams()).isEqualTo(Map.of("zone", "z1"));
    assertThat(Location.of("z1", "r1").announceParams())
        .isEqualTo(Map.of("zone", "z1", "rack", "r1"));
  }

  @Test
  void aPeerInTheSameRackAndZoneIsRackTierThenSameZoneThenOther() {
    Location me = Location.of("z1", "r1");
    assertThat(me.tierOf(Location.of("z1", "r1"))).isEqualTo(Tier.RACK);
    assertThat(me.tierOf(Location.of("z1", "r2"))).isEqualTo(Tier.ZONE);
    assertThat(me.tierOf(Location.of("z2", "r1"))).isEqualTo(Tier.OTHER);
    assertThat(me.tierOf(Location.UNKNOWN)).isEqualTo(Tier.OTHER);
  }

  @Test
  void aRackNameCountsAcrossZonesOnlyWhenTheAskerNamesNoZone() {
    assertThat(Location.of(null, "r1").tierOf(Location.of("z9", "r1"))).isEqualTo(Tier.RACK);
    assertThat(Location.of("z1", "r1").tierOf(Location.of(null, "r1"))).isEqualTo(Tier.OTHER);
  }

  @Test
  void anUnknownLocationSeesEveryPeerAsOther() {
    assertThat(Location.UNKNOWN.tierOf(Location.of("z1", "r1"))).isEqualTo(Tier.OTHER);
    assertThat(Location.UNKNOWN.tierOf(Location.UNKNOWN)).isEqualTo(Tier.OTHER);
    assertThat(Location.UNKNOWN.isUnknown()).isTrue();
  }

  @Test
  void tierLabelsAreLowerCase() {
    assertThat(Tier.RACK.label()).isEqualTo("rack");
    assertThat(Tier.OTHER.label()).isEqualTo("other");
  }
}
