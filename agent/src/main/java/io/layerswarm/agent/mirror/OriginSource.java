package io.layerswarm.agent.mirror;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Reads the file an origin copy writes, up to the bytes the copy has committed. */
final class OriginSource implements LiveTransfer.Source {
  /** How far the origin copy is. */
  @FunctionalInterface
  interface Committed {
    /**
     * The bytes readable from {@code position} on (at least 1), waiting, bounded, until there are
     * some.
     *
     * @throws BlobReadException when the copy failed or the blob is not what was promised
     * @throws IOException when the copy is over: the bytes are (about to be) in the store
     */
    long awaitBeyond(long position) throws IOException;
  }

  private final Path file;
  private final Committed committed;
  private FileChannel channel;

  OriginSource(Path file, Committed committed) {
    this.file = file;
    this.committed = committed;
  }

  @Override
  public int read(byte[] b, int off, int len, long position) throws IOException {
    long available = committed.awaitBeyond(position);
    if (channel == null) {
      channel = FileChannel.open(file, StandardOpenOption.READ);
    }
    int want = (int) Math.min(len, available);
    return channel.read(ByteBuffer.wrap(b, off, want), position);
  }

  @Override
  public boolean verified() {
    return false;
  }

  @Override
  public String describe() {
    return "the origin";
  }

  @Override
  public void close() throws IOException {
    if (channel != null) {
      channel.close();
    }
  }
}
