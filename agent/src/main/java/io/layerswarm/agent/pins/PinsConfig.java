package io.layerswarm.agent.pins;

import io.layerswarm.core.SetupException;
import io.layerswarm.registry.RegistryHost;
import io.layerswarm.registry.client.Upstreams;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * {@code agent.pins} and {@code agent.pins-refresh}.
 *
 * @param pins the pinned images, without repeats
 * @param refresh how often a tag is resolved again (a moved tag is fetched anew); at least 1 s
 */
public record PinsConfig(List<Pin> pins, Duration refresh) {
  public static final Duration DEFAULT_REFRESH = Duration.ofMinutes(5);

  /** The most pins an agent takes: each is resolved and checked on every refresh. */
  public static final int MAX_PINS = 256;

  public PinsConfig {
    Objects.requireNonNull(pins, "agent.pins");
    Objects.requireNonNull(refresh, "agent.pins-refresh");
    pins = List.copyOf(pins);
    if (pins.size() > MAX_PINS) {
      throw new IllegalArgumentException(
          "agent.pins: at most " + MAX_PINS + " images, not " + pins.size());
    }
    Set<Pin> seen = new HashSet<>();
    for (int i = 0; i < pins.size(); i++) {
      if (!seen.add(pins.get(i))) {
        throw new IllegalArgumentException(
            "agent.pins[" + i + "]: " + pins.get(i) + " is pinned twice");
      }
    }
    if (refresh.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("agent.pins-refresh must be at least 1s: " + refresh);
    }
  }

  /**
   * A pin whose registry is no upstream would fail every attempt: refused at start (exit 78).
   *
   * @throws SetupException naming {@code agent.pins[i]}, the registry and the upstreams
   */
  public void requireUpstreams(Upstreams upstreams) throws SetupException {
    for (int i = 0; i < pins.size(); i++) {
      Pin pin = pins.get(i);
      Optional<RegistryHost> registry = pin.image().registry();
      if (registry.isPresent() && upstreams.forHost(registry.get().value()).isEmpty()) {
        throw new SetupException(
            "agent.pins["
                + i
                + "]: "
                + pin.image()
                + " names registry "
                + registry.get()
                + ", which is not one of the upstreams "
                + upstreams.hosts()
                + "; add it to upstreams or pin the image without a host (the default upstream)",
            null);
      }
    }
  }

  /** No pins. */
  public static PinsConfig none() {
    return new PinsConfig(List.of(), DEFAULT_REFRESH);
  }
}
