package io.layerswarm.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterSecretTest {
  private static final String CONTENT = "q5Yp0n1d2e3f4g5h6i7j8k9l0m1n2o3p4q5r6s7t8u=";

  @TempDir Path dir;

  private Path secretFile(String content, String mode) throws Exception {
    Path file = dir.resolve("cluster.secret");
    Files.writeString(file, content, StandardCharsets.ISO_8859_1);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    return file;
  }

  @Test
  void membersThatLoadTheSameFileDeriveTheSameKeys() throws Exception {
    Path file = secretFile(CONTENT + "\n", "rw-r-----");

    ClusterSecret one = ClusterSecret.load(file);
    ClusterSecret two = ClusterSecret.load(file);

    byte[] mac = one.key(KeyPurpose.HTTP).mac("x".getBytes(StandardCharsets.US_ASCII));
    assertThat(two.key(KeyPurpose.HTTP).verify(mac, "x".getBytes(StandardCharsets.US_ASCII)))
        .isTrue();
  }

  @Test
  void aTrailingNewlineIsNotPartOfTheSecret() throws Exception {
    ClusterSecret withNewline = ClusterSecret.load(secretFile(CONTENT + "\r\n", "rw-------"));
    ClusterSecret without = ClusterSecret.of(CONTENT.getBytes(StandardCharsets.US_ASCII));

    byte[] mac = without.key(KeyPurpose.PEER).mac(new byte[] {1});
    assertThat(withNewline.key(KeyPurpose.PEER).verify(mac, new byte[] {1})).isTrue();
  }

  @Test
  void eachPurposeHasItsOwnKey() {
    ClusterSecret secret = ClusterSecret.of(CONTENT.getBytes(StandardCharsets.US_ASCII));

    byte[] httpMac = secret.key(KeyPurpose.HTTP).mac(new byte[] {7});

    assertThat(secret.key(KeyPurpose.PEER).verify(httpMac, new byte[] {7})).isFalse();
    assertThat(secret.key(KeyPurpose.PEER).mac(new byte[] {7})).isNotEqualTo(httpMac);
  }

  @Test
  void aDifferentSecretMakesDifferentKeys() {
    ClusterSecret one = ClusterSecret.of(CONTENT.getBytes(StandardCharsets.US_ASCII));
    ClusterSecret other = ClusterSecret.random();

    byte[] mac = one.key(KeyPurpose.HTTP).mac(new byte[] {7});

    assertThat(other.key(KeyPurpose.HTTP).verify(mac, new byte[] {7})).isFalse();
  }

  @Test
  void aFileThatOthersCanReadIsRefusedNamingTheFixButNotTheContent() throws Exception {
    Path file = secretFile(CONTENT, "rw-r--r--");

    assertThatThrownBy(() -> ClusterSecret.load(file))
        .isInstanceOf(SecretFileException.class)
        .hasMessageContaining("cluster.secret-file " + file)
        .hasMessageContaining("chmod 0640")
        .hasMessageNotContaining(CONTENT.substring(0, 8));
  }

  @Test
  void aGroupWritableFileIsRefused() throws Exception {
    Path file = secretFile(CONTENT, "rw-rw----");

    assertThatThrownBy(() -> ClusterSecret.load(file))
        .isInstanceOf(SecretFileException.class)
        .hasMessageContaining("rw-rw----");
  }

  @Test
  void aShortSecretIsRefusedWithItsLengthOnly() throws Exception {
    Path file = secretFile("short-secret-of-31-bytes-123456\n", "rw-------");

    assertThatThrownBy(() -> ClusterSecret.load(file))
        .isInstanceOf(SecretFileException.class)
        .hasMessageContaining("holds 31 bytes, fewer than the 32 required")
        .hasMessageContaining("/dev/urandom")
        .hasMessageNotContaining("short-secret");
  }

  @Test
  void aMissingFileIsRefusedWithHowToCreateIt() {
    Path file = dir.resolve("absent");

    assertThatThrownBy(() -> ClusterSecret.load(file))
        .isInstanceOf(SecretFileException.class)
        .hasMessageContaining(file + " does not exist")
        .hasMessageContaining("head -c 32 /dev/urandom | base64 > " + file);
  }

  @Test
  void aDirectoryIsRefused() {
    assertThatThrownBy(() -> ClusterSecret.load(dir))
        .isInstanceOf(SecretFileException.class)
        .hasMessageContaining("is not a regular file");
  }

  @Test
  void aLargeFileIsRefused() throws Exception {
    Path file = secretFile("x".repeat(SecretFile.MAX_BYTES + 1), "rw-------");

    assertThatThrownBy(() -> ClusterSecret.load(file))
        .isInstanceOf(SecretFileException.class)
        .hasMessageContaining("larger than 4096 bytes");
  }

  @Test
  void nothingPrintsTheSecret() {
    ClusterSecret secret = ClusterSecret.of(CONTENT.getBytes(StandardCharsets.US_ASCII));

    assertThat(secret.toString()).doesNotContain(CONTENT.substring(0, 8));
    assertThat(secret.key(KeyPurpose.HTTP).toString()).isEqualTo("ClusterKey[HTTP, redacted]");
  }

  @Test
  void shortBytesAreRefused() {
    assertThatThrownBy(() -> ClusterSecret.of(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
