package io.layerswarm.registry.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.core.Digest;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class DigestVerifyingInputStreamTest {
  private final byte[] content = "hello blob".getBytes(UTF_8);
  private final Digest digest = Digest.sha256(content);

  private InputStream verifying(byte[] body, boolean hash, long expectedBytes) {
    return new DigestVerifyingInputStream(
        new ByteArrayInputStream(body), digest, hash, expectedBytes);
  }

  @Test
  void theRightContentReadsToTheEnd() throws Exception {
    assertThat(verifying(content, true, content.length).readAllBytes()).isEqualTo(content);
  }

  @Test
  void skippingStillHashesTheSkippedBytes() throws Exception {
    InputStream in = verifying(content, true, content.length);
    assertThat(in.skip(3)).isEqualTo(3);
    assertThat(in.readAllBytes()).hasSize(content.length - 3);
  }

  @Test
  void singleByteReadsVerifyToo() throws Exception {
    InputStream in = verifying("hello blub".getBytes(UTF_8), true, content.length);
    for (int i = 0; i < content.length; i++) {
      assertThat(in.read()).isNotNegative();
    }
    assertThatThrownBy(in::read).isInstanceOf(DigestMismatchException.class);
  }

  @Test
  void tooManyBytesFailAsSoonAsTheyArrive() {
    InputStream in = verifying(content, false, 4);
    assertThatThrownBy(() -> in.readNBytes(8))
        .isInstanceOf(DigestMismatchException.class)
        .hasMessageContaining("more than");
  }

  @Test
  void tooFewBytesFailAtTheEndEvenWithoutHashing() {
    assertThatThrownBy(() -> verifying(content, false, content.length + 1).readAllBytes())
        .isInstanceOf(DigestMismatchException.class)
        .hasMessageContaining("expected " + (content.length + 1));
  }

  @Test
  void withoutHashingOnlyTheCountIsChecked() throws Exception {
    assertThat(verifying("hello blub".getBytes(UTF_8), false, content.length).readAllBytes())
        .hasSize(content.length);
  }
}
