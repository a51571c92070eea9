package io.layerswarm.swarm.channel;

import io.layerswarm.core.metainfo.BlockRef;
import io.layerswarm.swarm.log.LogKeys;
import io.layerswarm.swarm.peer.PeerLink;
import io.layerswarm.swarm.peer.Swarm;
import io.layerswarm.swarm.wire.PeerMessage;
import io.layerswarm.swarm.wire.PeerMessageEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.FileRegion;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link PeerLink} over a Netty channel. Messages queued on the torrent's event loop are handed
 * to the channel's event loop in one task per flush, so a burst of requests costs one hop, and are
 * encoded into one buffer that goes down the pipeline as one write; only a block's data, which goes
 * out zero-copy from the torrent's file, ends a buffer.
 *
 * <p>What waits to be sent is bounded: the {@link ReadGate} stops reading from a peer once the
 * channel is not writable, so a peer that does not read cannot make us answer more; should the
 * messages waiting still pass {@link #MAX_OUTBOUND_BYTES} (piece uploads, bounded by the upload
 * queue, are not counted), the peer is dropped and its address banned.
 */
final class ChannelPeerLink implements PeerLink {
  private static final Logger log = LoggerFactory.getLogger(ChannelPeerLink.class);

  /**
   * Bytes of messages other than pieces waiting to be sent above which the peer is banned: far
   * above the 64 KiB at which reading from it stops, and above anything a torrent sends a peer on
   * its own (a have per piece, a bitfield, requests of one pipeline).
   */
  static final long MAX_OUTBOUND_BYTES = 1024 * 1024;

  private final Channel channel;
  private final Swarm swarm;
  private final Function<BlockRef, FileRegion> blocks;
  private final AddressBans bans;

  /** Read while the channel is open: logs and snapshots still name the peer after it closed. */
  private final InetSocketAddress remoteAddress;

  private List<Object> pending = new ArrayList<>();

  ChannelPeerLink(Channel channel, Endpoint endpoint, AddressBans bans) {
    this.channel = channel;
    this.swarm = endpoint.swarm();
    this.blocks = endpoint.blocks();
    this.bans = bans;
    this.remoteAddress = (InetSocketAddress) channel.remoteAddress();
  }

  @Override
  public void send(PeerMessage message) {
    pending.add(message);
  }

  @Override
  public void sendBlock(BlockRef block, Consumer<Boolean> written) {
    ChannelPromise promise = channel.newPromise();
    promise.addListener(f -> swarm.execute(() -> written.accept(f.isSuccess())));
    FileRegion region;
    try {
      region = blocks.apply(block);
    } catch (IllegalStateException e) {
      promise.setFailure(e); // The torrent was removed under us.
      return;
    }
    pending.add(new Pending(new PeerMessage.FileBlock(block, region), promise));
  }

  @Override
  public void flush() {
    if (pending.isEmpty()) {
      return;
    }
    List<Object> batch = pending;
    pending = new ArrayList<>();
    if (channel.eventLoop().inEventLoop()) {
      write(batch);
    } else {
      channel.eventLoop().execute(() -> write(batch));
    }
  }

  private void write(List<Object> batch) {
    if (!channel.isActive()) {
      for (Object o : batch) {
        if (o instanceof Pending p) {
          ReferenceCountUtil.release(p.message);
          p.promise.tryFailure(new IllegalStateException("connection closed"));
        } else {
          ReferenceCountUtil.release(o);
        }
      }
      return;
    }
    // The flush's messages share buffers instead of passing the pipeline one by one: a buffer
    // ends only where a block's data must follow it.
    ByteBuf out = null;
    for (Object o : batch) {
      PeerMessage message = o instanceof Pending p ? p.message : (PeerMessage) o;
      if (out == null) {
        out =
            channel
                .alloc()
                .buffer(
                    PeerMessageEncoder.headerBytes(message)
                        + PeerMessageEncoder.BLOCK_MESSAGE_LENGTH
                            * Math.min(batch.size() - 1, 255));
      }
      Object data = PeerMessageEncoder.writeTo(out, message);
      if (data != null) {
        channel.write(out, channel.voidPromise());
        out = null;
        channel.write(data, o instanceof Pending p ? p.promise : channel.voidPromise());
      }
    }
    if (out != null) {
      channel.write(out, channel.voidPromise());
    }
    // What waits now: this batch and what earlier flushes could not send yet.
    ChannelOutboundBuffer outbound = channel.unsafe().outboundBuffer();
    if (outbound != null && outbound.totalPendingWriteBytes() > MAX_OUTBOUND_BYTES) {
      ban(
          "more than "
              + MAX_OUTBOUND_BYTES
              + " bytes of messages wait to be sent: it does not read");
      return;
    }
    channel.flush();
  }

  @Override
  public void close(String reason) {
    LogKeys.peer(LogKeys.torrent(log.atDebug(), swarm.metainfo()), remoteAddress)
        .log("closing the connection: {}", reason);
    flush();
    channel.close();
  }

  @Override
  public void ban(String reason) {
    if (remoteAddress != null && remoteAddress.getAddress() != null) {
      bans.ban(remoteAddress.getAddress());
    }
    LogKeys.peer(LogKeys.torrent(log.atWarn(), swarm.metainfo()), remoteAddress)
        .log("banning the peer's address for {} min: {}", AddressBans.DURATION.toMinutes(), reason);
    channel.close();
  }

  @Override
  public InetSocketAddress remoteAddress() {
    return remoteAddress;
  }

  private record Pending(PeerMessage.FileBlock message, ChannelPromise promise) {}
}
