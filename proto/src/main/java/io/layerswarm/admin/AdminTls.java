package io.layerswarm.admin;

import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;

/**
 * The certificate chain and private key an admin API serves TLS with ({@code <role>.admin-tls-cert}
 * and {@code <role>.admin-tls-key}), read and checked once by {@link #load}, so that a bad file
 * stops the daemon at start rather than failing every handshake. Immutable; equal when the
 * certificates and the key are. {@link #toString} names the files, never the key.
 */
public final class AdminTls {
  private static final Pattern PKCS8 =
      Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

  /** The key types Netty's TLS accepts. */
  private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC");

  private final Path certificateChainFile;
  private final Path privateKeyFile;
  private final List<X509Certificate> chain;
  private final PrivateKey privateKey;

  private AdminTls(
      Path certificateChainFile,
      Path privateKeyFile,
      List<X509Certificate> chain,
      PrivateKey privateKey) {
    this.certificateChainFile = certificateChainFile;
    this.privateKeyFile = privateKeyFile;
    this.chain = List.copyOf(chain);
    this.privateKey = privateKey;
  }

  /**
   * Reads a PEM certificate chain (the server's certificate first) and its unencrypted PKCS#8 PEM
   * private key ({@code -----BEGIN PRIVATE KEY-----}, RSA or EC), and checks that they belong
   * together.
   *
   * @param role "tracker" or "seeder": names the config keys in messages
   * @throws IOException naming the config key when a file cannot be read, does not hold what it
   *     should, or the key is not the certificate's
   */
  public static AdminTls load(String role, Path certificateChain, Path privateKey)
      throws IOException {
    String certKey = role + ".admin-tls-cert";
    String keyKey = role + ".admin-tls-key";
    List<X509Certificate> chain =
        certificates(certKey, certificateChain, read(certKey, certificateChain));
    PrivateKey key = privateKey(keyKey, privateKey, read(keyKey, privateKey));
    if (!matches(key, chain.get(0))) {
      throw new IOException(
          keyKey
              + ": the key in "
              + privateKey
              + " is not the one of the"
              + " certificate in "
              + certificateChain
              + " ("
              + certKey
              + ")");
    }
    return new AdminTls(certificateChain, privateKey, chain, key);
  }

  public Path certificateChainFile() {
    return certificateChainFile;
  }

  public Path privateKeyFile() {
    return privateKeyFile;
  }

  /** The server certificate's subject, for logs. */
  public String subject() {
    return chain.get(0).getSubjectX500Principal().getName();
  }

  /** The gRPC server credentials, built from the objects checked by {@link #load}. */
  ServerCredentials serverCredentials() throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    // The store only lives in memory; the password is there because PKCS12 entries need one.
    char[] password = "in-memory".toCharArray();
    store.setKeyEntry("admin", privateKey, password, chain.toArray(new X509Certificate[0]));
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, password);
    return TlsServerCredentials.newBuilder().keyManager(keys.getKeyManagers()).build();
  }

  private static byte[] read(String key, Path file) throws IOException {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IOException(key + ": " + file + " does not exist", e);
    } catch (AccessDeniedException e) {
      throw new IOException(key + ": cannot read " + file + ": permission denied", e);
    } catch (IOException e) {
      throw new IOException(key + ": cannot read " + file + ": " + e, e);
    }
  }

  private static List<X509Certificate> certificates(String key, Path file, byte[] pem)
      throws IOException {
    List<X509Certificate> chain = new ArrayList<>();
    try {
      for (var certificate :
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(pem))) {
        chain.add((X509Certificate) certificate);
      }
    } catch (CertificateException e) {
      throw new IOException(
          key + ": " + file + " is not a PEM certificate chain: " + e.getMessage(), e);
    }
    if (chain.isEmpty()) {
      throw new IOException(
          key + ": " + file + " holds no PEM certificate" + " (-----BEGIN CERTIFICATE-----)");
    }
    return chain;
  }

  private static PrivateKey privateKey(String key, Path file, byte[] pem) throws IOException {
    String text = new String(pem, StandardCharsets.US_ASCII);
    Matcher block = PKCS8.matcher(text);
    if (!block.find()) {
      // PKCS#1 ("RSA PRIVATE KEY"), SEC1 ("EC PRIVATE KEY") and encrypted keys are common; say how
      // to convert rather than only that the file is wrong.
      String hint =
          text.contains("-----BEGIN ")
              ? "; convert it with: openssl pkcs8 -topk8 -nocrypt -in "
                  + file
                  + " -out key-pkcs8.pem"
              : "";
      throw new IOException(
          key
              + ": "
              + file
              + " holds no unencrypted PKCS#8 PEM private key"
              + " (-----BEGIN PRIVATE KEY-----)"
              + hint);
    }
    PKCS8EncodedKeySpec spec;
    try {
      spec = new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(block.group(1)));
    } catch (IllegalArgumentException e) {
      throw new IOException(key + ": " + file + ": the private key is not valid base64", e);
    }
    for (String algorithm : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        // Not this algorithm; try the next.
      }
    }
    throw new IOException(key + ": " + file + " is not an RSA or EC private key");
  }

  /** Whether a signature made with {@code key} verifies with the certificate's public key. */
  private static boolean matches(PrivateKey key, X509Certificate certificate) {
    String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
    if (!certificate.getPublicKey().getAlgorithm().equals(key.getAlgorithm())) {
      return false;
    }
    try {
      byte[] challenge = "layerswarm admin tls".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AdminTls other
        && chain.equals(other.chain)
        && privateKey.equals(other.privateKey);
  }

  @Override
  public int hashCode() {
    return Objects.hash(chain, privateKey);
  }

  @Override
  public String toString() {
    return "AdminTls[cert="
        + certificateChainFile
        + ", key="
        + privateKeyFile
        + ", subject="
        + subject()
        + "]";
  }
}
