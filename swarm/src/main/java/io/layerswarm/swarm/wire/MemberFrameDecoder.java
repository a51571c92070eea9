package io.layerswarm.swarm.wire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Decodes what follows a member's handshake ({@link MemberProof}): its {@link MemberProof.Nonce},
 * then its {@link MemberProof.Proof}; then removes itself, and the bytes after the proof go on to
 * the next decoder. Sits between the {@link HandshakeDecoder} and the {@link PeerMessageDecoder},
 * only on an engine with a cluster secret. Runs on the channel's event loop.
 */
public final class MemberFrameDecoder extends ByteToMessageDecoder {
  private boolean nonceRead;

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (!nonceRead) {
      if (in.readableBytes() < MemberProof.NONCE_BYTES) {
        return;
      }
      byte[] nonce = new byte[MemberProof.NONCE_BYTES];
      in.readBytes(nonce);
      out.add(new MemberProof.Nonce(nonce));
      nonceRead = true;
    }
    if (in.readableBytes() < MemberProof.PROOF_BYTES) {
      return;
    }
    byte[] proof = new byte[MemberProof.PROOF_BYTES];
    in.readBytes(proof);
    out.add(new MemberProof.Proof(proof));
    ctx.pipeline().remove(this);
  }
}
