package io.layerswarm.tracker.peerstore;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a peer sits in the datacenter: optional zone and rack labels, sent by our agents as the
 * {@code zone} and {@code rack} announce parameters. Standard BitTorrent clients send neither. A
 * label is 1..64 characters of {@code [A-Za-z0-9._-]}.
 */
public record Topology(Optional<String> zone, Optional<String> rack) {
  /** No topology known. */
  public static final Topology UNKNOWN = new Topology(Optional.empty(), Optional.empty());

  private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  public Topology {
    if (zone == null || rack == null) {
      throw new IllegalArgumentException("zone and rack must not be null; use Optional.empty()");
    }
    check("zone", zone);
    check("rack", rack);
  }

  public static Topology of(String zone, String rack) {
    return new Topology(Optional.ofNullable(zone), Optional.ofNullable(rack));
  }

  private static void check(String name, Optional<String> label) {
    if (label.isPresent() && !LABEL.matcher(label.get()).matches()) {
      throw new IllegalArgumentException(
          name + " must be 1..64 characters of A-Z a-z 0-9 . _ -, got '" + label.get() + "'");
    }
  }
}
