package io.layerswarm.agent.mirror;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads the verified pieces of a swarm download, in order; a read blocks in the engine until the
 * next piece is verified. What it reads feeds the download's {@link PrefixHasher}: the engine's
 * stream reads the download file itself, whose verified pieces are never written again.
 */
final class TorrentSource implements LiveTransfer.Source {
  private final InputStream stream;
  private final PrefixHasher hasher;

  /**
   * @param stream the torrent's stream from the reader's position
   * @param hasher the torrent's prefix hash, fed with every byte read
   */
  TorrentSource(InputStream stream, PrefixHasher hasher) {
    this.stream = stream;
    this.hasher = hasher;
  }

  @Override
  public int read(byte[] b, int off, int len, long position) throws IOException {
    int n = stream.read(b, off, len);
    if (n > 0) {
      hasher.offer(position, b, off, n);
    }
    return n;
  }

  @Override
  public boolean verified() {
    return false;
  }

  @Override
  public String describe() {
    return "the swarm";
  }

  @Override
  public void close() throws IOException {
    stream.close();
  }
}
