package io.layerswarm.swarm.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.auth.ClusterKey;
import io.layerswarm.core.auth.ClusterSecret;
import io.layerswarm.core.auth.KeyPurpose;
import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.core.metainfo.PeerId;
import io.layerswarm.swarm.wire.MemberProof.Exchange;
import io.layerswarm.swarm.wire.MemberProof.Role;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MemberProofTest {
  private final ClusterKey key = ClusterSecret.random().key(KeyPurpose.PEER);
  private final InfoHash infoHash = new InfoHash(new byte[20]);
  private final PeerId dialer = PeerId.random();
  private final PeerId accepter = PeerId.random();

  private Exchange exchange() {
    return new Exchange(
        infoHash, dialer, accepter, MemberProof.nonce().bytes(), MemberProof.nonce().bytes());
  }

  @Test
  void aMembersProofChecksWithTheSameSecret() {
    Exchange exchange = exchange();

    MemberProof.Proof proof = MemberProof.proof(key, Role.DIALER, exchange);

    assertThat(MemberProof.verify(key, Role.DIALER, exchange, proof)).isTrue();
  }

  @Test
  void aProofMadeWithAnotherSecretDoesNotCheck() {
    Exchange exchange = exchange();
    ClusterKey other = ClusterSecret.random().key(KeyPurpose.PEER);

    MemberProof.Proof proof = MemberProof.proof(other, Role.DIALER, exchange);

    assertThat(MemberProof.verify(key, Role.DIALER, exchange, proof)).isFalse();
  }

  @Test
  void theHttpKeyOfTheSameSecretMakesNoPeerProof() {
    ClusterSecret secret = ClusterSecret.random();
    Exchange exchange = exchange();

    MemberProof.Proof proof = MemberProof.proof(secret.key(KeyPurpose.HTTP), Role.DIALER, exchange);

    assertThat(MemberProof.verify(secret.key(KeyPurpose.PEER), Role.DIALER, exchange, proof))
        .isFalse();
  }

  @Test
  void aDialersProofCannotBeReflectedAsTheAcceptersProof() {
    Exchange exchange = exchange();

    MemberProof.Proof proof = MemberProof.proof(key, Role.DIALER, exchange);

    assertThat(MemberProof.verify(key, Role.ACCEPTER, exchange, proof)).isFalse();
  }

  @Test
  void aProofRecordedOnOneConnectionDoesNotCheckOnAnother() {
    Exchange first = exchange();
    Exchange second =
        new Exchange(infoHash, dialer, accepter, first.dialerNonce(), MemberProof.nonce().bytes());

    MemberProof.Proof recorded = MemberProof.proof(key, Role.DIALER, first);

    assertThat(MemberProof.verify(key, Role.DIALER, second, recorded)).isFalse();
  }

  @Test
  void theProofCoversTheInfoHashAndBothPeerIds() {
    Exchange exchange = exchange();
    MemberProof.Proof proof = MemberProof.proof(key, Role.DIALER, exchange);
    byte[] otherHash = new byte[20];
    otherHash[0] = 1;

    assertThat(
            MemberProof.verify(
                key,
                Role.DIALER,
                new Exchange(
                    new InfoHash(otherHash),
                    dialer,
                    accepter,
                    exchange.dialerNonce(),
                    exchange.accepterNonce()),
                proof))
        .isFalse();
    assertThat(
            MemberProof.verify(
                key,
                Role.DIALER,
                new Exchange(
                    infoHash,
                    PeerId.random(),
                    accepter,
                    exchange.dialerNonce(),
                    exchange.accepterNonce()),
                proof))
        .isFalse();
    assertThat(
            MemberProof.verify(
                key,
                Role.DIALER,
                new Exchange(
                    infoHash,
                    dialer,
                    PeerId.random(),
                    exchange.dialerNonce(),
                    exchange.accepterNonce()),
                proof))
        .isFalse();
  }

  @Test
  void nonceAndProofAreDecodedInOrderAndTheBytesAfterGoOn() {
    EmbeddedChannel channel = new EmbeddedChannel(new MemberFrameDecoder());
    byte[] nonce = MemberProof.nonce().bytes();
    byte[] proof = MemberProof.proof(key, Role.DIALER, exchange()).mac();
    byte[] wire = new byte[nonce.length + proof.length + 5];
    System.arraycopy(nonce, 0, wire, 0, nonce.length);
    System.arraycopy(proof, 0, wire, nonce.length, proof.length);
    wire[wire.length - 1] = 2; // The first bytes of a peer message.

    channel.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOf(wire, 10)));
    assertThat((Object) channel.readInbound()).isNull();
    channel.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(wire, 10, wire.length)));

    assertThat((Object) channel.readInbound()).isEqualTo(new MemberProof.Nonce(nonce));
    assertThat((Object) channel.readInbound()).isEqualTo(new MemberProof.Proof(proof));
    assertThat(channel.pipeline().get(MemberFrameDecoder.class)).as("removed itself").isNull();
    io.netty.buffer.ByteBuf rest = channel.readInbound();
    assertThat(rest.readableBytes()).isEqualTo(5);
    rest.release();
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }
}
