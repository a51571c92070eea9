package io.layerswarm.testbed;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a ustar stream and checks each header's checksum; enough to verify what {@link TarWriter}
 * wrote.
 */
public final class TarReader {

  /** One entry; {@code type} is the ustar typeflag ('0' file, '2' symlink, '5' directory). */
  public record Entry(
      String name, char type, int mode, long size, String linkName, String contentDigest) {
    public boolean isFile() {
      return type == '0' || type == 0;
    }

    public boolean isDirectory() {
      return type == '5';
    }

    public boolean isSymlink() {
      return type == '2';
    }
  }

  private TarReader() {}

  /** Reads all entries, hashing (not keeping) each file's content. Does not close the stream. */
  public static List<Entry> readAll(InputStream in) throws IOException {
    List<Entry> entries = new ArrayList<>();
    byte[] h = new byte[TarWriter.BLOCK];
    while (true) {
      if (!readBlock(in, h, true)) {
        return entries; // EOF without end marker: tolerated, as tar(1) does
      }
      if (isZero(h)) {
        readBlock(in, h, true); // the end marker is two zero blocks; consume the second too
        return entries;
      }
      long expected = parseOctal(h, 148, 8);
      long sum = 0;
      for (int i = 0; i < h.length; i++) {
        sum += (i >= 148 && i < 156) ? ' ' : h[i] & 0xff;
      }
      if (sum != expected) {
        throw new IOException(
            "tar header checksum mismatch after "
                + entries.size()
                + " entries: header says "
                + expected
                + ", computed "
                + sum);
      }
      String magic = new String(h, 257, 5, StandardCharsets.US_ASCII);
      if (!magic.equals("ustar")) {
        throw new IOException("not a ustar header (magic '" + magic + "')");
      }
      String name = string(h, 0, 100);
      String prefix = string(h, 345, 155);
      if (!prefix.isEmpty()) {
        name = prefix + "/" + name;
      }
      char type = (char) h[156];
      int mode = (int) parseOctal(h, 100, 8);
      long size = parseOctal(h, 124, 12);
      String link = string(h, 157, 100);
      MessageDigest md = Digests.newSha256();
      long remaining = size;
      byte[] buf = new byte[64 * 1024];
      while (remaining > 0) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, remaining));
        if (n < 0) {
          throw new EOFException(
              "tar entry " + name + " truncated: " + remaining + " bytes missing");
        }
        md.update(buf, 0, n);
        remaining -= n;
      }
      int pad = (int) ((TarWriter.BLOCK - size % TarWriter.BLOCK) % TarWriter.BLOCK);
      if (pad > 0) {
        readFully(in, new byte[pad]);
      }
      entries.add(new Entry(name, type, mode, size, link, Digests.format(md.digest())));
    }
  }

  private static boolean readBlock(InputStream in, byte[] b, boolean eofOk) throws IOException {
    int off = 0;
    while (off < b.length) {
      int n = in.read(b, off, b.length - off);
      if (n < 0) {
        if (off == 0 && eofOk) {
          return false;
        }
        throw new EOFException("tar stream ends inside a block");
      }
      off += n;
    }
    return true;
  }

  private static void readFully(InputStream in, byte[] b) throws IOException {
    readBlock(in, b, false);
  }

  private static boolean isZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  private static String string(byte[] h, int off, int len) {
    int end = off;
    while (end < off + len && h[end] != 0) {
      end++;
    }
    return new String(h, off, end - off, StandardCharsets.UTF_8);
  }

  private static long parseOctal(byte[] h, int off, int len) throws IOException {
    String s = string(h, off, len).trim();
    if (s.isEmpty()) {
      return 0;
    }
    try {
      return Long.parseLong(s, 8);
    } catch (NumberFormatException e) {
      throw new IOException("bad octal field in tar header: '" + s + "'", e);
    }
  }
}
