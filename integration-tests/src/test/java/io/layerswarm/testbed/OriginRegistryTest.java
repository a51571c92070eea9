package io.layerswarm.testbed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Config rendering and error messages; the real process is exercised by OriginRegistryIT. */
class OriginRegistryTest {

  @TempDir Path tmp;

  @Test
  void configBindsLoopbackWithAccessLogAndFilesystemStorage() {
    String yaml =
        OriginRegistry.config(Path.of("/data/it's"), 5123, "registry-origin", "s3cr3t", null);

    assertThat(yaml)
        .contains("  addr: 127.0.0.1:5123\n")
        .contains("  accesslog:\n    disabled: false\n")
        .contains("    rootdirectory: '/data/it''s'\n")
        .contains("    service: registry-origin\n")
        .contains("  secret: s3cr3t\n")
        .doesNotContain("proxy:");
  }

  @Test
  void proxyModeAddsARemoteUrlBlock() {
    String yaml =
        OriginRegistry.config(Path.of("/d"), 1, "p", "s", URI.create("http://127.0.0.1:5000"));

    assertThat(yaml).endsWith("proxy:\n  remoteurl: 'http://127.0.0.1:5000'\n");
  }

  @Test
  void aMissingBinaryNamesTheDebianPackage() {
    assertThatThrownBy(
            () -> OriginRegistry.builder(tmp).binary(tmp.resolve("docker-registry")).start())
        .isInstanceOf(IOException.class)
        .hasMessageContaining("install the Debian package docker-registry");
  }
}
