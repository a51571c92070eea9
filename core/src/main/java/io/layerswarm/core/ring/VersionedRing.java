package io.layerswarm.core.ring;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A {@link SeederRing} with the version of the change that made it. Members pass rings to each
 * other ({@code GET /ring} on a seeder) and each keeps the {@linkplain #newerThan newest}: the
 * higher version, and at equal versions the higher {@link #fingerprint} (two changes made at the
 * same millisecond with different members: every member picks the same one). A version is the wall
 * clock's millisecond of the change (or one more than the version it replaced), 0 for the ring a
 * daemon read from its config at start, which any changed ring beats.
 *
 * <p>The text form ({@link #encode}, {@link #parse}) is a few lines, bounded on parsing:
 *
 * <pre>
 * layerswarm-ring 1
 * version 1765112400000
 * replicas 2
 * member http://10.0.0.5:6970
 * member http://10.0.0.6:6970
 * previous 2 http://10.0.0.5:6970 http://10.0.0.7:6970
 * </pre>
 *
 * <p>The {@code previous} lines ({@link #encode(List)}, {@link #parseWithHistory}) are the rings
 * the member held before, newest first: a seeder that joins learns from them which seeders held the
 * blobs it now owns.
 */
public record VersionedRing(long version, SeederRing ring) {
  /** The first line of the text form. */
  public static final String HEADER = "layerswarm-ring 1";

  /** Longest text {@link #parse} reads. */
  public static final int MAX_TEXT_BYTES = 64 * 1024;

  /** Most members a parsed ring may have. */
  public static final int MAX_MEMBERS = 512;

  /** Most {@code previous} lines a parsed text may have. */
  public static final int MAX_PREVIOUS = 8;

  /** A ring with the rings its member held before it, newest first. */
  public record WithHistory(VersionedRing ring, List<SeederRing> previous) {
    public WithHistory {
      previous = List.copyOf(previous);
    }
  }

  public VersionedRing {
    if (version < 0) {
      throw new IllegalArgumentException("ring version must be >= 0: " + version);
    }
    if (ring == null) {
      throw new IllegalArgumentException("ring is missing");
    }
  }

  /** Whether both have the same members (in any order) and the same R; versions aside. */
  public boolean sameMembers(SeederRing other) {
    return ring.replicas() == other.replicas()
        && Set.copyOf(ring.members()).equals(Set.copyOf(other.members()));
  }

  /**
   * Whether a member holding {@code other} should take this ring instead: a higher version, or the
   * same version above 0 with other members and a higher fingerprint. Two rings at version 0 are
   * two configs read at start, neither a change: a member keeps its own.
   */
  public boolean newerThan(VersionedRing other) {
    if (version != other.version) {
      return version > other.version;
    }
    return version > 0 && fingerprint().compareTo(other.fingerprint()) > 0;
  }

  /**
   * The first 8 bytes of the SHA-256 of R and the sorted member ids, in hex: equal for equal
   * members and R whatever the order in the config, and the tie-break of {@link #newerThan}.
   */
  public String fingerprint() {
    StringBuilder text = new StringBuilder().append(ring.replicas()).append('\n');
    for (String member : sortedIds()) {
      text.append(member).append('\n');
    }
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest(text.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  private Set<String> sortedIds() {
    Set<String> ids = new TreeSet<>();
    ring.members().forEach(m -> ids.add(m.toString()));
    return ids;
  }

  /** The text form, members sorted, without history. */
  public String encode() {
    return encode(List.of());
  }

  /** The text form with {@code previous} rings (newest first, at most {@link #MAX_PREVIOUS}). */
  public String encode(List<SeederRing> previous) {
    StringBuilder text =
        new StringBuilder(HEADER)
            .append("\nversion ")
            .append(version)
            .append("\nreplicas ")
            .append(ring.replicas())
            .append('\n');
    for (String member : sortedIds()) {
      text.append("member ").append(member).append('\n');
    }
    for (SeederRing ring : previous.subList(0, Math.min(MAX_PREVIOUS, previous.size()))) {
      text.append("previous ").append(ring.replicas());
      for (String member : new VersionedRing(0, ring).sortedIds()) {
        text.append(' ').append(member);
      }
      text.append('\n');
    }
    return text.toString();
  }

  /**
   * Reads the text form.
   *
   * @throws IllegalArgumentException naming the line that is wrong, for text over {@link
   *     #MAX_TEXT_BYTES} or with more than {@link #MAX_MEMBERS} members
   */
  public static VersionedRing parse(String text) {
    return parseWithHistory(text).ring();
  }

  /** As {@link #parse}, with the {@code previous} lines. */
  public static WithHistory parseWithHistory(String text) {
    if (text == null || text.length() > MAX_TEXT_BYTES) {
      throw new IllegalArgumentException("a ring is at most " + MAX_TEXT_BYTES + " bytes");
    }
    List<String> lines = text.lines().toList();
    if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
      throw new IllegalArgumentException("a ring starts with the line '" + HEADER + "'");
    }
    Long version = null;
    Integer replicas = null;
    List<URI> members = new ArrayList<>();
    List<SeederRing> previous = new ArrayList<>();
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i);
      int space = line.indexOf(' ');
      String key = space < 0 ? line : line.substring(0, space);
      String value = space < 0 ? "" : line.substring(space + 1);
      try {
        switch (key) {
          case "version" -> version = Long.parseLong(value);
          case "replicas" -> replicas = Integer.parseInt(value);
          case "member" -> {
            if (members.size() == MAX_MEMBERS) {
              throw new IllegalArgumentException("more than " + MAX_MEMBERS + " members");
            }
            members.add(SeederRing.memberId(URI.create(value)));
          }
          case "previous" -> {
            if (previous.size() == MAX_PREVIOUS) {
              throw new IllegalArgumentException("more than " + MAX_PREVIOUS + " previous rings");
            }
            previous.add(previousRing(value));
          }
          default -> throw new IllegalArgumentException("unknown key '" + key + "'");
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "ring line " + (i + 1) + " is not valid: " + e.getMessage(), e);
      }
    }
    if (version == null || replicas == null) {
      throw new IllegalArgumentException("a ring needs a version and a replicas line");
    }
    return new WithHistory(new VersionedRing(version, SeederRing.of(members, replicas)), previous);
  }

  /** {@code <replicas> <member> <member> ...}. */
  private static SeederRing previousRing(String value) {
    String[] words = value.split(" ");
    if (words.length - 1 > MAX_MEMBERS) {
      throw new IllegalArgumentException("more than " + MAX_MEMBERS + " members");
    }
    List<URI> members = new ArrayList<>();
    for (int i = 1; i < words.length; i++) {
      members.add(SeederRing.memberId(URI.create(words[i])));
    }
    return SeederRing.of(members, Integer.parseInt(words[0]));
  }

  @Override
  public String toString() {
    return "v" + version + " " + sortedIds() + " (R=" + ring.replicas() + ")";
  }
}
