package io.layerswarm.core.topology;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a member sits in the datacenter: optional zone and rack labels ({@code agent.zone}, {@code
 * agent.rack}, {@code seeder.zone}, {@code seeder.rack}). Members send them to the tracker as the
 * {@code zone} and {@code rack} announce parameters, and to peers in the extended handshake, so
 * that both can prefer near peers. A label is 1..64 characters of {@code [A-Za-z0-9._-]}: it
 * travels in URLs, Redis records ({@code '|'}-separated) and log lines unescaped.
 */
public record Location(Optional<String> zone, Optional<String> rack) {
  /** Neither zone nor rack known: every peer is as near as any other. */
  public static final Location UNKNOWN = new Location(Optional.empty(), Optional.empty());

  /** The longest label, in characters. */
  public static final int MAX_LABEL = 64;

  private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_LABEL + "}");

  /**
   * @throws IllegalArgumentException naming {@code zone} or {@code rack} when a label is malformed
   */
  public Location {
    if (zone == null || rack == null) {
      throw new IllegalArgumentException("zone and rack must not be null; use Optional.empty()");
    }
    checkLabel("zone", zone);
    checkLabel("rack", rack);
  }

  /** A location from labels that may be null (unknown). */
  public static Location of(String zone, String rack) {
    return new Location(Optional.ofNullable(zone), Optional.ofNullable(rack));
  }

  /** Whether {@code value} is a valid label. */
  public static boolean isLabel(String value) {
    return value != null && LABEL.matcher(value).matches();
  }

  /**
   * Checks one label.
   *
   * @param name what the label is called in the message, for example {@code agent.zone}
   * @throws IllegalArgumentException with one line naming {@code name} when it is malformed
   */
  public static void checkLabel(String name, Optional<String> label) {
    if (label.isPresent() && !isLabel(label.get())) {
      throw new IllegalArgumentException(
          name
              + " must be 1.."
              + MAX_LABEL
              + " characters of A-Z a-z 0-9 . _ -, got '"
              + printable(label.get())
              + "'");
    }
  }

  /** Whether neither label is known. */
  public boolean isUnknown() {
    return zone.isEmpty() && rack.isEmpty();
  }

  /** The announce parameters: {@code zone} and {@code rack}, each only when known. */
  public Map<String, String> announceParams() {
    Map<String, String> params = new LinkedHashMap<>();
    zone.ifPresent(z -> params.put("zone", z));
    rack.ifPresent(r -> params.put("rack", r));
    return Map.copyOf(params);
  }

  /**
   * How near a peer at {@code other} is, seen from here, as the tracker ranks it: the same rack
   * counts only within this location's zone when it names one (rack labels are often reused across
   * zones); nothing is near when this location is unknown.
   */
  public Tier tierOf(Location other) {
    boolean sameZone = zone.isPresent() && zone.equals(other.zone);
    if (rack.isPresent() && rack.equals(other.rack) && (zone.isEmpty() || sameZone)) {
      return Tier.RACK;
    }
    return sameZone ? Tier.ZONE : Tier.OTHER;
  }

  @Override
  public String toString() {
    return "zone=" + zone.orElse("-") + " rack=" + rack.orElse("-");
  }

  /** At most 64 characters of the bad value, control characters replaced, for the error. */
  private static String printable(String value) {
    String cut = value.length() > MAX_LABEL ? value.substring(0, MAX_LABEL) + "..." : value;
    return cut.replaceAll("\\p{Cntrl}", "?");
  }

  /** How near a peer is; the order of the constants is the order of preference. */
  public enum Tier {
    RACK,
    ZONE,
    OTHER;

    /** The lower-case name shown by {@code layerswarm peers}: rack, zone or other. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
