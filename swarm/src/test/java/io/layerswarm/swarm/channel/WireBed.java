package io.layerswarm.swarm.channel;

import io.layerswarm.core.auth.ClusterKey;
import io.layerswarm.core.metainfo.BlockRef;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.PeerId;
import io.layerswarm.swarm.loop.Loop;
import io.layerswarm.swarm.loop.ManualLoop;
import io.layerswarm.swarm.storage.InMemoryPieceStore;
import io.layerswarm.swarm.storage.PieceMemory;
import io.layerswarm.swarm.storage.PieceStore;
import io.layerswarm.swarm.torrent.Dialer;
import io.layerswarm.swarm.torrent.TorrentCore;
import io.layerswarm.swarm.torrent.TorrentPolicy;
import io.layerswarm.swarm.torrent.TorrentPorts;
import io.layerswarm.swarm.wire.PeerMessageDecoder;
import io.layerswarm.testing.ManualClock;
import io.layerswarm.testing.fuzz.ConnectedEmbeddedChannel;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * One torrent and one incoming peer connection through the engine's whole pipeline ({@link
 * PeerChannelInitializer}, the handshake handler, the peer), on an embedded channel, for the peer
 * wire's fuzz targets. The torrent seeds a small blob or downloads it into an empty store that
 * checks every piece. Its loop is not the channel's, as in the engine: what the channel hands the
 * torrent waits until {@link #runTorrent}, so an exception there reaches the test instead of the
 * channel's exception handler.
 */
final class WireBed implements AutoCloseable {
  private static final InetSocketAddress REMOTE = new InetSocketAddress("10.0.0.9", 51413);
  private static final InetSocketAddress LOCAL = new InetSocketAddress("10.0.0.1", 6881);
  static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
  private static final Method INTERNAL_BUFFER;

  static {
    try {
      INTERNAL_BUFFER = ByteToMessageDecoder.class.getDeclaredMethod("internalBuffer");
      INTERNAL_BUFFER.setAccessible(true);
    } catch (NoSuchMethodException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  final Metainfo metainfo;
  final byte[] content;

  /** The engine's peer id in every bed, so that inputs may name it (a connection to itself). */
  static final PeerId LOCAL_ID = PeerId.random();

  final PeerId localId = LOCAL_ID;
  final InMemoryPieceStore store;
  final TorrentCore core;
  final ConnectedEmbeddedChannel channel;
  private final TorrentLoop loop;
  private final ByteArrayOutputStream sent = new ByteArrayOutputStream();

  /**
   * @param blob the blob, on disk for uploads
   * @param peerKey the cluster's peer key (peers must prove membership), or empty for open mode
   */
  WireBed(WireInputs blob, boolean seeding, Optional<ClusterKey> peerKey) {
    this.metainfo = blob.metainfo;
    this.content = blob.content;
    Path file = blob.file;
    ManualClock clock = new ManualClock();
    loop = new TorrentLoop(new ManualLoop(clock));
    store = InMemoryPieceStore.checking(metainfo, seeding ? content : null);
    core = torrent(metainfo, localId, loop, clock, store);
    Endpoint endpoint =
        new Endpoint(
            core,
            block ->
                new DefaultFileRegion(
                    file.toFile(),
                    metainfo.geometry().pieceOffset(block.piece().value()) + block.offset(),
                    block.length()));
    Admission admission = new Admission(HANDSHAKE_TIMEOUT, new AddressBans(clock), peerKey);
    channel =
        ConnectedEmbeddedChannel.open(
            REMOTE,
            LOCAL,
            new PeerChannelInitializer(
                null,
                admission,
                () ->
                    HandshakeHandler.incoming(
                        admission,
                        localId,
                        hash ->
                            hash.equals(metainfo.infoHash())
                                ? Optional.of(endpoint)
                                : Optional.empty()),
                ch -> true));
    channel.pipeline().addFirst("sent", new Sent());
    // The handshake timeout runs on the channel's clock: frozen, so that a slow machine cannot fire
    // it mid-input (a fuzz run under heavy load once saw its handshake go unanswered); tests that
    // want it advance the clock.
    channel.freezeTime();
  }

  /** Hands {@code bytes} to the channel as one read, then lets the torrent handle what it got. */
  void read(byte[] bytes) {
    if (channel.isActive()) {
      channel.writeInbound(Unpooled.wrappedBuffer(bytes));
    }
    runTorrent();
  }

  /**
   * A torrent with the engine's policy that dials nobody: it only answers the connections it is
   * given.
   */
  static TorrentCore torrent(
      Metainfo metainfo, PeerId localId, Loop loop, InstantSource clock, PieceStore store) {
    return new TorrentCore(
        metainfo,
        localId,
        TorrentPolicy.DEFAULTS,
        new TorrentPorts(
            loop,
            clock,
            new SplittableRandom(1),
            store,
            PieceMemory.unbounded(),
            new Dialer() {
              @Override
              public boolean isSelf(InetSocketAddress address) {
                return false;
              }

              @Override
              public boolean dial(InetSocketAddress address, Events events) {
                return false;
              }
            },
            () -> 1));
  }

  /** Runs the torrent's pending tasks; an exception in one is thrown here. */
  void runTorrent() {
    loop.runPending();
    channel.runPendingTasks();
  }

  /** Bytes the message decoder holds, not yet decoded; 0 once it has left the pipeline. */
  int bufferedByMessageDecoder() {
    return buffered(PeerMessageDecoder.class);
  }

  /** Bytes a decoder of the pipeline holds, not yet decoded; 0 if it is not in the pipeline. */
  int buffered(Class<? extends ByteToMessageDecoder> type) {
    ByteToMessageDecoder decoder = channel.pipeline().get(type);
    if (decoder == null) {
      return 0;
    }
    try {
      return ((ByteBuf) INTERNAL_BUFFER.invoke(decoder)).readableBytes();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether the handshake (and the membership proof) finished and a peer took over. */
  boolean handshakeDone() {
    return channel.pipeline().get("peer") != null;
  }

  /** Every byte written to the peer so far (file regions as their length in zeros). */
  byte[] sent() {
    return sent.toByteArray();
  }

  /** Whether the store holds exactly the blob's bytes in every piece it counts as verified. */
  boolean storeHoldsOnlyTheBlob() {
    var geometry = metainfo.geometry();
    for (int piece = 0; piece < geometry.pieceCount(); piece++) {
      if (!store.verified().get(piece)) {
        continue;
      }
      int offset = (int) geometry.pieceOffset(piece);
      int size = geometry.pieceSize(piece);
      byte[] held = store.read(BlockRef.of(piece, 0, size));
      if (!Arrays.equals(held, Arrays.copyOfRange(content, offset, offset + size))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() {
    channel.close();
    runTorrent();
    channel.finishAndReleaseAll();
  }

  /** Records what goes out, before the channel (which keeps it) would. */
  private final class Sent extends ChannelOutboundHandlerAdapter {
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      if (msg instanceof ByteBuf bytes) {
        byte[] copy = new byte[bytes.readableBytes()];
        bytes.getBytes(bytes.readerIndex(), copy);
        sent.writeBytes(copy);
      } else if (msg instanceof DefaultFileRegion region) {
        sent.writeBytes(new byte[(int) region.count()]);
      }
      ctx.write(msg, promise);
    }
  }

  /**
   * The torrent's loop: tasks from the channel wait for {@link #runPending}, as on another thread.
   */
  private static final class TorrentLoop implements Loop {
    private final ManualLoop timers;
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private boolean running;

    TorrentLoop(ManualLoop timers) {
      this.timers = timers;
    }

    @Override
    public boolean inLoop() {
      return running;
    }

    @Override
    public void execute(Runnable task) {
      tasks.add(task);
    }

    @Override
    public Timer schedule(Runnable task, Duration delay) {
      return timers.schedule(task, delay);
    }

    void runPending() {
      running = true;
      try {
        Runnable task;
        int ran = 0;
        while ((task = tasks.poll()) != null) {
          task.run();
          if (++ran > 1_000_000) {
            throw new AssertionError("tasks keep submitting tasks");
          }
        }
      } finally {
        running = false;
      }
    }
  }
}
