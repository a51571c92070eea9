package io.layerswarm.swarm.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.PeerId;
import io.layerswarm.core.metainfo.PieceIndex;
import io.layerswarm.swarm.loop.ManualLoop;
import io.layerswarm.swarm.storage.InMemoryPieceStore;
import io.layerswarm.swarm.torrent.TorrentCore;
import io.layerswarm.swarm.wire.PeerMessage;
import io.layerswarm.swarm.wire.PeerMessageEncoder;
import io.layerswarm.testing.ManualClock;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChannelPeerLinkTest {
  @TempDir Path dir;
  private final ManualClock clock = new ManualClock();
  private final AddressBans bans = new AddressBans(clock);
  private final EmbeddedChannel channel = new PeerChannel();
  private ChannelPeerLink link;

  @BeforeEach
  void link() throws Exception {
    Metainfo metainfo =
        Metainfo.create(
            Files.write(dir.resolve("blob"), new byte[1000]), "blob", List.of(), 1 << 18);
    TorrentCore core =
        WireBed.torrent(
            metainfo,
            PeerId.random(),
            new ManualLoop(clock),
            clock,
            InMemoryPieceStore.trusting(metainfo, true));
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
