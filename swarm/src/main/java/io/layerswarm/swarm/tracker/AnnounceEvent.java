package io.layerswarm.swarm.tracker;

import java.util.Optional;

/** The "event" parameter of an announce (BEP 3). */
public enum AnnounceEvent {
  STARTED("started"),
  COMPLETED("completed"),
  STOPPED("stopped"),
  /** A regular re-announce: the parameter is left out. */
  NONE(null);

  private final String value;

  AnnounceEvent(String value) {
    this.value = value;
  }

  /** The query value, absent for {@link #NONE}. */
  public Optional<String> value() {
    return Optional.ofNullable(value);
  }
}
