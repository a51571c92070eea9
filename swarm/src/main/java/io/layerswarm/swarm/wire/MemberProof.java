package io.layerswarm.swarm.wire;

import io.layerswarm.core.auth.ClusterKey;
import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.core.metainfo.PeerId;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * LayerSwarm's membership proof, a handshake extension that lets only cluster members exchange
 * pieces. Both handshakes set {@link Handshake#member()} (reserved[3] &amp; 0x01, unassigned in BEP
 * 4) and are each followed by a random {@value #NONCE_BYTES}-byte nonce; then each side sends a
 * {@value #PROOF_BYTES}-byte HMAC-SHA256, with the cluster's peer key, over its role, the info
 * hash, both nonces and both peer ids. On the wire:
 *
 * <pre>
 * dialer   -&gt; accepter: handshake(member) nonce_d
 * accepter -&gt; dialer:   handshake(member) nonce_a      (only to a handshake with the member bit)
 * dialer   -&gt; accepter: proof_d = MAC("layerswarm dialer",   ih, nonce_d, nonce_a, id_d, id_a)
 * accepter -&gt; dialer:   proof_a = MAC("layerswarm accepter", ih, nonce_d, nonce_a, id_d, id_a)
 * </pre>
 *
 * The accepter sends nothing at all to a handshake without the bit, and nothing but its handshake
 * and nonce before the dialer's proof checks; the dialer sends nothing but its handshake, nonce and
 * proof before the accepter's proof checks. Fresh nonces on both sides make a recorded proof
 * useless on another connection, and the role in the MAC stops one side's proof being reflected
 * back as the other's. Proofs are compared in constant time ({@link ClusterKey#verify}). Pure.
 */
public final class MemberProof {
  public static final int NONCE_BYTES = 16;
  public static final int PROOF_BYTES = ClusterKey.MAC_BYTES;

  private static final SecureRandom RANDOM = new SecureRandom();

  /** Which end of the connection makes a proof. */
  public enum Role {
    DIALER("layerswarm dialer"),
    ACCEPTER("layerswarm accepter");

    private final byte[] label;

    Role(String label) {
      this.label = label.getBytes(StandardCharsets.US_ASCII);
    }
  }

  /** Both ends' handshakes and nonces: what each proof covers. */
  public record Exchange(
      InfoHash infoHash, PeerId dialer, PeerId accepter, byte[] dialerNonce, byte[] accepterNonce) {
    public Exchange {
      dialerNonce = nonce(dialerNonce);
      accepterNonce = nonce(accepterNonce);
    }

    private byte[][] parts(Role role) {
      return new byte[][] {
        role.label, infoHash.bytes(), dialerNonce, accepterNonce, dialer.bytes(), accepter.bytes()
      };
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Exchange e
          && infoHash.equals(e.infoHash)
          && dialer.equals(e.dialer)
          && accepter.equals(e.accepter)
          && Arrays.equals(dialerNonce, e.dialerNonce)
          && Arrays.equals(accepterNonce, e.accepterNonce);
    }

    @Override
    public int hashCode() {
      return infoHash.hashCode() * 31 + Arrays.hashCode(dialerNonce);
    }

    @Override
    public String toString() {
      return "Exchange[" + infoHash + " " + dialer + " -> " + accepter + "]";
    }
  }

  /** A nonce as it follows a member's handshake on the wire. */
  public record Nonce(byte[] bytes) {
    public Nonce {
      bytes = nonce(bytes);
    }

    @Override
    public byte[] bytes() {
      return bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Nonce n && Arrays.equals(bytes, n.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return "Nonce[" + NONCE_BYTES + " bytes]";
    }
  }

  /** A proof as it goes on the wire after the nonces. */
  public record Proof(byte[] mac) {
    public Proof {
      if (mac == null || mac.length != PROOF_BYTES) {
        throw new IllegalArgumentException("a proof has " + PROOF_BYTES + " bytes");
      }
      mac = mac.clone();
    }

    @Override
    public byte[] mac() {
      return mac.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Proof p && Arrays.equals(mac, p.mac);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(mac);
    }

    @Override
    public String toString() {
      return "Proof[" + PROOF_BYTES + " bytes]";
    }
  }

  private MemberProof() {}

  /** A fresh random nonce. */
  public static Nonce nonce() {
    byte[] bytes = new byte[NONCE_BYTES];
    RANDOM.nextBytes(bytes);
    return new Nonce(bytes);
  }

  /** The proof that {@code role} sends for {@code exchange}. */
  public static Proof proof(ClusterKey key, Role role, Exchange exchange) {
    return new Proof(key.mac(exchange.parts(role)));
  }

  /** Whether {@code proof} is what a member in {@code role} sends for {@code exchange}. */
  public static boolean verify(ClusterKey key, Role role, Exchange exchange, Proof proof) {
    return key.verify(proof.mac, exchange.parts(role));
  }

  private static byte[] nonce(byte[] bytes) {
    if (bytes == null || bytes.length != NONCE_BYTES) {
      throw new IllegalArgumentException("a nonce has " + NONCE_BYTES + " bytes");
    }
    return bytes.clone();
  }
}
