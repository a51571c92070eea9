package io.layerswarm.swarm.channel;

import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.PeerId;
import io.layerswarm.swarm.wire.PeerMessage;
import io.layerswarm.swarm.wire.PeerMessageEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/** A small blob on disk for the peer wire's fuzz targets, and the bytes peers send about it. */
final class WireInputs implements AutoCloseable {
  static final int PIECE_LENGTH = 32 * 1024;

  final byte[] content;
  final Path file;
  final Metainfo metainfo;
  private final Path dir;

  /** 80,000 random bytes in 32 KiB pieces: two whole pieces and a short one of one block. */
  WireInputs() throws IOException {
    dir = Files.createTempDirectory("wire-fuzz");
    content = new byte[80_000];
    new Random(7).nextBytes(content);
    file = Files.write(dir.resolve("blob"), content);
    metainfo = Metainfo.create(file, "blob", List.of(), PIECE_LENGTH);
  }

  /** A handshake for this blob with the given reserved bytes. */
  byte[] handshake(byte[] reserved, PeerId peerId) {
    ByteBuffer handshake = ByteBuffer.allocate(68);
    handshake.put((byte) 19).put("BitTorrent protocol".getBytes(StandardCharsets.US_ASCII));
    handshake.put(reserved).put(metainfo.infoHash().bytes()).put(peerId.bytes());
    return handshake.array();
  }

  /** {@code messages} as the engine's encoder puts them on the wire. */
  static byte[] encode(List<PeerMessage> messages) {
    EmbeddedChannel encoder = new EmbeddedChannel(PeerMessageEncoder.INSTANCE);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (PeerMessage message : messages) {
      encoder.writeOutbound(message);
      for (Object o; (o = encoder.readOutbound()) != null; ) {
        ByteBuf bytes = (ByteBuf) o;
        byte[] copy = new byte[bytes.readableBytes()];
        bytes.readBytes(copy);
        bytes.release();
        out.writeBytes(copy);
      }
    }
    encoder.finishAndReleaseAll();
    return out.toByteArray();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  @Override
  public void close() throws IOException {
    Files.deleteIfExists(file);
    Files.deleteIfExists(dir);
  }
}
