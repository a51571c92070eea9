package io.layerswarm.swarm.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.metainfo.BlockRef;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.PeerId;
import io.layerswarm.core.metainfo.PieceIndex;
import io.layerswarm.swarm.loop.ManualLoop;
import io.layerswarm.swarm.storage.InMemoryPieceStore;
import io.layerswarm.swarm.torrent.TorrentCore;
import io.layerswarm.swarm.wire.PeerMessage;
import io.layerswarm.swarm.wire.PeerMessageDecoder;
import io.layerswarm.swarm.wire.PeerMessageEncoder;
import io.layerswarm.testing.ManualClock;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.FileRegion;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChannelPeerLinkTest {
  @TempDir Path dir;
  private final ManualClock clock = new ManualClock();
  private final AddressBans bans = new AddressBans(clock);
  private final EmbeddedChannel channel = new PeerChannel();
  private final ManualLoop loop = new ManualLoop(clock);
  private TorrentCore core;
  private ChannelPeerLink link;

  @BeforeEach
  void link() throws Exception {
    Metainfo metainfo =
        Metainfo.create(
            Files.write(dir.resolve("blob"), new byte[1000]), "blob", List.of(), 1 << 18);
    core =
        WireBed.torrent(
            metainfo, PeerId.random(), loop, clock, InMemoryPieceStore.trusting(metainfo, true));
    link =
        new ChannelPeerLink(
            channel,
            new Endpoint(
                core,
                block -> {
                  throw new IllegalStateException("no uploads here");
                }),
            bans);
  }

  /** An embedded channel with an IP address at the other end, as a peer connection has. */
  private static final class PeerChannel extends EmbeddedChannel {
    PeerChannel() {
      super(
          PeerMessageEncoder.INSTANCE,
          new ChannelInboundHandlerAdapter() {
            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
              // Writes failed by the close, as PeerChannelHandler would take them.
            }
          });
    }

    @Override
    protected SocketAddress remoteAddress0() {
      return new InetSocketAddress("10.0.0.9", 6881);
    }
  }

  @Test
  void messagesGoOutOnFlush() {
    link.send(new PeerMessage.Have(new PieceIndex(3)));
    assertThat(channel.outboundMessages()).isEmpty();

    link.flush();

    assertThat(channel.outboundMessages()).hasSize(1);
    assertThat(channel.isActive()).isTrue();
    assertThat(channel.finishAndReleaseAll()).isTrue();
  }

  @Test
  void aFlushGoesDownThePipelineAsOneBufferSplitOnlyWhereABlocksDataFollows() throws Exception {
    Path file = Files.write(dir.resolve("data"), new byte[1000]);
    EmbeddedChannel uploads = new PeerChannel();
    ChannelPeerLink uploader =
        new ChannelPeerLink(
            uploads,
            new Endpoint(
                core,
                block -> new DefaultFileRegion(file.toFile(), block.offset(), block.length())),
            bans);
    BlockRef block = BlockRef.of(0, 0, 1000);
    List<Boolean> written = new ArrayList<>();

    uploader.send(new PeerMessage.Unchoke());
    uploader.send(new PeerMessage.Have(new PieceIndex(3)));
    uploader.send(new PeerMessage.Request(BlockRef.of(2, 16384, 16384)));
    uploader.sendBlock(block, written::add);
    uploader.send(new PeerMessage.Have(new PieceIndex(4)));
    uploader.flush();

    List<Object> out = List.copyOf(uploads.outboundMessages());
    assertThat(out).hasSize(3);
    assertThat(out.get(0)).isInstanceOf(ByteBuf.class);
    assertThat(out.get(1)).isInstanceOf(FileRegion.class);
    assertThat(out.get(2)).isInstanceOf(ByteBuf.class);
    // The bytes decode to the messages in the order they were sent.
    EmbeddedChannel in = new EmbeddedChannel(new PeerMessageDecoder());
    in.writeInbound(((ByteBuf) out.get(0)).retain());
    in.writeInbound(Unpooled.wrappedBuffer(new byte[1000]));
    in.writeInbound(((ByteBuf) out.get(2)).retain());
    List<Object> decoded = List.copyOf(in.inboundMessages());
    assertThat(decoded)
        .extracting(m -> m.getClass().getSimpleName())
        .containsExactly("Unchoke", "Have", "Request", "Piece", "Have");
    assertThat(decoded.get(1)).isEqualTo(new PeerMessage.Have(new PieceIndex(3)));
    assertThat(decoded.get(2)).isEqualTo(new PeerMessage.Request(BlockRef.of(2, 16384, 16384)));
    PeerMessage.Piece piece = (PeerMessage.Piece) decoded.get(3);
    assertThat(piece.piece()).isEqualTo(new PieceIndex(0));
    assertThat(piece.data().readableBytes()).isEqualTo(1000);
    assertThat(decoded.get(4)).isEqualTo(new PeerMessage.Have(new PieceIndex(4)));
    in.finishAndReleaseAll();
    uploads.finishAndReleaseAll();
    loop.runPending();
    assertThat(written).as("the block's write completed").containsExactly(true);
  }

  @Test
  void aPeerWithMoreThanTheOutboundLimitWaitingIsClosedAndItsAddressBanned() {
    int haves = (int) (ChannelPeerLink.MAX_OUTBOUND_BYTES / 9) + 1;
    for (int i = 0; i < haves; i++) {
      link.send(new PeerMessage.Have(new PieceIndex(i)));
    }

    link.flush();

    assertThat(channel.isActive()).isFalse();
    assertThat(channel.outboundMessages()).as("nothing was sent").isEmpty();
    assertThat(bans.isBanned(((InetSocketAddress) channel.remoteAddress()).getAddress())).isTrue();
    channel.finishAndReleaseAll();
  }

  @Test
  void banningClosesTheChannelAndRefusesItsAddress() {
    link.ban("it sent corrupt pieces");

    assertThat(channel.isActive()).isFalse();
    assertThat(bans.size()).isEqualTo(1);
    channel.finishAndReleaseAll();
  }
}
