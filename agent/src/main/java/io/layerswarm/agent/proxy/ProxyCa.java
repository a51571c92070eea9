package io.layerswarm.agent.proxy;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The agent's own certificate authority for the HTTPS proxy: a P-256 key and a self-signed CA
 * certificate in {@code <data-dir>/proxy-ca/}, made at the first start that needs them and kept
 * (the key readable by the agent's user only; it never leaves the host). {@link #leaf} issues a
 * server certificate for one registry host, kept in memory and re-issued before it expires. The
 * hosts are those of {@code upstreams}, so the cache is bounded by the config.
 */
public final class ProxyCa {
  /**
   * The CA certificate a client must trust (dockerd: {@code /etc/docker/certs.d/<host>/ca.crt}).
   */
  public static final String CERTIFICATE_FILE = "ca.crt";

  static final String KEY_FILE = "ca.key";
  static final Duration CA_LIFETIME = Duration.ofDays(3650);
  static final Duration LEAF_LIFETIME = Duration.ofDays(30);
  private static final Duration LEAF_RENEW_BEFORE = Duration.ofDays(7);
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A server certificate with its key, the CA certificate after it. */
  public record Leaf(PrivateKey key, X509Certificate certificate, X509Certificate ca) {}

  private final PrivateKey caKey;
  private final X509Certificate caCertificate;
  private final Path certificateFile;
  private final InstantSource clock;
  private final Map<String, Leaf> leaves = new LinkedHashMap<>();

  private ProxyCa(
      PrivateKey caKey, X509Certificate caCertificate, Path certificateFile, InstantSource clock) {
    this.caKey = caKey;
    this.caCertificate = caCertificate;
    this.certificateFile = certificateFile;
    this.clock = clock;
  }

  /**
   * The CA in {@code dir}: loaded if both files exist, otherwise made and written (the key with
   * mode 0600, written first under a temporary name so a crash leaves no half CA).
   */
  public static ProxyCa loadOrCreate(Path dir, InstantSource clock) throws IOException {
    Path key = dir.resolve(KEY_FILE);
    Path certificate = dir.resolve(CERTIFICATE_FILE);
    try {
      if (Files.exists(key) && Files.exists(certificate)) {
        return new ProxyCa(readKey(key), readCertificate(certificate), certificate, clock);
      }
      Files.createDirectories(dir);
      KeyPair pair = newKeyPair();
      Instant now = clock.instant();
      X500Principal subject =
          new X500Principal("CN=LayerSwarm agent proxy CA " + hostName() + ", O=LayerSwarm");
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              subject,
              serial(),
              Date.from(now.minus(Duration.ofHours(1))),
              Date.from(now.plus(CA_LIFETIME)),
              subject,
              pair.getPublic());
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      builder
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(
              Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(
              Extension.subjectKeyIdentifier,
              false,
              ext.createSubjectKeyIdentifier(pair.getPublic()));
      X509Certificate ca = sign(builder, pair.getPrivate());
      Path tmpKey = dir.resolve(KEY_FILE + ".tmp");
      Files.deleteIfExists(tmpKey);
      Files.createFile(
          tmpKey,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(
          tmpKey, pem(new JcaPKCS8Generator(pair.getPrivate(), null)), StandardCharsets.US_ASCII);
      Files.move(tmpKey, key, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      Path tmpCert = dir.resolve(CERTIFICATE_FILE + ".tmp");
      Files.writeString(tmpCert, pem(ca), StandardCharsets.US_ASCII);
      Files.move(
          tmpCert,
          certificate,
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      return new ProxyCa(pair.getPrivate(), ca, certificate, clock);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IOException(
          "the HTTPS proxy's CA in " + dir + " is unusable: " + e.getMessage(), e);
    }
  }

  /** Where the CA certificate is, to copy to the clients' trust. */
  public Path certificateFile() {
    return certificateFile;
  }

  public X509Certificate certificate() {
    return caCertificate;
  }

  /**
   * A server certificate for {@code host} (a DNS name or an IPv4 literal), cached until near
   * expiry.
   */
  public synchronized Leaf leaf(String host) throws IOException {
    Instant now = clock.instant();
    Leaf cached = leaves.get(host);
    if (cached != null
        && cached.certificate().getNotAfter().toInstant().isAfter(now.plus(LEAF_RENEW_BEFORE))) {
      return cached;
    }
    try {
      KeyPair pair = newKeyPair();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              caCertificate,
              serial(),
              Date.from(now.minus(Duration.ofHours(1))),
              Date.from(now.plus(LEAF_LIFETIME)),
              new X500Principal("CN=" + host),
              pair.getPublic());
      GeneralName name =
          IPV4.matcher(host).matches()
              ? new GeneralName(GeneralName.iPAddress, host)
              : new GeneralName(GeneralName.dNSName, host);
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      builder
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
          .addExtension(
              Extension.extendedKeyUsage,
              false,
              new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
          .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(name))
          .addExtension(
              Extension.authorityKeyIdentifier,
              false,
              ext.createAuthorityKeyIdentifier(caCertificate));
      Leaf leaf = new Leaf(pair.getPrivate(), sign(builder, caKey), caCertificate);
      leaves.put(host, leaf);
      return leaf;
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IOException("could not issue a certificate for " + host + ": " + e.getMessage(), e);
    }
  }

  private static PrivateKey readKey(Path file) throws IOException {
    try (PEMParser parser =
        new PEMParser(Files.newBufferedReader(file, StandardCharsets.US_ASCII))) {
      Object read = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (read instanceof PEMKeyPair pair) {
        return converter.getPrivateKey(pair.getPrivateKeyInfo());
      }
      if (read instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      throw new IOException(
          file
              + " holds no PEM private key; delete it and "
              + CERTIFICATE_FILE
              + " to make a new CA (clients must then trust the new "
              + CERTIFICATE_FILE
              + ")");
    }
  }

  private static X509Certificate readCertificate(Path file) throws IOException {
    try (PEMParser parser =
        new PEMParser(Files.newBufferedReader(file, StandardCharsets.US_ASCII))) {
      Object read = parser.readObject();
      if (read instanceof X509CertificateHolder holder) {
        return new JcaX509CertificateConverter().getCertificate(holder);
      }
      throw new IOException(file + " holds no PEM certificate");
    } catch (GeneralSecurityException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return generator.generateKeyPair();
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
      throws GeneralSecurityException, OperatorCreationException {
    return new JcaX509CertificateConverter()
        .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
  }

  private static BigInteger serial() {
    return new BigInteger(127, RANDOM).add(BigInteger.ONE);
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }

  private static String pem(Object object) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    }
    return out.toString();
  }
}
