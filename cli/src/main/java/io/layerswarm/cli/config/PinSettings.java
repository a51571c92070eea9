package io.layerswarm.cli.config;

import io.layerswarm.agent.pins.Pin;
import io.layerswarm.agent.pins.PinsConfig;
import io.layerswarm.registry.image.Platform;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code agent.pins} and {@code agent.pins-refresh}: defaults and parsing. */
final class PinSettings {
  static final String DEFAULT_REFRESH = "5m";

  private PinSettings() {}

  /**
   * The entries as {@code --print-config} shows them: each with its platform, the host's when the
   * entry names none.
   */
  static List<ConfigFile.PinEntry> effective(List<ConfigFile.PinEntry> pins) {
    if (pins == null) {
      return List.of();
    }
    String host = Pin.hostPlatform().toString();
    List<ConfigFile.PinEntry> result = new ArrayList<>(pins.size());
    for (ConfigFile.PinEntry entry : pins) {
      result.add(
          entry == null
              ? null
              : new ConfigFile.PinEntry(
                  entry.ref(), entry.platform() == null ? host : entry.platform()));
    }
    return result;
  }

  /**
   * @throws ConfigException naming {@code agent.pins[i]} and the entry
   */
  static PinsConfig pins(ConfigFile.Agent agent) throws ConfigException {
    Platform host = Pin.hostPlatform();
    List<Pin> pins = new ArrayList<>();
    List<ConfigFile.PinEntry> entries = agent.pins() == null ? List.of() : agent.pins();
    for (int i = 0; i < entries.size(); i++) {
      ConfigFile.PinEntry entry = entries.get(i);
      String key = "agent.pins[" + i + "]";
      if (entry == null || entry.ref() == null || entry.ref().isBlank()) {
        throw new ConfigException(key + ": the image reference (ref) is missing");
      }
      try {
        pins.add(Pin.parse(entry.ref(), Optional.ofNullable(entry.platform()), host));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(key + ": " + e.getMessage());
      }
    }
    return new PinsConfig(
        pins,
        Values.duration(
            "agent.pins-refresh",
            agent.pinsRefresh() == null ? DEFAULT_REFRESH : agent.pinsRefresh()));
  }
}
