package io.layerswarm.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.cli.Main;
import io.layerswarm.seeder.SeederConfig;
import io.layerswarm.testing.SelfSignedCertificate;
import io.layerswarm.tracker.TrackerConfig;
import io.layerswarm.tracker.TrackerServer;
import io.layerswarm.tracker.metainfo.MetainfoUnavailableException;
import io.layerswarm.tracker.peerstore.InMemoryPeerStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** {@code tracker.admin-tls-cert}/{@code -key} and the seeder's: from the file to a TLS API. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdminTlsSettingsTest {
  @TempDir Path dir;
  private Path cert;
  private Path key;

  /** A self-signed certificate for 127.0.0.1 from the JDK's keytool, as PEM files. */
  @BeforeEach
  void makeCertificate() throws Exception {
    SelfSignedCertificate made = SelfSignedCertificate.create(dir, "admin");
    cert = made.certificate();
    key = made.privateKey();
  }

  private static Settings settings(String yaml) throws ConfigException {
    return Settings.of(ConfigLoader.parse(yaml, "cluster.yaml", Map.of()), "cluster.yaml");
  }

  private String section(String role, String cert, String key) {
    return role
        + ":\n  admin-listen: 127.0.0.1:0\n"
        + (cert == null ? "" : "  admin-tls-cert: " + cert + "\n")
        + (key == null ? "" : "  admin-tls-key: " + key + "\n");
  }

  private void build(String role, String yaml) throws ConfigException {
    if (role.equals("tracker")) {
      settings(yaml).tracker();
    } else {
      settings(yaml).seeder();
    }
  }

  @Test
  void theKeysReachTheTrackerAndSeederConfigsAndPrintAsPaths() throws Exception {
    Settings s =
        settings(
            section("tracker", cert.toString(), key.toString())
                + section("seeder", cert.toString(), key.toString()));

    TrackerConfig tracker = s.tracker();
    SeederConfig seeder = s.seeder();

    assertThat(tracker.adminTls())
        .get()
        .satisfies(
            tls -> {
              assertThat(tls.certificateChainFile()).isEqualTo(cert);
              assertThat(tls.privateKeyFile()).isEqualTo(key);
              assertThat(tls.subject()).isEqualTo("CN=127.0.0.1");
            });
    assertThat(seeder.adminTls()).isEqualTo(tracker.adminTls());
    assertThat(ConfigPrinter.yaml(s.file()))
        .contains("admin-tls-cert: " + cert)
        .contains("admin-tls-key: " + key)
        .doesNotContain("BEGIN");
  }

  @Test
  void withoutTheKeysTheAdminApiIsPlaintext() throws Exception {
    Settings s = settings(section("tracker", null, null) + section("seeder", null, null));

    assertThat(s.tracker().adminTls()).isEmpty();
    assertThat(s.seeder().adminTls()).isEmpty();
    assertThat(ConfigPrinter.yaml(s.file())).contains("admin-tls-cert: \"\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"tracker", "seeder"})
  void oneKeyWithoutTheOtherNamesBothAndTheFile(String role) {
    assertThatThrownBy(() -> build(role, section(role, cert.toString(), null)))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "cluster.yaml: "
                + role
                + ".admin-tls-cert is set but "
                + role
                + ".admin-tls-key is not: TLS needs both the certificate chain and its private key");
    assertThatThrownBy(() -> build(role, section(role, null, key.toString())))
        .hasMessageStartingWith(
            "cluster.yaml: "
                + role
                + ".admin-tls-key is set but "
                + role
                + ".admin-tls-cert is not");
  }

  @ParameterizedTest
  @ValueSource(strings = {"tracker", "seeder"})
  void aMissingFileNamesTheKeyThePathAndTheConfigFile(String role) {
    Path absent = dir.resolve("absent-key.pem");

    assertThatThrownBy(() -> build(role, section(role, cert.toString(), absent.toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessage("cluster.yaml: " + role + ".admin-tls-key: " + absent + " does not exist");
  }

  @Test
  void aFileThatIsNotACertificateNamesTheCertKey() throws Exception {
    Path notPem = Files.writeString(dir.resolve("notes.txt"), "not a certificate\n");

    assertThatThrownBy(
            () -> settings(section("seeder", notPem.toString(), key.toString())).seeder())
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("cluster.yaml: seeder.admin-tls-cert: " + notPem);
  }

  @Test
  void aCertificateFileAsTheKeyNamesTheKeyKey() {
    assertThatThrownBy(
            () -> settings(section("tracker", cert.toString(), cert.toString())).tracker())
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("cluster.yaml: tracker.admin-tls-key: " + cert)
        .hasMessageContaining("PKCS#8");
  }

  @Test
  void tlsWithoutAnAdminApiNamesTheListenKey() {
    String yaml = "tracker:\n  admin-tls-cert: " + cert + "\n  admin-tls-key: " + key + "\n";

    assertThatThrownBy(() -> settings(yaml).tracker())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cluster.yaml")
        .hasMessageContaining("tracker.admin-listen is not");
  }

  @Test
  void theDaemonStopsWithExitCode78BeforeBindingAnything() throws Exception {
    Path config =
        Files.writeString(dir.resolve("tracker.yaml"), section("tracker", cert.toString(), null));
    PrintStream stderr = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exitCode;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      exitCode = Main.commandLine().execute("tracker", "--config", config.toString());
    } finally {
      System.setErr(stderr);
    }

    assertThat(exitCode).isEqualTo(Main.EXIT_CONFIG);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains(
            "layerswarm tracker: config error: "
                + config
                + ": tracker.admin-tls-cert is set but tracker.admin-tls-key is not");
  }

  @Test
  void theFlagsSetTheKeys() throws Exception {
    PrintStream stdout = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int exitCode;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      exitCode =
          Main.commandLine()
              .execute(
                  "seeder",
                  "--upstream",
                  "http://127.0.0.1:5000",
                  "--admin-listen",
                  "127.0.0.1:0",
                  "--admin-tls-cert",
                  cert.toString(),
                  "--admin-tls-key",
                  key.toString(),
                  "--print-config");
    } finally {
      System.setOut(stdout);
    }

    assertThat(exitCode).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("admin-tls-cert: " + cert)
        .contains("admin-tls-key: " + key);
  }

  @Test
  void aTrackerConfiguredForTlsServesTheAdminCommandsGivenTheCa() throws Exception {
    TrackerConfig config =
        settings(
                section("tracker", cert.toString(), key.toString())
                    + "  admin-token: t0k3n\n  listen: 127.0.0.1:0\n")
            .tracker();
    try (InMemoryPeerStore store = new InMemoryPeerStore();
        TrackerServer tracker =
            TrackerServer.start(
                config,
                store,
                (d, registry, repo) -> {
                  throw MetainfoUnavailableException.notFound("no blob " + d);
                },
                InstantSource.system())) {
      String server = "127.0.0.1:" + tracker.adminAddress().orElseThrow().getPort();

      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      CommandLine commandLine = Main.commandLine();
      commandLine.setOut(new PrintWriter(out, true));
      commandLine.setErr(new PrintWriter(err, true));
      int exitCode =
          commandLine.execute(
              "tracker-health", "--server", server, "--ca", cert.toString(), "--token", "t0k3n");

      assertThat(exitCode).as(err.toString()).isZero();
      assertThat(out.toString()).contains("up");
    }
  }
}
