package io.layerswarm.swarm.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.bencode.Bencode;
import io.layerswarm.testing.fuzz.FuzzTarget;
import io.layerswarm.testing.fuzz.Mutations;
import io.layerswarm.testing.fuzz.TreeMutations;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Fuzz target: a tracker's answer to an announce, as the engine reads it ({@link
 * AnnounceCodec#parse}). Answers are bencoded dictionaries (compact IPv4 and IPv6 peers, a list of
 * peer dictionaries, intervals, a tracker id, a warning, a failure reason) mutated as trees (values
 * of another type, boundary numbers, keys missing or added) and as bytes. Each gives a response or
 * a {@link TrackerException}, never another exception; a response's intervals are positive and at
 * most {@link AnnounceCodec#MAX_INTERVAL}, so the torrent's loop can schedule the next announce;
 * and every peer has a port in 1..65535.
 */
class AnnounceResponseFuzzTest {
  @FuzzTarget
  void anyAnswerIsAResponseWithUsableIntervalsAndPortsOrATrackerException(
      @ForAll("answers") byte[] answer) {
    AnnounceResponse response;
    try {
      response = AnnounceCodec.parse(answer);
    } catch (TrackerException e) {
      return;
    }
    for (Duration interval :
        List.of(response.interval(), response.minInterval()).stream()
            .flatMap(Optional::stream)
            .toList()) {
      assertThat(interval).isPositive().isLessThanOrEqualTo(AnnounceCodec.MAX_INTERVAL);
      assertThat(interval.toNanos()).as("in nanoseconds, as the loop schedules it").isPositive();
    }
    for (InetSocketAddress peer : response.peers()) {
      assertThat(peer.getPort()).isBetween(1, 65535);
    }
  }

  /** Found by this target: the next announce could not be scheduled, so none came again. */
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

  @Provide
  Arbitrary<byte[]> answers() {
    HexFormat hex = HexFormat.of();
    Map<String, Object> compact = new LinkedHashMap<>();
    compact.put("interval", 1800L);
    compact.put("min interval", 60L);
    compact.put("complete", 3L);
    compact.put("incomplete", 5L);
    compact.put("peers", hex.parseHex("7f0000011ae10a000002c350"));
    compact.put("peers6", hex.parseHex("000000000000000000000000000000011ae2"));
    compact.put("tracker id", "tid");
    Map<String, Object> listed = new LinkedHashMap<>();
    listed.put("interval", 30L);
    listed.put(
        "peers",
        new ArrayList<>(
            List.of(
                new LinkedHashMap<>(Map.of("ip", "10.0.0.7", "port", 6881L, "peer id", "x")),
                new LinkedHashMap<>(Map.of("ip", "host.example", "port", 6882L)))));
    listed.put("warning message", "slow down");
    Map<String, Object> refused = new LinkedHashMap<>(Map.of("failure reason", "unregistered"));
    List<Object> seeds = List.of(compact, listed, refused);
    List<Object> leaves =
        List.of(
            0L,
            -1L,
            1L,
            65_535L,
            65_536L,
            86_400L,
            86_401L,
            9_223_372_036_854_775L,
            9_223_372_036_854_775_807L,
            -9_223_372_036_854_775_808L,
            "",
            "\u0000",
            "::1",
            "256.0.0.1",
            new byte[5],
            new byte[6],
            new byte[17],
            new byte[18],
            hex.parseHex("7f0000010000"),
            List.of(),
            Map.of(),
            List.of("x"),
            Map.of("ip", "::1", "port", 0L));
    List<String> keys =
        List.of(
            "interval",
            "min interval",
            "peers",
            "peers6",
            "ip",
            "port",
            "tracker id",
            "failure reason",
            "warning message",
            "complete");
    Arbitrary<byte[]> trees = TreeMutations.of(seeds, leaves, keys, Bencode::encode);
    List<byte[]> tokens =
        Mutations.utf8(List.of("i", "e", "l", "d", "0:", "6:", "18:", "i-1e", "i0e", "4:port"));
    return Arbitraries.frequencyOf(
        Tuple.of(2, trees),
        Tuple.of(1, Mutations.bytes(trees, tokens)),
        Tuple.of(
            1,
            Mutations.bytes(
                List.of(
                    Bencode.encode(compact),
                    "d8:intervali1800e5:peers0:e".getBytes(StandardCharsets.US_ASCII)),
                tokens)));
  }
}
