package io.layerswarm.testbed;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Minimal POSIX ustar writer: regular files, directories and symlinks, owned by root, with a fixed
 * mtime so that the same content always yields the same bytes (and so the same layer digest).
 */
public final class TarWriter implements Closeable {

  /** Writes exactly the announced number of bytes of an entry's content. */
  @FunctionalInterface
  public interface ContentWriter {
    void writeTo(OutputStream out) throws IOException;
  }

  static final int BLOCK = 512;

  /** 2024-01-01T00:00:00Z: any constant works, zero makes some tools print warnings. */
  public static final long DEFAULT_MTIME = 1_704_067_200L;

  private static final long MAX_SIZE =
      077777777777L; // 11 octal digits, the ustar limit (8 GiB - 1)

  private final OutputStream out;
  private final long mtime;
  private boolean finished;

  public TarWriter(OutputStream out) {
    this(out, DEFAULT_MTIME);
  }

  public TarWriter(OutputStream out, long mtimeEpochSeconds) {
    this.out = Objects.requireNonNull(out, "out");
    this.mtime = mtimeEpochSeconds;
  }

  public void directory(String name, int mode) throws IOException {
    String dir = name.endsWith("/") ? name : name + "/";
    out.write(header(dir, mode, 0, '5', ""));
  }

  public void symlink(String name, String target) throws IOException {
    out.write(header(name, 0777, 0, '2', target));
  }

  public void file(String name, int mode, byte[] content) throws IOException {
    file(name, mode, content.length, o -> o.write(content));
  }

  public void file(String name, int mode, long size, InputStream content) throws IOException {
    file(
        name,
        mode,
        size,
        o -> {
          long copied = content.transferTo(o);
          if (copied != size) {
            throw new IOException(
                "tar entry " + name + ": stream had " + copied + " bytes, announced " + size);
          }
        });
  }

  /** Streams the content through {@code writer}; it must write exactly {@code size} bytes. */
  public void file(String name, int mode, long size, ContentWriter writer) throws IOException {
    if (size < 0 || size > MAX_SIZE) {
      throw new IllegalArgumentException(
          "tar entry " + name + ": size " + size + " outside ustar range");
    }
    out.write(header(name, mode, size, '0', ""));
    CountingOutputStream counting = new CountingOutputStream(out);
    writer.writeTo(counting);
    if (counting.count() != size) {
      throw new IOException(
          "tar entry " + name + ": wrote " + counting.count() + " bytes, announced " + size);
    }
    int pad = (int) ((BLOCK - size % BLOCK) % BLOCK);
    out.write(new byte[pad]);
  }

  /** Writes the end-of-archive marker (two zero blocks); does not close the underlying stream. */
  public void finish() throws IOException {
    if (!finished) {
      out.write(new byte[2 * BLOCK]);
      finished = true;
    }
  }

  @Override
  public void close() throws IOException {
    try {
      finish();
    } finally {
      out.close();
    }
  }

  private byte[] header(String name, int mode, long size, char type, String linkName) {
    byte[] h = new byte[BLOCK];
    byte[] full = name.getBytes(StandardCharsets.UTF_8);
    byte[] shortName = full;
    byte[] prefix = new byte[0];
    if (full.length > 100) {
      // ustar splits long paths at a '/' into prefix (155) and name (100).
      int split = -1;
      for (int i = Math.min(full.length - 1, 155); i > 0; i--) {
        if (full[i] == '/' && full.length - i - 1 <= 100) {
          split = i;
          break;
        }
      }
      if (split < 0) {
        throw new IllegalArgumentException("tar entry name too long for ustar: " + name);
      }
      prefix = Arrays.copyOfRange(full, 0, split);
      shortName = Arrays.copyOfRange(full, split + 1, full.length);
    }
    byte[] link = linkName.getBytes(StandardCharsets.UTF_8);
    if (link.length > 100) {
      throw new IllegalArgumentException("tar link target too long for ustar: " + linkName);
    }
    put(h, 0, 100, shortName);
    octal(h, 100, 8, mode & 07777);
    octal(h, 108, 8, 0); // uid
    octal(h, 116, 8, 0); // gid
    octal(h, 124, 12, size);
    octal(h, 136, 12, mtime);
    Arrays.fill(h, 148, 156, (byte) ' '); // checksum is computed with its own field as spaces
    h[156] = (byte) type;
    put(h, 157, 100, link);
    put(h, 257, 6, "ustar\0".getBytes(StandardCharsets.US_ASCII));
    put(h, 263, 2, "00".getBytes(StandardCharsets.US_ASCII));
    put(h, 265, 32, "root".getBytes(StandardCharsets.US_ASCII));
    put(h, 297, 32, "root".getBytes(StandardCharsets.US_ASCII));
    octal(h, 329, 8, 0); // devmajor
    octal(h, 337, 8, 0); // devminor
    put(h, 345, 155, prefix);
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    byte[] chk = String.format("%06o", sum).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(chk, 0, h, 148, 6);
    h[154] = 0;
    h[155] = ' ';
    return h;
  }

  private static void put(byte[] h, int off, int len, byte[] value) {
    System.arraycopy(value, 0, h, off, Math.min(len, value.length));
  }

  /** Zero-padded octal with a trailing NUL, filling the field. */
  private static void octal(byte[] h, int off, int len, long value) {
    String s = Long.toOctalString(value);
    if (s.length() > len - 1) {
      throw new IllegalArgumentException(
          "value " + value + " does not fit a " + len + "-byte tar field");
    }
    String padded = "0".repeat(len - 1 - s.length()) + s;
    put(h, off, len - 1, padded.getBytes(StandardCharsets.US_ASCII));
    h[off + len - 1] = 0;
  }
}
