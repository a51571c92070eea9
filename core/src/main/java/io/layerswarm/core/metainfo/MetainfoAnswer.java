package io.layerswarm.core.metainfo;

import io.layerswarm.core.Digest;
import io.layerswarm.core.bencode.Bencode;
import io.layerswarm.core.bencode.BencodeException;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The answer to {@code GET /metainfo/<digest>} (seeder to tracker, tracker to agent): the blob's
 * {@code .torrent}, and for a tiny blob the blob's bytes too, so an agent serves it without a swarm
 * (decision 31).
 *
 * <p>Wire format: the bytes are one more top-level key of the torrent dictionary, {@value
 * #INLINE_KEY}, after {@code info} (keys stay in BEP 3 order). The info dictionary is untouched, so
 * the info hash is the same with or without it, and a reader that does not know the key ignores it
 * ({@link Metainfo#parse} does, as BEP 3 readers do): an old agent gets a torrent it can use, and a
 * tracker passes the answer through as the bytes it got. The inlined bytes are not trusted: {@link
 * #inlineProblem} says whether they are the blob the digest names.
 *
 * <p>Immutable and thread-safe.
 */
public final class MetainfoAnswer {
  /** The top-level key that carries a tiny blob's bytes. Sorts after {@code info}. */
  public static final String INLINE_KEY = "layerswarm blob";

  /** The default largest blob inlined (an image config is 1 to 10 KiB). */
  public static final int DEFAULT_INLINE_MAX_BYTES = 16 * 1024;

  /**
   * The largest blob any answer may carry: a cap on what a config may ask, and on what a reader
   * accepts. Beyond it the swarm's cost is small next to the transfer itself.
   */
  public static final int MAX_INLINE_BYTES = 64 * 1024;

  private final Metainfo metainfo;
  private final byte[] inline;

  private MetainfoAnswer(Metainfo metainfo, byte[] inline) {
    this.metainfo = metainfo;
    this.inline = inline;
  }

  /** An answer without the blob: what every seeder sent before decision 31. */
  public static byte[] encode(Metainfo metainfo) {
    return metainfo.encode();
  }

  /**
   * The torrent of {@code metainfo} with {@code blob} inlined.
   *
   * @throws IllegalArgumentException if {@code blob} is not {@code metainfo.length()} bytes, or is
   *     over {@link #MAX_INLINE_BYTES}
   */
  public static byte[] encode(Metainfo metainfo, byte[] blob) {
    Objects.requireNonNull(blob, "blob");
    if (blob.length != metainfo.length() || blob.length > MAX_INLINE_BYTES) {
      throw new IllegalArgumentException(
          "cannot inline "
              + blob.length
              + " bytes into the metainfo of a "
              + metainfo.length()
              + "-byte blob (at most "
              + MAX_INLINE_BYTES
              + ")");
    }
    byte[] torrent = metainfo.encode();
    // Metainfo.encode ends with "info" then 'e'; our key sorts after "info" (BEP 3 order).
    ByteArrayOutputStream out = new ByteArrayOutputStream(torrent.length + blob.length + 32);
    out.write(torrent, 0, torrent.length - 1);
    out.writeBytes(Bencode.encode(INLINE_KEY));
    out.writeBytes(Bencode.encode(blob));
    out.write('e');
    return out.toByteArray();
  }

  /**
   * Parses an answer, old or new. The torrent is checked as {@link Metainfo#parse} checks it; an
   * inline value that is not a byte string is taken as no inline (the swarm then serves the blob).
   *
   * @throws MetainfoException when the torrent is not valid
   */
  public static MetainfoAnswer parse(byte[] answer) throws MetainfoException {
    Metainfo metainfo = Metainfo.parse(answer);
    Object decoded;
    try {
      decoded = Bencode.decode(answer);
    } catch (BencodeException e) {
      throw new MetainfoException("cannot parse metainfo: " + e.getMessage(), e);
    }
    byte[] inline =
        decoded instanceof Map<?, ?> top && top.get(INLINE_KEY) instanceof byte[] b ? b : null;
    return new MetainfoAnswer(metainfo, inline);
  }

  /** An answer held in memory (tests, and sources that are not HTTP). */
  public static MetainfoAnswer of(Metainfo metainfo, Optional<byte[]> inline) {
    return new MetainfoAnswer(
        Objects.requireNonNull(metainfo, "metainfo"), inline.map(byte[]::clone).orElse(null));
  }

  public Metainfo metainfo() {
    return metainfo;
  }

  /** The inlined bytes as sent, not yet checked (a copy); empty when the answer has none. */
  public Optional<byte[]> inline() {
    return inline == null ? Optional.empty() : Optional.of(inline.clone());
  }

  /** The answer with other metainfo (other announce URLs), the same inline bytes. */
  public MetainfoAnswer withMetainfo(Metainfo other) {
    return new MetainfoAnswer(Objects.requireNonNull(other, "metainfo"), inline);
  }

  /**
   * Why the inlined bytes may not be served as {@code digest}; empty when they may (they are the
   * torrent's length, at most {@link #MAX_INLINE_BYTES}, and their sha256 is {@code digest}), or
   * when there are none (see {@link #inline}). Pure; hashes at most {@link #MAX_INLINE_BYTES}.
   */
  public Optional<String> inlineProblem(Digest digest) {
    if (inline == null) {
      return Optional.empty();
    }
    if (inline.length != metainfo.length()) {
      return Optional.of(
          "inlined "
              + inline.length
              + " bytes, but the torrent says the blob is "
              + metainfo.length());
    }
    if (inline.length > MAX_INLINE_BYTES) {
      return Optional.of("inlined " + inline.length + " bytes, over " + MAX_INLINE_BYTES);
    }
    if (!"sha256".equals(digest.algorithm())) {
      return Optional.of("cannot check inlined bytes against a " + digest.algorithm() + " digest");
    }
    Digest actual = Digest.sha256(inline);
    if (!actual.equals(digest)) {
      return Optional.of("the inlined bytes hash to " + actual + ", not " + digest);
    }
    return Optional.empty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MetainfoAnswer other
        && metainfo.infoHash().equals(other.metainfo.infoHash())
        && metainfo.announce().equals(other.metainfo.announce())
        && Arrays.equals(inline, other.inline);
  }

  @Override
  public int hashCode() {
    return 31 * metainfo.infoHash().hashCode() + Arrays.hashCode(inline);
  }

  @Override
  public String toString() {
    return "MetainfoAnswer["
        + metainfo
        + (inline == null ? "" : " inline=" + inline.length + " bytes")
        + "]";
  }
}
