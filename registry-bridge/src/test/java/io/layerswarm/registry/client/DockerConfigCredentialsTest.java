package io.layerswarm.registry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerConfigCredentialsTest {
  @TempDir Path dir;

  private Path config(String json) throws IOException {
    return Files.writeString(dir.resolve("config.json"), json);
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes());
  }

  @Test
  void theAuthFieldDecodesToUserAndPassword() throws Exception {
    Path file =
        config("{\"auths\":{\"registry.example:5000\":{\"auth\":\"" + b64("ci:s3:cret") + "\"}}}");
    assertThat(DockerConfigCredentials.forHost(file, "registry.example:5000"))
        .contains(new Credentials("ci", "s3:cret"));
  }

  @Test
  void dockerHubKeysWrittenAsTheV1UrlMatchDockerIo() throws Exception {
    Path file =
        config("{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"" + b64("u:p") + "\"}}}");
    assertThat(DockerConfigCredentials.forHost(file, "docker.io"))
        .contains(new Credentials("u", "p"));
  }

  @Test
  void anotherHostsEntryGivesNoCredentials() throws Exception {
    Path file = config("{\"auths\":{\"other.example\":{\"auth\":\"" + b64("u:p") + "\"}}}");
    assertThat(DockerConfigCredentials.forHost(file, "registry.example")).isEmpty();
  }

  @Test
  void aCredentialHelperIsAClearErrorNotAnAnonymousPull() throws Exception {
    Path file = config("{\"credsStore\":\"secretservice\"}");
    assertThatThrownBy(() -> DockerConfigCredentials.forHost(file, "registry.example"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("credential helper");
  }

  @Test
  void brokenFilesNameTheFile() throws Exception {
    Path notJson = config("{nope");
    assertThatThrownBy(() -> DockerConfigCredentials.forHost(notJson, "x.example"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(notJson.toString());
    Path badAuth = config("{\"auths\":{\"x.example\":{\"auth\":\"%%%\"}}}");
    assertThatThrownBy(() -> DockerConfigCredentials.forHost(badAuth, "x.example"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("base64");
  }

  @Test
  void aPemCaFromKeytoolBecomesAnSslContext() throws Exception {
    Path keystore = dir.resolve("ks.p12");
    Path pem = dir.resolve("ca.pem");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    run(
        keytool,
        "-genkeypair",
        "-keystore",
        keystore.toString(),
        "-storepass",
        "changeit",
        "-alias",
        "ca",
        "-keyalg",
        "EC",
        "-dname",
        "CN=test-ca",
        "-validity",
        "2");
    run(
        keytool,
        "-exportcert",
        "-rfc",
        "-keystore",
        keystore.toString(),
        "-storepass",
        "changeit",
        "-alias",
        "ca",
        "-file",
        pem.toString());
    assertThat(TrustedCertificates.fromPem(pem).getProtocol()).isEqualTo("TLS");
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
  }

  @Test
  void aCaFileWithoutCertificatesIsRejectedByName() throws Exception {
    Path pem = Files.writeString(dir.resolve("ca.pem"), "not a certificate\n");
    assertThatThrownBy(() -> TrustedCertificates.fromPem(pem))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(pem.toString());
  }
}
