package io.layerswarm.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.testing.SelfSignedCertificate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdminTlsTest {
  @TempDir Path dir;

  @Test
  void aCertificateAndItsKeyLoadAndToStringNamesTheFilesOnly() throws Exception {
    SelfSignedCertificate pair = SelfSignedCertificate.create(dir, "server");

    AdminTls tls = AdminTls.load("tracker", pair.certificate(), pair.privateKey());

    assertThat(tls.subject()).isEqualTo("CN=127.0.0.1");
    assertThat(tls.certificateChainFile()).isEqualTo(pair.certificate());
    assertThat(tls).isEqualTo(AdminTls.load("tracker", pair.certificate(), pair.privateKey()));
    assertThat(tls.toString())
        .contains(pair.certificate().toString())
        .contains(pair.privateKey().toString())
        .doesNotContain("PRIVATE KEY");
  }

  @Test
  void aMissingFileNamesItsKeyAndThePath() {
    Path absent = dir.resolve("absent.pem");

    assertThatThrownBy(() -> AdminTls.load("seeder", absent, absent))
        .isInstanceOf(IOException.class)
        .hasMessage("seeder.admin-tls-cert: " + absent + " does not exist");
  }

  @Test
  void aCertificateFileWithoutACertificateNamesTheCertKey() throws Exception {
    SelfSignedCertificate pair = SelfSignedCertificate.create(dir, "server");

    assertThatThrownBy(() -> AdminTls.load("tracker", pair.privateKey(), pair.privateKey()))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("tracker.admin-tls-cert: " + pair.privateKey());
  }

  @Test
  void aKeyThatIsNotPkcs8NamesTheKeyKeyAndSaysHowToConvertIt() throws Exception {
    SelfSignedCertificate pair = SelfSignedCertificate.create(dir, "server");
    Path pkcs1 =
        Files.writeString(
            dir.resolve("rsa.pem"),
            SelfSignedCertificate.pem("RSA PRIVATE KEY", new byte[] {1, 2, 3}));

    assertThatThrownBy(() -> AdminTls.load("tracker", pair.certificate(), pair.certificate()))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("tracker.admin-tls-key: " + pair.certificate())
        .hasMessageContaining("PKCS#8");
    assertThatThrownBy(() -> AdminTls.load("tracker", pair.certificate(), pkcs1))
        .hasMessageStartingWith("tracker.admin-tls-key: " + pkcs1)
        .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt -in " + pkcs1);
  }

  @Test
  void aPkcs8BlockThatIsNoRsaOrEcKeyIsRefused() throws Exception {
    SelfSignedCertificate pair = SelfSignedCertificate.create(dir, "server");
    Path junk =
        Files.writeString(
            dir.resolve("junk.pem"),
            SelfSignedCertificate.pem("PRIVATE KEY", new byte[] {48, 3, 2, 1, 0}));

    assertThatThrownBy(() -> AdminTls.load("seeder", pair.certificate(), junk))
        .hasMessage("seeder.admin-tls-key: " + junk + " is not an RSA or EC private key");
  }

  @Test
  void theKeyOfAnotherCertificateIsRefusedNamingBothKeys() throws Exception {
    SelfSignedCertificate one = SelfSignedCertificate.create(dir, "one");
    SelfSignedCertificate other = SelfSignedCertificate.create(dir, "other");

    assertThatThrownBy(() -> AdminTls.load("seeder", one.certificate(), other.privateKey()))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("seeder.admin-tls-key: ")
        .hasMessageContaining("is not the one of the certificate in " + one.certificate())
        .hasMessageContaining("seeder.admin-tls-cert");
  }
}
