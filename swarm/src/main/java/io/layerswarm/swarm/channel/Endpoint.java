package io.layerswarm.swarm.channel;

import io.layerswarm.core.metainfo.BlockRef;
import io.layerswarm.swarm.peer.Swarm;
import io.netty.channel.FileRegion;
import java.util.Objects;
import java.util.function.Function;

/**
 * A torrent as a connection sees it: the policy its peer attaches to, and where the blocks it
 * uploads are read from.
 *
 * @param swarm the torrent's policy; the connection's peer is attached to it after the handshake
 * @param blocks a zero-copy view of a block of a verified piece (the caller owns the reference);
 *     throws {@link IllegalStateException} if it is not available (the torrent was removed)
 */
public record Endpoint(Swarm swarm, Function<BlockRef, FileRegion> blocks) {
  public Endpoint {
    Objects.requireNonNull(swarm, "swarm");
    Objects.requireNonNull(blocks, "blocks");
  }
}
