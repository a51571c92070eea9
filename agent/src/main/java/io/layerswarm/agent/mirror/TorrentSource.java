package io.layerswarm.agent.mirror;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads the verified pieces of a swarm download, in order; a read blocks in the engine until the
 * next piece is verified.
 */
final class TorrentSource implements LiveTransfer.Source {
  private final InputStream stream;

  /**
   * @param stream the torrent's stream from the reader's position
   */
  TorrentSource(InputStream stream) {
    this.stream = stream;
  }

  @Override
  public int read(byte[] b, int off, int len, long position) throws IOException {
    return stream.read(b, off, len);
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
