package io.layerswarm.swarm.storage;

import io.netty.channel.DefaultFileRegion;
import java.nio.channels.FileChannel;

/**
 * A {@link DefaultFileRegion} over a file channel that stays open when the region is released:
 * every upload of a torrent shares the storage's one channel. Staying a {@code DefaultFileRegion}
 * keeps the native sendfile path of the epoll transport.
 */
final class SharedFileRegion extends DefaultFileRegion {
  SharedFileRegion(FileChannel file, long position, long count) {
    super(file, position, count);
  }

  @Override
  protected void deallocate() {
    // The channel belongs to PieceStorage, which closes it when the torrent is removed.
  }
}
