package io.layerswarm.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class ClusterKeyTest {
  private static final byte[] SECRET = new byte[32];

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void theKeyIsTheHmacOfThePurposeLabelAndTheMacFramesEachPartByItsLength() throws Exception {
    // Written out with the JDK's HMAC, so another implementation (a peer in another language) can
    // follow the same recipe.
    Mac derive = Mac.getInstance("HmacSHA256");
    derive.init(new SecretKeySpec(SECRET, "HmacSHA256"));
    byte[] key = derive.doFinal(bytes("layerswarm peer v1"));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    mac.update(HexFormat.of().parseHex("00000002"));
    mac.update(bytes("ab"));
    mac.update(HexFormat.of().parseHex("00000001"));
    mac.update(bytes("c"));

    assertThat(ClusterSecret.of(SECRET).key(KeyPurpose.PEER).mac(bytes("ab"), bytes("c")))
        .isEqualTo(mac.doFinal());
  }

  @Test
  void partsAreFramedSoMovingABoundaryChangesTheMac() {
    ClusterKey key = ClusterSecret.of(SECRET).key(KeyPurpose.PEER);

    assertThat(key.mac(bytes("ab"), bytes("c"))).isNotEqualTo(key.mac(bytes("a"), bytes("bc")));
    assertThat(key.mac(bytes("abc"))).isNotEqualTo(key.mac(bytes("ab"), bytes("c")));
  }

  @Test
  void verifyAcceptsOnlyTheExactMac() {
    ClusterKey key = ClusterSecret.of(SECRET).key(KeyPurpose.PEER);
    byte[] mac = key.mac(bytes("nonce"));

    assertThat(key.verify(mac, bytes("nonce"))).isTrue();
    mac[31] ^= 1;
    assertThat(key.verify(mac, bytes("nonce"))).isFalse();
    assertThat(key.verify(new byte[16], bytes("nonce"))).isFalse();
    assertThat(key.verify(null, bytes("nonce"))).isFalse();
  }

  @Test
  void aMacIsThirtyTwoBytes() {
    assertThat(ClusterSecret.random().key(KeyPurpose.HTTP).mac()).hasSize(ClusterKey.MAC_BYTES);
  }
}
