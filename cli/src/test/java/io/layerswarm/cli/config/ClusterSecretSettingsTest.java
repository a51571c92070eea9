package io.layerswarm.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.core.auth.HttpAuth;
import io.layerswarm.core.auth.HttpSignature;
import io.layerswarm.testing.ManualClock;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cluster.secret-file} and {@code seeder.notifications-token-file}, from YAML to records.
 */
class ClusterSecretSettingsTest {
  private static final String SECRET = "cluster-secret-0123456789abcdefghijklmnopqrstuv";
  private static final String TOKEN = "webhook-token-0123456789abcdef";

  @TempDir Path dir;

  private Path file(String name, String content, String mode) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    return file;
  }

  private static Settings settings(String yaml) throws ConfigException {
    return Settings.of(ConfigLoader.parse(yaml, "layerswarm.yaml", Map.of()), "layerswarm.yaml");
  }

  @Test
  void everyDaemonSectionGetsTheOneClusterSecret() throws Exception {
    Path secret = file("cluster.secret", SECRET + "\n", "rw-r-----");
    Settings settings = settings("cluster:\n  secret-file: " + secret + "\n");
    ManualClock clock = new ManualClock();
    URI announce = URI.create("http://127.0.0.1:6969/announce?info_hash=x");

    String signed =
        HttpAuth.of(settings.agent().clusterSecret(), clock).sign("GET", announce).orElseThrow();

    HttpAuth tracker = HttpAuth.of(settings.tracker().clusterSecret(), clock);
    HttpAuth seeder = HttpAuth.of(settings.seeder().clusterSecret(), clock);
    assertThat(tracker.check("GET", HttpSignature.target(announce), signed).valid()).isTrue();
    assertThat(seeder.check("GET", HttpSignature.target(announce), signed).valid()).isTrue();
  }

  @Test
  void withASecretThePeerPortsListenOnEveryInterfaceAndInOpenModeOnLoopback() throws Exception {
    Path secret = file("cluster.secret", SECRET + "\n", "rw-r-----");
    Settings members = settings("cluster:\n  secret-file: " + secret + "\n");
    Settings open = settings("");
    Settings set =
        settings(
            "cluster:\n  secret-file: " + secret + "\nagent:\n  peer-listen: 127.0.0.1:7000\n");

    assertThat(members.agent().peerListen()).isEqualTo(new InetSocketAddress("0.0.0.0", 6882));
    assertThat(members.seeder().peerListen()).isEqualTo(new InetSocketAddress("0.0.0.0", 6881));
    assertThat(open.agent().peerListen()).isEqualTo(new InetSocketAddress("127.0.0.1", 6882));
    assertThat(open.seeder().peerListen()).isEqualTo(new InetSocketAddress("127.0.0.1", 6881));
    assertThat(set.agent().peerListen())
        .as("a configured address wins")
        .isEqualTo(new InetSocketAddress("127.0.0.1", 7000));
  }

  @Test
  void withoutTheKeyEveryDaemonIsInOpenMode() throws Exception {
    Settings settings = settings("");

    assertThat(settings.clusterSecret()).isEmpty();
    assertThat(settings.tracker().clusterSecret()).isEmpty();
    assertThat(settings.seeder().clusterSecret()).isEmpty();
    assertThat(settings.agent().clusterSecret()).isEmpty();
    assertThat(settings.seeder().notificationsToken()).isEmpty();
  }

  @Test
  void aSecretFileOthersCanReadStopsTheDaemonNamingTheFixNotTheContent() throws Exception {
    Path secret = file("cluster.secret", SECRET, "rw-r--r--");

    assertThatThrownBy(() -> settings("cluster:\n  secret-file: " + secret + "\n").agent())
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("layerswarm.yaml: cluster.secret-file " + secret)
        .hasMessageContaining("chmod 0640")
        .hasMessageNotContaining(SECRET.substring(0, 10));
  }

  @Test
  void aMissingSecretFileStopsTheDaemon() {
    Path absent = dir.resolve("absent.secret");

    assertThatThrownBy(() -> settings("cluster:\n  secret-file: " + absent + "\n").tracker())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(absent + " does not exist");
  }

  @Test
  void theOldPasskeyStopsTheTrackerPointingToTheSecretFile() {
    assertThatThrownBy(() -> settings("tracker:\n  passkey: 0123456789abcdef-key\n").tracker())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("tracker.passkey is no longer supported")
        .hasMessageContaining("cluster.secret-file")
        .hasMessageNotContaining("0123456789abcdef-key");
  }

  @Test
  void theNotificationsTokenComesFromItsFile() throws Exception {
    Path token = file("notifications.token", TOKEN + "\n", "rw-------");

    Settings settings = settings("seeder:\n  notifications-token-file: " + token + "\n");

    assertThat(settings.seeder().notificationsToken().orElseThrow().matches("Bearer " + TOKEN))
        .isTrue();
  }

  @Test
  void thePreheatApiTokenComesFromItsFileAndIsAbsentByDefault() throws Exception {
    Path token = file("preheat-api.token", TOKEN + "\n", "rw-------");

    Settings settings = settings("seeder:\n  preheat-api-token-file: " + token + "\n");

    assertThat(settings.seeder().preheatApiToken().orElseThrow().matches("Bearer " + TOKEN))
        .isTrue();
    assertThat(settings("seeder:\n  listen: 127.0.0.1:0\n").seeder().preheatApiToken()).isEmpty();
  }

  @Test
  void aMissingPreheatApiTokenFileIsAnErrorNamingTheKey() {
    assertThatThrownBy(
            () ->
                settings("seeder:\n  preheat-api-token-file: " + dir.resolve("none") + "\n")
                    .seeder())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("seeder.preheat-api-token-file");
  }

  @Test
  void printConfigShowsThePathsAndNeverTheSecrets() throws Exception {
    Path secret = file("cluster.secret", SECRET, "rw-r-----");
    Path token = file("notifications.token", TOKEN, "rw-r-----");
    Settings settings =
        settings(
            "cluster:\n  secret-file: "
                + secret
                + "\nseeder:\n  notifications-token-file: "
                + token
                + "\ntracker:\n  passkey: 0123456789abcdef-key\n");

    String printed = ConfigPrinter.yaml(settings.file());

    assertThat(printed)
        .contains("secret-file: " + secret)
        .contains("notifications-token-file: " + token)
        .doesNotContain(SECRET)
        .doesNotContain(TOKEN)
        .doesNotContain("0123456789abcdef-key");
  }
}
