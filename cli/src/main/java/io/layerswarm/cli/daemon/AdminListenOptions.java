package io.layerswarm.cli.daemon;

import picocli.CommandLine.Option;

/**
 * The admin API flags of the tracker and the seeder, each an override of the key of the same name
 * under the command's section ({@code tracker.admin-listen}, {@code seeder.admin-listen}, ...).
 */
public final class AdminListenOptions {
  @Option(
      names = "--admin-listen",
      paramLabel = "HOST:PORT",
      description = "${COMMAND-NAME}.admin-listen: serve the gRPC admin API here")
  String listen;

  @Option(
      names = "--admin-tls-cert",
      paramLabel = "FILE",
      description =
          "${COMMAND-NAME}.admin-tls-cert: PEM certificate chain; serve the admin API over TLS")
  String tlsCert;

  @Option(
      names = "--admin-tls-key",
      paramLabel = "FILE",
      description = "${COMMAND-NAME}.admin-tls-key: PKCS#8 PEM private key of --admin-tls-cert")
  String tlsKey;

  /** Hands the flags given to {@code options} as overrides of {@code <section>.admin-*}. */
  void putInto(DaemonOptions options, String section) {
    options.put(section + ".admin-listen", listen);
    options.put(section + ".admin-tls-cert", tlsCert);
    options.put(section + ".admin-tls-key", tlsKey);
  }
}
