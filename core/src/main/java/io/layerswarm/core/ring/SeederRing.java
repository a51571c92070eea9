package io.layerswarm.core.ring;

import io.layerswarm.core.Digest;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Rendezvous (highest random weight) hashing of blob digests over the seeders: every member gets a
 * weight per digest, {@code sha256(member id + "\n" + digest)} read as an unsigned 64-bit number,
 * and the R members with the highest weights own the digest. Everyone who knows the same members
 * computes the same owners (trackers, seeders, the CLI), with no coordination. When a member
 * leaves, only the digests it owned move (each to the next member by weight); when one joins, it
 * takes about R/n of the digests and nothing else moves.
 *
 * <p>Member ids are the seeders' control URLs ({@code http://10.0.0.5:6970}), normalized by {@link
 * #memberId} so that {@code http://Host:6970/} and {@code http://host:6970} are one member.
 * Immutable and thread-safe; health is {@link HealthChecker}'s business.
 */
public final class SeederRing {
  /** Owners per digest when not configured: every blob is held by two seeders. */
  public static final int DEFAULT_REPLICAS = 2;

  private final List<URI> members;
  private final int replicas;

  private SeederRing(List<URI> members, int replicas) {
    this.members = members;
    this.replicas = replicas;
  }

  /**
   * @param members the seeders' control URLs, at least one; duplicates (after normalization) are an
   *     error, since two equal ids would get equal weights
   * @param replicas owners per digest, at least 1; capped at the number of members when asked
   * @throws IllegalArgumentException naming the bad member or value
   */
  public static SeederRing of(Collection<URI> members, int replicas) {
    if (replicas < 1) {
      throw new IllegalArgumentException("ring replicas must be >= 1: " + replicas);
    }
    if (members == null || members.isEmpty()) {
      throw new IllegalArgumentException("the seeder ring needs at least one member");
    }
    Set<URI> normalized = new LinkedHashSet<>();
    for (URI member : members) {
      URI id = memberId(member);
      if (!normalized.add(id)) {
        throw new IllegalArgumentException("seeder " + member + " is in the ring twice");
      }
    }
    return new SeederRing(List.copyOf(normalized), replicas);
  }

  /**
   * The id of the seeder at {@code controlUrl}: scheme and host in lowercase, no trailing slash, no
   * query or fragment.
   *
   * @throws IllegalArgumentException when it is not an absolute http(s) URL with a host
   */
  public static URI memberId(URI controlUrl) {
    if (controlUrl == null) {
      throw new IllegalArgumentException("seeder URL is missing");
    }
    String scheme =
        controlUrl.getScheme() == null ? "" : controlUrl.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || controlUrl.getHost() == null) {
      throw new IllegalArgumentException(
          "seeder URL must be an absolute http(s) URL with a host: " + controlUrl);
    }
    if (controlUrl.getRawQuery() != null || controlUrl.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "seeder URL must have no query or fragment: " + controlUrl);
    }
    String path = controlUrl.getRawPath() == null ? "" : controlUrl.getRawPath();
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    try {
      return new URI(scheme + "://" + hostPort(controlUrl) + path);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("seeder URL is not valid: " + controlUrl, e);
    }
  }

  private static String hostPort(URI uri) {
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    return uri.getPort() < 0 ? host : host + ":" + uri.getPort();
  }

  /** The members in configured order, normalized. */
  public List<URI> members() {
    return members;
  }

  /** The configured replica count R (not capped). */
  public int replicas() {
    return replicas;
  }

  public boolean contains(URI member) {
    return members.contains(memberId(member));
  }

  /**
   * Every member, highest weight for {@code digest} first (ties, which need a SHA-256 collision of
   * the first 8 bytes, go by id).
   */
  public List<URI> rank(Digest digest) {
    List<Weighted> weighted = new ArrayList<>(members.size());
    for (URI member : members) {
      weighted.add(new Weighted(member, weight(member, digest)));
    }
    weighted.sort(
        Comparator.comparing(Weighted::weight, Long::compareUnsigned)
            .reversed()
            .thenComparing(w -> w.member().toString()));
    List<URI> ranked = new ArrayList<>(weighted.size());
    for (Weighted w : weighted) {
      ranked.add(w.member());
    }
    return ranked;
  }

  /**
   * The owners of {@code digest} regardless of health: the first min(R, members) of {@link #rank}.
   */
  public List<URI> owners(Digest digest) {
    List<URI> ranked = rank(digest);
    return List.copyOf(ranked.subList(0, Math.min(replicas, ranked.size())));
  }

  /**
   * The owners among the members {@code alive} accepts: the first min(R, live members) of {@link
   * #rank} that are alive. Empty when no member is alive.
   */
  public List<URI> owners(Digest digest, Predicate<URI> alive) {
    List<URI> owners = new ArrayList<>(replicas);
    for (URI member : rank(digest)) {
      if (owners.size() == replicas) {
        break;
      }
      if (alive.test(member)) {
        owners.add(member);
      }
    }
    return List.copyOf(owners);
  }

  /** The weight of {@code member} for {@code digest}: the first 8 bytes of a SHA-256, unsigned. */
  static long weight(URI member, Digest digest) {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
    sha256.update(member.toString().getBytes(StandardCharsets.UTF_8));
    sha256.update((byte) '\n');
    byte[] hash = sha256.digest(digest.toString().getBytes(StandardCharsets.US_ASCII));
    long weight = 0;
    for (int i = 0; i < Long.BYTES; i++) {
      weight = (weight << 8) | (hash[i] & 0xff);
    }
    return weight;
  }

  private record Weighted(URI member, long weight) {}

  @Override
  public String toString() {
    return "SeederRing[replicas=" + replicas + ", members=" + members + "]";
  }
}
