package io.layerswarm.swarm.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.bencode.Bencode;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Example;

/** A tracker's answer to an announce, as the engine reads it ({@link AnnounceCodec#parse}). */
class AnnounceResponseFuzzTest {
  /** Found by fuzzing: the next announce could not be scheduled, so none came again. */
  @Example
  void anIntervalBeyondADayIsIgnored() throws Exception {
    for (long seconds : List.of(9_223_372_036_854_775_807L, 10_000_000_000L, 86_401L)) {
      AnnounceResponse response =
          AnnounceCodec.parse(
              Bencode.encode(Map.of("interval", seconds, "min interval", seconds, "peers", "")));

      assertThat(response.interval()).as("interval %s s", seconds).isEmpty();
      assertThat(response.minInterval()).as("min interval %s s", seconds).isEmpty();
    }
  }
}
