package io.layerswarm.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed EC certificate for 127.0.0.1, made with the JDK's keytool: the PKCS#12 key store,
 * and the PEM files TLS settings take, the certificate (also the CA a client trusts) and the PKCS#8
 * private key.
 *
 * @param keyStore {@code <dir>/<name>.p12}, protected by {@link #PASSWORD}
 * @param certificate {@code <dir>/<name>-cert.pem}
 * @param privateKey {@code <dir>/<name>-key.pem}
 */
public record SelfSignedCertificate(Path keyStore, Path certificate, Path privateKey) {
  /** The key store's password, and its key's. */
  public static final String PASSWORD = "changeit";

  /** Makes the key store and the PEM files in {@code dir}, with {@code name} as the alias. */
  public static SelfSignedCertificate create(Path dir, String name)
      throws IOException, InterruptedException, GeneralSecurityException {
    Path keyStore = dir.resolve(name + ".p12");
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
                keyStore.toString(),
                "-storepass",
                PASSWORD,
                "-keypass",
                PASSWORD)
            .redirectErrorStream(true)
            .start();
    if (!make.waitFor(30, TimeUnit.SECONDS)) {
      make.destroyForcibly();
      throw new IOException("keytool did not finish within 30 s");
    }
    if (make.exitValue() != 0) {
      throw new IOException(
          "keytool failed: "
              + new String(make.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
    SelfSignedCertificate made =
        new SelfSignedCertificate(
            keyStore, dir.resolve(name + "-cert.pem"), dir.resolve(name + "-key.pem"));
    KeyStore store = made.load();
    PrivateKey key = (PrivateKey) store.getKey(name, PASSWORD.toCharArray());
    Files.writeString(
        made.certificate(), pem("CERTIFICATE", store.getCertificate(name).getEncoded()));
    Files.writeString(made.privateKey(), pem("PRIVATE KEY", key.getEncoded()));
    return made;
  }

  /** The key store, loaded. */
  public KeyStore load() throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keyStore)) {
      store.load(in, PASSWORD.toCharArray());
    }
    return store;
  }

  /** {@code der} as a PEM block of {@code type}, e.g. {@code CERTIFICATE}. */
  public static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
