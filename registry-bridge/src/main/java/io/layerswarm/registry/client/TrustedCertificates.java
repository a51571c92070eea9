package io.layerswarm.registry.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** TLS to an upstream whose certificate is signed by a private CA, given as a PEM file. */
public final class TrustedCertificates {
  private TrustedCertificates() {}

  /**
   * An SSLContext that trusts the certificates in {@code pemFile} (and only those).
   *
   * @throws IOException naming the file when it holds no certificate or can't be read
   */
  public static SSLContext fromPem(Path pemFile) throws IOException {
    try (InputStream in = Files.newInputStream(pemFile)) {
      Collection<? extends Certificate> certs =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certs.isEmpty()) {
        throw new IOException("CA file " + pemFile + " holds no PEM certificate");
      }
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (Certificate cert : certs) {
        store.setCertificateEntry("ca-" + i++, cert);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("CA file " + pemFile + " is not usable: " + e.getMessage(), e);
    }
  }
}
