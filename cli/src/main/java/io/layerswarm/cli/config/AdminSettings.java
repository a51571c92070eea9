package io.layerswarm.cli.config;

import static io.layerswarm.cli.config.Values.blank;

import io.layerswarm.admin.AdminTls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;

/** The keys every daemon's admin API shares: {@code <role>.admin-tls-*} and its authentication. */
final class AdminSettings {
  private AdminSettings() {}

  /**
   * {@code <role>.admin-tls-cert} and {@code <role>.admin-tls-key}: both or neither. The files are
   * read and checked here, so a bad one stops the daemon before it binds anything.
   */
  static Optional<AdminTls> tls(String role, String cert, String key) throws ConfigException {
    String certKey = role + ".admin-tls-cert";
    String keyKey = role + ".admin-tls-key";
    if (blank(cert) && blank(key)) {
      return Optional.empty();
    }
    if (blank(cert) || blank(key)) {
      String set = blank(cert) ? keyKey : certKey;
      String missing = blank(cert) ? certKey : keyKey;
      throw new ConfigException(
          set
              + " is set but "
              + missing
              + " is not: TLS needs both the"
              + " certificate chain and its private key");
    }
    Path certFile = Values.path(certKey, cert.trim());
    Path keyFile = Values.path(keyKey, key.trim());
    try {
      return Optional.of(AdminTls.load(role, certFile, keyFile));
    } catch (IOException e) {
      throw new ConfigException(e.getMessage(), e);
    }
  }

  /**
   * {@code config}, unless its admin API listens beyond loopback without a token, which would let
   * anyone who reaches the port evict, preheat and list; {@code <role>.admin-allow-unauthenticated}
   * overrides that for a network the admin trusts.
   */
  static <T> T requireAuthentication(
      String role, String listen, String token, boolean allowUnauthenticated, T config)
      throws ConfigException {
    if (blank(listen) || !blank(token) || allowUnauthenticated) {
      return config;
    }
    InetSocketAddress address = Values.address(role + ".admin-listen", listen.trim());
    if (address.getAddress() != null && address.getAddress().isLoopbackAddress()) {
      return config;
    }
    throw new ConfigException(
        role
            + ".admin-listen is "
            + listen.trim()
            + ", beyond loopback, and "
            + role
            + ".admin-token is not set: anyone who reaches it could call the admin API. Set "
            + role
            + ".admin-token (with "
            + role
            + ".admin-tls-cert and "
            + role
            + ".admin-tls-key), bind "
            + role
            + ".admin-listen to 127.0.0.1, or set "
            + role
            + ".admin-allow-unauthenticated: true on a network you trust");
  }
}
