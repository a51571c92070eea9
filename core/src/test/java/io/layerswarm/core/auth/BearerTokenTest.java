package io.layerswarm.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BearerTokenTest {
  private static final String TOKEN = "webhook-token-0123456789abcdef";

  @TempDir Path dir;

  private Path file(String content) throws Exception {
    Path file = dir.resolve("notifications.token");
    Files.writeString(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
    return file;
  }

  @Test
  void theTokenFromTheFileMatchesItsBearerHeader() throws Exception {
    BearerToken token = BearerToken.load(file(TOKEN + "\n"), "seeder.notifications-token-file");

    assertThat(token.matches("Bearer " + TOKEN)).isTrue();
    assertThat(token.matches("bearer " + TOKEN)).isTrue();
  }

  @Test
  void anythingElseDoesNotMatch() {
    BearerToken token = BearerToken.of(TOKEN);

    assertThat(token.matches(null)).isFalse();
    assertThat(token.matches(TOKEN)).isFalse();
    assertThat(token.matches("Basic " + TOKEN)).isFalse();
    assertThat(token.matches("Bearer " + TOKEN + "x")).isFalse();
    assertThat(token.matches("Bearer ")).isFalse();
  }

  @Test
  void aTokenWithSpacesIsRefusedWithoutShowingIt() throws Exception {
    Path file = file("a token with spaces in it, long enough");

    assertThatThrownBy(() -> BearerToken.load(file, "seeder.notifications-token-file"))
        .isInstanceOf(SecretFileException.class)
        .hasMessageContaining("seeder.notifications-token-file " + file)
        .hasMessageContaining("printable ASCII")
        .hasMessageNotContaining("with spaces");
  }

  @Test
  void aShortTokenIsRefused() throws Exception {
    Path file = file("short");

    assertThatThrownBy(() -> BearerToken.load(file, "seeder.notifications-token-file"))
        .isInstanceOf(SecretFileException.class)
        .hasMessageContaining("fewer than the 16 required");
  }

  @Test
  void itsTextNeverShowsTheToken() {
    assertThat(BearerToken.of(TOKEN).toString()).doesNotContain(TOKEN);
  }
}
