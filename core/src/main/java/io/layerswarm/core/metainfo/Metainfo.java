package io.layerswarm.core.metainfo;

import io.layerswarm.core.bencode.Bencode;
import io.layerswarm.core.bencode.BencodeException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Single-file BitTorrent v1 metainfo (BEP 3). Always private (BEP 27): no DHT, no PEX. The info
 * name is the blob digest's hex.
 *
 * <p>Immutable and thread-safe. The info dictionary is kept as the exact bytes it was parsed from
 * (or created as), so {@link #encode()} and {@link #withAnnounce} never change the info hash, even
 * for a torrent written by an encoder that did not sort its keys.
 */
public final class Metainfo {
  /**
   * Largest piece length accepted from a .torrent: the largest {@link PieceLength} makes. A
   * download holds a whole piece in memory to hash it, so a forged torrent with larger pieces is
   * refused when it is parsed, before any memory is reserved for it.
   */
  public static final int MAX_PIECE_LENGTH = PieceLength.MAX;

  private static final int HASH_LENGTH = 20;
  private static final int READ_BUFFER = 4 * 1024 * 1024;

  private final byte[] rawInfo;
  private final InfoHash infoHash;
  private final String name;
  private final long length;
  private final int pieceLength;
  private final byte[] pieces;
  private final boolean isPrivate;
  private final List<URI> announce;

  private Metainfo(
      byte[] rawInfo,
      InfoHash infoHash,
      String name,
      long length,
      int pieceLength,
      byte[] pieces,
      boolean isPrivate,
      List<URI> announce) {
    this.rawInfo = rawInfo;
    this.infoHash = infoHash;
    this.name = name;
    this.length = length;
    this.pieceLength = pieceLength;
    this.pieces = pieces;
    this.isPrivate = isPrivate;
    this.announce = List.copyOf(announce);
  }

  /** Parses .torrent bytes; the info hash is the SHA-1 of the raw info dictionary. */
  public static Metainfo parse(byte[] torrent) throws MetainfoException {
    Object decoded;
    byte[] rawInfo;
    try {
      decoded = Bencode.decode(torrent);
      rawInfo = Bencode.rawValue(torrent, "info");
    } catch (BencodeException e) {
      throw new MetainfoException("cannot parse metainfo: " + e.getMessage(), e);
    }
    if (!(decoded instanceof Map<?, ?> top)) {
      throw new MetainfoException("metainfo is not a dictionary");
    }
    if (!(top.get("info") instanceof Map<?, ?> info)) {
      throw new MetainfoException("metainfo has no info dictionary");
    }
    if (info.containsKey("files")) {
      throw new MetainfoException("multi-file torrents are not supported");
    }
    String name = new String(bytes(info, "name"), StandardCharsets.UTF_8);
    long pieceLength = integer(info, "piece length");
    if (pieceLength < 1 || pieceLength > MAX_PIECE_LENGTH) {
      throw new MetainfoException(
          "piece length " + pieceLength + " is outside [1, " + MAX_PIECE_LENGTH + "]");
    }
    long length = integer(info, "length");
    if (length < 0) {
      throw new MetainfoException("length " + length + " is negative");
    }
    byte[] pieces = bytes(info, "pieces");
    if (pieces.length % HASH_LENGTH != 0) {
      throw new MetainfoException("pieces length " + pieces.length + " is not a multiple of 20");
    }
    long expectedPieces = (length + pieceLength - 1) / pieceLength;
    if (pieces.length / HASH_LENGTH != expectedPieces) {
      throw new MetainfoException(
          "metainfo has "
              + pieces.length / HASH_LENGTH
              + " piece hashes but length "
              + length
              + " needs "
              + expectedPieces);
    }
    boolean isPrivate = info.get("private") instanceof Long p && p == 1L;

    LinkedHashSet<URI> urls = new LinkedHashSet<>();
    if (top.get("announce") instanceof byte[] a) {
      urls.add(uri(a));
    }
    if (top.get("announce-list") instanceof List<?> tiers) {
      for (Object tier : tiers) {
        if (!(tier instanceof List<?> tierUrls)) {
          throw new MetainfoException("announce-list tier is not a list");
        }
        for (Object url : tierUrls) {
          if (!(url instanceof byte[] u)) {
            throw new MetainfoException("announce-list entry is not a string");
          }
          urls.add(uri(u));
        }
      }
    }
    return new Metainfo(
        rawInfo,
        new InfoHash(sha1(rawInfo)),
        name,
        length,
        (int) pieceLength,
        pieces,
        isPrivate,
        new ArrayList<>(urls));
  }

  /**
   * Hashes {@code file} into pieces of {@code pieceLength} bytes and builds private metainfo.
   * Blocking: reads the whole file on the calling thread.
   */
  public static Metainfo create(Path file, String name, List<URI> announce, int pieceLength)
      throws IOException {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(announce, "announce");
    if (pieceLength < 1 || pieceLength > MAX_PIECE_LENGTH) {
      throw new IllegalArgumentException(
          "piece length " + pieceLength + " is outside [1, " + MAX_PIECE_LENGTH + "]");
    }
    MessageDigest sha1 = newSha1();
    ByteArrayOutputStream hashes = new ByteArrayOutputStream();
    long length;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      length = channel.size();
      ByteBuffer buffer = ByteBuffer.allocateDirect(Math.max(READ_BUFFER, 64 * 1024));
      long position = 0;
      int inPiece = 0;
      while (position < length) {
        buffer.clear();
        int read = channel.read(buffer, position);
        if (read < 0) {
          throw new IOException("file " + file + " shrank while hashing it");
        }
        position += read;
        buffer.flip();
        while (buffer.hasRemaining()) {
          int take = Math.min(buffer.remaining(), pieceLength - inPiece);
          int limit = buffer.limit();
          buffer.limit(buffer.position() + take);
          sha1.update(buffer);
          buffer.limit(limit);
          inPiece += take;
          if (inPiece == pieceLength) {
            hashes.writeBytes(sha1.digest());
            inPiece = 0;
          }
        }
      }
      if (inPiece > 0) {
        hashes.writeBytes(sha1.digest());
      }
    }
    Map<String, Object> info = new TreeMap<>();
    info.put("length", length);
    info.put("name", name.getBytes(StandardCharsets.UTF_8));
    info.put("piece length", (long) pieceLength);
    info.put("pieces", hashes.toByteArray());
    info.put("private", 1L);
    byte[] rawInfo = Bencode.encode(info);
    return new Metainfo(
        rawInfo,
        new InfoHash(sha1(rawInfo)),
        name,
        length,
        pieceLength,
        hashes.toByteArray(),
        true,
        dedupe(announce));
  }

  /**
   * The .torrent bytes: "announce" (the first URL), "announce-list" (one tier per URL, so BEP 12
   * clients keep our order), "created by" and the info dictionary exactly as held.
   */
  public byte[] encode() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(rawInfo.length + 256);
    out.write('d');
    // Keys must be in raw byte order (BEP 3): announce < announce-list < created by < info.
    if (!announce.isEmpty()) {
      out.writeBytes(Bencode.encode("announce"));
      out.writeBytes(Bencode.encode(announce.get(0).toString()));
      List<Object> tiers = new ArrayList<>();
      for (URI uri : announce) {
        tiers.add(List.of(uri.toString()));
      }
      out.writeBytes(Bencode.encode("announce-list"));
      out.writeBytes(Bencode.encode(tiers));
    }
    out.writeBytes(Bencode.encode("created by"));
    out.writeBytes(Bencode.encode("layerswarm"));
    out.writeBytes(Bencode.encode("info"));
    out.writeBytes(rawInfo);
    out.write('e');
    return out.toByteArray();
  }

  public InfoHash infoHash() {
    return infoHash;
  }

  public String name() {
    return name;
  }

  /** Total length in bytes. */
  public long length() {
    return length;
  }

  /** Nominal piece length in bytes; the last piece may be shorter (see {@link #pieceSize}). */
  public int pieceLength() {
    return pieceLength;
  }

  public int pieceCount() {
    return pieces.length / HASH_LENGTH;
  }

  /** The length in bytes of piece {@code index}: {@link #pieceLength()} except for the last one. */
  public int pieceSize(int index) {
    checkIndex(index);
    long start = (long) index * pieceLength;
    return (int) Math.min(pieceLength, length - start);
  }

  /** The piece and block layout of this torrent. */
  public TorrentGeometry geometry() {
    return new TorrentGeometry(length, pieceLength);
  }

  /** The 20-byte SHA-1 of piece {@code index}. */
  public byte[] pieceHash(int index) {
    checkIndex(index);
    return Arrays.copyOfRange(pieces, index * HASH_LENGTH, (index + 1) * HASH_LENGTH);
  }

  /** Whether the info dictionary has private=1 (BEP 27). Always true for {@link #create}. */
  public boolean isPrivate() {
    return isPrivate;
  }

  /** Tracker announce URLs: "announce" first, then the "announce-list" tiers flattened. */
  public List<URI> announce() {
    return announce;
  }

  /** The same info dictionary with other announce URLs (the info hash does not change). */
  public Metainfo withAnnounce(List<URI> announce) {
    return new Metainfo(
        rawInfo, infoHash, name, length, pieceLength, pieces, isPrivate, dedupe(announce));
  }

  @Override
  public String toString() {
    return "Metainfo["
        + infoHash.hex()
        + " name="
        + name
        + " length="
        + length
        + " pieceLength="
        + pieceLength
        + " pieces="
        + pieceCount()
        + "]";
  }

  private void checkIndex(int index) {
    if (index < 0 || index >= pieceCount()) {
      throw new IndexOutOfBoundsException("piece " + index + " of " + pieceCount());
    }
  }

  private static List<URI> dedupe(List<URI> announce) {
    LinkedHashSet<URI> set = new LinkedHashSet<>();
    for (URI uri : announce) {
      set.add(Objects.requireNonNull(uri, "announce URL"));
    }
    return new ArrayList<>(set);
  }

  private static byte[] bytes(Map<?, ?> dict, String key) throws MetainfoException {
    if (dict.get(key) instanceof byte[] b) {
      return b;
    }
    throw new MetainfoException("info." + key + " is missing or not a string");
  }

  private static long integer(Map<?, ?> dict, String key) throws MetainfoException {
    if (dict.get(key) instanceof Long l) {
      return l;
    }
    throw new MetainfoException("info." + key + " is missing or not an integer");
  }

  private static URI uri(byte[] raw) throws MetainfoException {
    String s = new String(raw, StandardCharsets.UTF_8);
    try {
      return new URI(s);
    } catch (URISyntaxException e) {
      throw new MetainfoException("announce URL is not a URI: " + s, e);
    }
  }

  static byte[] sha1(byte[] data) {
    return newSha1().digest(data);
  }

  private static MessageDigest newSha1() {
    try {
      return MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-1", e);
    }
  }
}
