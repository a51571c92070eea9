package io.layerswarm.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.layerswarm.cli.Main;
import io.layerswarm.core.Digest;
import io.layerswarm.registry.Manifest;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.registry.client.InMemoryUpstreamRegistry;
import io.layerswarm.registry.client.Upstreams;
import io.layerswarm.registry.image.MediaTypes;
import io.layerswarm.seeder.SeederConfig;
import io.layerswarm.seeder.SeederServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seeder's service commands through picocli, in-process, against a real seeder serving its
 * admin API on 127.0.0.1 with a token, and an in-memory origin holding one image.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServiceCommandsTest {
  static final String TOKEN = "s33der-admin-token";
  private static final String REGISTRY = "registry.test:5000";
  private static final RepositoryName REPO = new RepositoryName("team/app");
  private static final String IMAGE = REGISTRY + "/team/app:1";
  private static final String MISSING = REGISTRY + "/team/app:nope";

  @TempDir Path dir;
  private SeederServer seeder;
  private String server;
  private List<Digest> blobs;
  private Digest manifest;

  record Run(int exitCode, String out, String err) {}

  @BeforeEach
  void startSeeder() throws Exception {
    InMemoryUpstreamRegistry origin =
        new InMemoryUpstreamRegistry(URI.create("http://" + REGISTRY));
    byte[] config =
        "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
    byte[] layer1 = random(300_000, 1);
    byte[] layer2 = random(120_000, 2);
    Digest c = origin.putBlob(REPO, config);
    Digest l1 = origin.putBlob(REPO, layer1);
    Digest l2 = origin.putBlob(REPO, layer2);
    blobs = List.of(c, l1, l2);
    String json =
        "{\"schemaVersion\":2,\"mediaType\":\""
            + MediaTypes.OCI_MANIFEST
            + "\","
            + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"size\":"
            + config.length
            + ",\"digest\":\""
            + c
            + "\"},\"layers\":["
            + layer(l1, layer1.length)
            + ","
            + layer(l2, layer2.length)
            + "]}";
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    manifest = Digest.sha256(bytes);
    origin.putManifest(REPO, "1", new Manifest(bytes, MediaTypes.OCI_MANIFEST, manifest));

    seeder =
        SeederServer.start(
            SeederConfig.defaults(
                    dir.resolve("seeder"), List.of(URI.create("http://127.0.0.1:1/announce")))
                .withAdmin(new InetSocketAddress("127.0.0.1", 0), Optional.of(TOKEN)),
            Upstreams.single(origin));
    server = "127.0.0.1:" + seeder.adminAddress().orElseThrow().getPort();
  }

  @AfterEach
  void stopSeeder() {
    if (seeder != null) {
      seeder.close();
    }
  }

  private static String layer(Digest digest, int size) {
    return "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"size\":"
        + size
        + ",\"digest\":\""
        + digest
        + "\"}";
  }

  private static byte[] random(int length, long seed) {
    byte[] bytes = new byte[length];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    picocli.CommandLine commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int exitCode = commandLine.execute(args);
    return new Run(exitCode, out.toString(), err.toString());
  }

  static int closedPort() throws Exception {
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return free.getLocalPort();
    }
  }

  private static String line(String text) {
    return "(?m)^" + Pattern.quote(text);
  }

  @Test
  void preheatStreamsALineForEveryStepAndEndsWithASummaryAndExitCode0() {
    Run run = run("preheat", "--server", server, "--token", TOKEN, "--progress", "plain", IMAGE);

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.err()).isEmpty();
    String out = run.out();
    assertThat(out)
        .containsPattern(
            line(
                IMAGE
                    + ": resolved "
                    + StatusReport.shortDigest(manifest.toString())
                    + ": 3 blobs, 410.2 KiB"));
    for (Digest blob : blobs) {
      String shortDigest = StatusReport.shortDigest(blob.toString());
      assertThat(out)
          .containsPattern(line(IMAGE + ": fetching " + shortDigest + " ("))
          .containsPattern(line(IMAGE + ": done " + shortDigest + " ("));
    }
    assertThat(out)
        .containsPattern(line(IMAGE + ": done ") + ".*\\[3/3 blobs\\]$")
        .containsPattern(line(IMAGE + ": complete: 3/3 blobs, 410.2 KiB held"))
        .containsPattern("(?m)^IMAGE +RESULT +BLOBS +SIZE +TIME +MANIFEST$")
        .containsPattern(line(IMAGE + "  complete    3/3  410.2 KiB  "))
        .containsPattern(line("preheated 1 of 1 image on " + server + ": 3 blobs, 410.2 KiB in "));
    // The seeder holds them now.
    Run held = run("seeder-blobs", "--server", server, "--token", TOKEN, "--json");
    assertThat(held.exitCode()).as(held.err()).isZero();
    assertThat(held.out())
        .contains(blobs.get(0).toString(), blobs.get(1).toString(), blobs.get(2).toString());
  }

  @Test
  void aWrongTokenExitsWith5AndSaysToPassTheToken() {
    Run wrong = run("preheat", "--server", server, "--token", TOKEN + "x", IMAGE);
    Run none = run("preheat", "--server", server, IMAGE);

    assertThat(wrong.exitCode()).isEqualTo(5);
    assertThat(wrong.out()).isEmpty();
    assertThat(wrong.err())
        .startsWith("layerswarm preheat: the seeder at " + server + " refused Preheat: ")
        .contains("seeder.admin-token")
        .contains("not accepted")
        .contains("--token");
    assertThat(none.exitCode()).isEqualTo(5);
    assertThat(none.err()).contains("No token was given").contains("--token");
  }

  @Test
  void theTokenComesFromAFileOrTheEnvironmentToo() throws Exception {
    Path file = dir.resolve("token");
    Files.writeString(file, TOKEN + "\n");

    Run fromFile = run("ring", "--server", server, "--token-file", file.toString());

    assertThat(fromFile.exitCode()).as(fromFile.err()).isZero();
    assertThat(fromFile.out()).startsWith("seeder   " + seeder.self());
  }

  @Test
  void ringAddAndRemoveChangeTheSeedersRingAsANewVersion() throws Exception {
    String other = "http://10.0.0.9:6970";

    Run added =
        run("ring", "--server", server, "--token", TOKEN, "--add", other + "/", "--replicas", "1");

    assertThat(added.exitCode()).as(added.err()).isZero();
    assertThat(added.out()).startsWith("the ring changed").contains(other).contains("1 owner");
    assertThat(seeder.liveRing().membership().ring().members())
        .containsExactlyInAnyOrder(seeder.self(), URI.create(other));
    long version = seeder.liveRing().membership().current().version();
    assertThat(version).isPositive();

    Run again = run("ring", "--server", server, "--token", TOKEN, "--add", other);
    assertThat(again.out()).startsWith("the ring was already that");
    assertThat(seeder.liveRing().membership().current().version()).isEqualTo(version);

    Run removed = run("ring", "--server", server, "--token", TOKEN, "--json", "--remove", other);
    assertThat(removed.exitCode()).as(removed.err()).isZero();
    assertThat(removed.out()).contains("\"version\" : ").doesNotContain(other);
    assertThat(seeder.liveRing().membership().ring().members()).containsExactly(seeder.self());
  }

  @Test
  void aBadRingChangeIsRefusedAndChangesNothing() throws Exception {
    Run both =
        run(
            "ring",
            "--server",
            server,
            "--token",
            TOKEN,
            "--set",
            "http://a:1",
            "--add",
            "http://b:1");
    assertThat(both.exitCode()).isEqualTo(2);
    Run bad = run("ring", "--server", server, "--token", TOKEN, "--add", "ftp://x");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err()).contains("--add ftp://x");
    Run zero = run("ring", "--server", server, "--token", TOKEN, "--replicas", "0");
    assertThat(zero.exitCode()).isEqualTo(1);
    assertThat(zero.err()).contains("replicas");
    assertThat(seeder.liveRing().membership().current().version()).isZero();
  }

  @Test
  void anImageThatFailsExitsWith1NamingTheImageAndWhy() throws Exception {
    Run run = run("preheat", "--server", server, "--token", TOKEN, "--json", IMAGE, MISSING);

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .startsWith("layerswarm preheat: 1 of 2 images did not complete: " + MISSING + ": ");
    List<String> lines = run.out().lines().toList();
    ObjectMapper json = new ObjectMapper();
    for (String line : lines.subList(0, lines.size() - 1)) {
      assertThat(json.readTree(line).get("type").asText()).isEqualTo("progress");
    }
    JsonNode summary = json.readTree(lines.get(lines.size() - 1));
    assertThat(summary.get("type").asText()).isEqualTo("summary");
    assertThat(summary.get("ok").asBoolean()).isFalse();
    assertThat(summary.get("images_complete").asInt()).isEqualTo(1);
    assertThat(summary.get("images").get(1).get("image").asText()).isEqualTo(MISSING);
    assertThat(summary.get("images").get(1).get("result").asText()).isEqualTo("failed");
  }

  @Test
  void onATerminalProgressBarsGoToStderrAndTheSummaryToStdout() {
    Run run = run("preheat", "--server", server, "--token", TOKEN, "--progress", "tty", IMAGE);

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).startsWith("IMAGE ").doesNotContain("fetching");
    String[] frames = run.err().split("\033\\[\\d+A");
    assertThat(frames.length).isGreaterThan(1);
    assertThat(frames[frames.length - 1].replace("\r\033[2K", ""))
        .containsPattern("(?m)^preheating on " + Pattern.quote(server) + ": 1/1 image, ")
        .containsPattern(
            "(?m)^team/app:1 \\[############\\] +3/3 blobs  410.2 KiB / 410.2 KiB" + "  complete$");
  }

  @Test
  void aMalformedImageIsRefusedBeforeAnyWork() {
    Run run = run("preheat", "--server", server, "--token", TOKEN, "Not An Image");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .startsWith("layerswarm preheat: the seeder at " + server + " refused Preheat: ");
  }

  @Test
  void ringSeederBlobsAndSeederEvictWorkAgainstTheSeeder() {
    String blob = blobs.get(1).toString();
    assertThat(
            run("preheat", "--server", server, "--token", TOKEN, "--progress", "plain", IMAGE)
                .exitCode())
        .isZero();

    Run ring = run("ring", "--server", server, "--token", TOKEN, "--digest", blob);
    Run list = run("seeder-blobs", "--server", server, "--token", TOKEN);
    Run evict = run("seeder-evict", "--server", server, "--token", TOKEN, blob);
    Run again = run("seeder-evict", "--server", server, "--token", TOKEN, blob);

    assertThat(ring.exitCode()).as(ring.err()).isZero();
    assertThat(ring.out())
        .contains("ring     1 member, 1 alive; 2 owners per blob")
        .contains("version  0 (the config read at start), fingerprint ")
        .contains(seeder.self() + " (self)  alive")
        .containsPattern("(?m)^ +1  " + Pattern.quote(seeder.self().toString()) + "  alive  +yes$");
    assertThat(list.exitCode()).as(list.err()).isZero();
    assertThat(list.out())
        .contains(StatusReport.shortDigest(blob) + "  293.0 KiB  yes")
        .endsWith("3 blobs, 410.2 KiB stored; eviction off\n");
    assertThat(evict.exitCode()).as(evict.err()).isZero();
    assertThat(evict.out()).isEqualTo("evicted " + blob + ": 293.0 KiB freed\n");
    assertThat(again.exitCode()).isEqualTo(4);
    assertThat(again.out()).isEqualTo("not evicted " + blob + ": not held\n");
  }

  @Test
  void noServerThereExitsWith3AndSaysWhichAddressAndKey() throws Exception {
    int port = closedPort();

    Run run = run("seeder-blobs", "--server", "127.0.0.1:" + port);

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.err())
        .startsWith(
            "layerswarm seeder-blobs: cannot reach the seeder's admin"
                + " API at 127.0.0.1:"
                + port
                + ": UNAVAILABLE")
        .contains("seeder.admin-listen")
        .contains("--server");
  }

  @Test
  void theSeedersHttpPortInsteadOfItsAdminPortIsNamedAsSuch() {
    Run run =
        run(
            "seeder-blobs",
            "--server",
            "127.0.0.1:" + seeder.address().getPort(),
            "--token",
            TOKEN);

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.err()).contains("HTTP/1.x, not gRPC").contains("seeder.admin-listen");
  }

  @Test
  void tlsAgainstThePlaintextAdminApiExitsWith3AndSaysSo() {
    Run run = run("seeder-blobs", "--server", server, "--token", TOKEN, "--tls");

    assertThat(run.exitCode()).as(run.err()).isEqualTo(3);
    assertThat(run.err())
        .contains("--tls")
        .contains("plaintext")
        .contains("seeder.admin-tls-cert and seeder.admin-tls-key");
  }

  @Test
  void badUsageExitsWith2() {
    assertThat(run("preheat", IMAGE).exitCode())
        .isEqualTo(2); // no --server (unless the env has one)
    assertThat(run("preheat", "--server", "http://x:1", IMAGE).err()).contains("is a URL");
    assertThat(run("preheat", "--server", "host", IMAGE).exitCode()).isEqualTo(2);
    assertThat(run("preheat", "--server", server, "--platform", "linux", IMAGE).exitCode())
        .isEqualTo(2);
    assertThat(run("preheat", "--server", server).exitCode()).isEqualTo(2);
    Run both =
        run("preheat", "--server", server, "--platform", "linux/amd64", "--all-platforms", IMAGE);
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err()).contains("--platform and --all-platforms exclude each other");
    assertThat(run("seeder-evict", "--server", server, "sha256:12").exitCode()).isEqualTo(2);
    assertThat(run("ring", "--server", server, "--token", "a", "--token-file", "f").exitCode())
        .isEqualTo(2);
  }
}
