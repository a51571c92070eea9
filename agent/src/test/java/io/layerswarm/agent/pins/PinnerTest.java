package io.layerswarm.agent.pins;

import static io.layerswarm.agent.pins.FakePinSource.blob;
import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.registry.Manifest;
import io.layerswarm.registry.image.Platform;
import io.layerswarm.testing.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The pinner with an in-memory source, a manual clock and its work run on the test thread. */
class PinnerTest {
  private static final Platform AMD64 = new Platform("linux", "amd64");
  private final FakePinSource source = new FakePinSource();
  private final ManualClock clock = new ManualClock();

  private static Pin pin(String reference) {
    return Pin.parse(reference, Optional.empty(), AMD64);
  }

  private Pinner pinner(Duration refresh, String... references) {
    List<Pin> pins = java.util.Arrays.stream(references).map(PinnerTest::pin).toList();
    return new Pinner(source, new PinsConfig(pins, refresh), clock, Runnable::run);
  }

  @Test
  void aPinIsResolvedAndItsConfigAndLayersFetchedAtTheFirstLook() {
    Manifest image = source.image("17", "cfg", List.of("l1", "l2"), 100);
    Pinner pinner = pinner(Duration.ofMinutes(5), "base/jdk:17");
    assertThat(pinner.complete()).isFalse();

    pinner.runDue();

    PinState state = pinner.states().get(0);
    assertThat(state.digest()).contains(image.digest());
    assertThat(state.complete()).isTrue();
    assertThat(state.totalBytes()).isEqualTo(300);
    assertThat(source.fetches.keySet()).containsExactly(blob("cfg"), blob("l1"), blob("l2"));
    assertThat(pinner.kept()).containsExactlyInAnyOrder(blob("cfg"), blob("l1"), blob("l2"));
    assertThat(pinner.complete()).isTrue();
  }

  @Test
  void blobsAlreadyLocalAreNotFetchedAgain() {
    source.image("17", "cfg", List.of("l1"), 10);
    source.store.add(blob("l1"));
    Pinner pinner = pinner(Duration.ofMinutes(5), "base/jdk:17");

    pinner.runDue();

    assertThat(source.fetches.keySet()).containsExactly(blob("cfg"));
    assertThat(pinner.complete()).isTrue();
  }

  @Test
  void theIndexIsFollowedToThePinnedPlatformOnly() {
    Manifest amd = source.image("amd", "cfg-amd", List.of("l-amd"), 10);
    Manifest arm = source.image("arm", "cfg-arm", List.of("l-arm"), 10);
    source.index("17", List.of(arm, amd), List.of("linux/arm64", "linux/amd64"));
    Pinner pinner = pinner(Duration.ofMinutes(5), "base/jdk:17");

    pinner.runDue();

    assertThat(source.fetches.keySet()).containsExactly(blob("cfg-amd"), blob("l-amd"));
    assertThat(pinner.complete()).isTrue();
  }

  @Test
  void aPinWithABlobThatFailedIsIncompleteAndSaysWhatIsMissing() {
    source.image("17", "cfg", List.of("l1"), 10);
    source.failing.add(blob("l1"));
    Pinner pinner = pinner(Duration.ofMinutes(5), "base/jdk:17");

    pinner.runDue();

    PinState state = pinner.states().get(0);
    assertThat(state.complete()).isFalse();
    assertThat(state.missing()).extracting(d -> d.digest()).containsExactly(blob("l1"));
    assertThat(state.reason())
        .startsWith("1 of 2 blobs local (10 of 20 bytes)")
        .contains("origin answered 500");
    assertThat(pinner.kept()).contains(blob("l1"));
  }

  @Test
  void anIncompletePinIsRetriedAfterThirtySecondsAndACompleteOneAfterTheRefresh() {
    source.image("17", "cfg", List.of("l1"), 10);
    source.failing.add(blob("l1"));
    Pinner pinner = pinner(Duration.ofMinutes(5), "base/jdk:17");
    pinner.runDue();
    source.failing.clear();
    source.fetches.clear();

    clock.advance(Duration.ofSeconds(29));
    pinner.runDue();
    assertThat(source.fetches).isEmpty();

    clock.advance(Duration.ofSeconds(1));
    pinner.runDue();
    assertThat(source.fetches.keySet()).containsExactly(blob("l1"));
    assertThat(pinner.complete()).isTrue();

    source.fetches.clear();
    source.image("17", "cfg", List.of("l1", "l2"), 10); // the tag moves
    clock.advance(Duration.ofMinutes(4));
    pinner.runDue();
    assertThat(source.fetches).isEmpty();
    clock.advance(Duration.ofMinutes(1));
    pinner.runDue();
    assertThat(source.fetches.keySet()).containsExactly(blob("l2"));
  }

  @Test
  void aMovedTagKeepsTheOldBlobsUntilTheNewImageIsComplete() {
    Manifest first = source.image("17", "cfg", List.of("old"), 10);
    Pinner pinner = pinner(Duration.ofMinutes(5), "base/jdk:17");
    pinner.runDue();
    Manifest second = source.image("17", "cfg2", List.of("new"), 10);
    source.failing.add(blob("new"));

    pinner.refreshNow();

    PinState state = pinner.states().get(0);
    assertThat(state.digest()).contains(second.digest()).isNotEqualTo(Optional.of(first.digest()));
    assertThat(pinner.kept()).contains(blob("old"), blob("new"), blob("cfg2"));
    assertThat(pinner.complete()).isFalse();

    source.failing.clear();
    pinner.refreshNow();

    assertThat(pinner.complete()).isTrue();
    assertThat(pinner.kept()).containsExactlyInAnyOrder(blob("cfg2"), blob("new"));
  }

  @Test
  void aFailedResolutionKeepsTheImageItHadAndReportsTheError() {
    source.image("17", "cfg", List.of("l1"), 10);
    Pinner pinner = pinner(Duration.ofMinutes(5), "base/jdk:17");
    pinner.runDue();
    source.manifests.clear();

    pinner.refreshNow();

    PinState state = pinner.states().get(0);
    assertThat(state.complete()).isTrue();
    assertThat(state.lastError()).hasValueSatisfying(e -> assertThat(e).contains("resolving"));
    assertThat(pinner.kept()).contains(blob("l1"));
  }

  @Test
  void anImageThatWasNeverResolvedIsNotComplete() {
    Pinner pinner = pinner(Duration.ofMinutes(5), "base/jdk:17");

    pinner.runDue();

    PinState state = pinner.states().get(0);
    assertThat(state.complete()).isFalse();
    assertThat(state.reason())
        .startsWith("not resolved (the last attempt failed); last error: resolving:");
    assertThat(pinner.complete()).isFalse();
  }

  @Test
  void aForcedEvictionOfAPinnedBlobFetchesItAgain() {
    source.image("17", "cfg", List.of("l1"), 10);
    Pinner pinner = pinner(Duration.ofMinutes(5), "base/jdk:17");
    pinner.runDue();
    source.store.remove(blob("l1"));
    source.fetches.clear();

    pinner.evicted(blob("l1"));

    assertThat(source.fetches.keySet()).containsExactly(blob("l1"));
    assertThat(pinner.complete()).isTrue();
  }

  @Test
  void aReloadKeepsTheStateOfPinsStillListedAndDropsTheOthers() {
    source.image("17", "cfg", List.of("l1"), 10);
    source.image("21", "cfg21", List.of("l21"), 10);
    Pinner pinner = pinner(Duration.ofMinutes(5), "base/jdk:17");
    pinner.runDue();
    source.fetches.clear();

    pinner.replace(
        new PinsConfig(List.of(pin("base/jdk:21"), pin("base/jdk:17")), Duration.ofMinutes(5)));

    assertThat(source.fetches.keySet()).containsExactly(blob("cfg21"), blob("l21"));
    assertThat(pinner.states())
        .extracting(s -> s.pin().image().toString())
        .containsExactly("base/jdk:21", "base/jdk:17");

    pinner.replace(new PinsConfig(List.of(pin("base/jdk:21")), Duration.ofMinutes(5)));

    assertThat(pinner.pinOf(blob("l1"))).isEmpty();
    assertThat(pinner.pinOf(blob("l21"))).contains(pin("base/jdk:21"));
  }
}
