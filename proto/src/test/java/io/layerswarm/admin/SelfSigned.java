package io.layerswarm.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for 127.0.0.1 made with the JDK's keytool, written as the PEM files the
 * admin TLS keys take: the certificate (also the CA a client trusts) and the PKCS#8 key.
 */
record SelfSigned(Path certificate, Path privateKey) {
  private static final String PASSWORD = "changeit";

  static SelfSigned create(Path dir, String name) throws Exception {
    Path keystore = dir.resolve(name + ".p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Process make =
        new ProcessBuilder(
                keytool,
                "-genkeypair",
                "-alias",
                name,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=127.0.0.1",
                "-ext",
                "san=ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                PASSWORD,
                "-keypass",
                PASSWORD)
            .redirectErrorStream(true)
            .start();
    assertThat(make.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(make.exitValue()).as(new String(make.getInputStream().readAllBytes())).isZero();

    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      store.load(in, PASSWORD.toCharArray());
    }
    PrivateKey key = (PrivateKey) store.getKey(name, PASSWORD.toCharArray());
    Path certificate =
        Files.writeString(
            dir.resolve(name + "-cert.pem"),
            pem("CERTIFICATE", store.getCertificate(name).getEncoded()));
    Path privateKey =
        Files.writeString(dir.resolve(name + "-key.pem"), pem("PRIVATE KEY", key.getEncoded()));
    return new SelfSigned(certificate, privateKey);
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
