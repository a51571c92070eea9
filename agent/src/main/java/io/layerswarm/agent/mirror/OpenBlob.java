package io.layerswarm.agent.mirror;

import io.layerswarm.registry.Digest;
import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * A verified blob opened for reading from the agent's store. The owner either hands {@link
 * #channel()} to a {@code DefaultFileRegion} (which then closes it) or calls {@link #close()}.
 */
public final class OpenBlob implements AutoCloseable {
  private final Digest digest;
  private final FileChannel channel;
  private final long size;

  OpenBlob(Digest digest, FileChannel channel, long size) {
    this.digest = digest;
    this.channel = channel;
    this.size = size;
  }

  public Digest digest() {
    return digest;
  }

  /** Positioned reads only; the position of the channel is not used. */
  public FileChannel channel() {
    return channel;
  }

  /** Size in bytes. */
  public long size() {
    return size;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
