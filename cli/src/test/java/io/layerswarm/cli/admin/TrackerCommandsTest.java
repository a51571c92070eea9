package io.layerswarm.cli.admin;

import static io.layerswarm.cli.admin.ServiceCommandsTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.layerswarm.cli.admin.ServiceCommandsTest.Run;
import io.layerswarm.core.Digest;
import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.tracker.TrackerConfig;
import io.layerswarm.tracker.TrackerServer;
import io.layerswarm.tracker.metainfo.MetainfoUnavailableException;
import io.layerswarm.tracker.peerstore.InMemoryPeerStore;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tracker's service commands through picocli, in-process, against a real tracker serving its
 * admin API on 127.0.0.1 with a token, after real HTTP announces.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TrackerCommandsTest {
  private static final String TOKEN = "tr4cker-admin-token";

  @TempDir Path dir;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private TrackerServer tracker;
  private InMemoryPeerStore store;
  private String server;
  private Digest digest;
  private InfoHash infoHash;

  @BeforeEach
  void startTracker() throws Exception {
    Path blob = dir.resolve("blob");
    Files.write(blob, new byte[70_000]);
    digest = Digest.sha256(Files.readAllBytes(blob));
    byte[] torrent =
        Metainfo.create(
                blob, digest.hex(), List.of(URI.create("http://127.0.0.1:1/announce")), 16 * 1024)
            .encode();
    infoHash = Metainfo.parse(torrent).infoHash();
    store = new InMemoryPeerStore();
    tracker =
        TrackerServer.start(
            TrackerConfig.defaults(new InetSocketAddress("127.0.0.1", 0))
                .withAdmin(new InetSocketAddress("127.0.0.1", 0), Optional.of(TOKEN)),
            store,
            (d, registry, repo) -> {
              if (d.equals(digest)) {
                return torrent;
              }
              throw MetainfoUnavailableException.notFound("no blob " + d);
            },
            java.time.InstantSource.system());
    server = "127.0.0.1:" + tracker.adminAddress().orElseThrow().getPort();
  }

  @AfterEach
  void stopTracker() {
    if (tracker != null) {
      tracker.close();
    }
    if (store != null) {
      store.close();
    }
  }

  private HttpResponse<byte[]> get(String pathAndQuery) throws Exception {
    return http.send(
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + tracker.address().getPort() + pathAndQuery))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private void announce(byte[] hash, String peerId, int port, long left, String extra)
      throws Exception {
    HttpResponse<byte[]> response =
        get(
            "/announce?info_hash="
                + escape(hash)
                + "&peer_id="
                + escape(peerId.getBytes(StandardCharsets.US_ASCII))
                + "&port="
                + port
                + "&uploaded=0&downloaded=0&left="
                + left
                + extra);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(new String(response.body(), StandardCharsets.ISO_8859_1))
        .doesNotContain("failure reason");
  }

  private static String escape(byte[] bytes) {
    StringBuilder out = new StringBuilder();
    for (byte b : bytes) {
      out.append('%').append(String.format("%02X", b & 0xff));
    }
    return out.toString();
  }

  @Test
  void swarmsListsTheAnnouncedSwarmWithItsDigestOnceTheTrackerServedTheMetainfo() throws Exception {
    assertThat(get("/metainfo/" + digest + "?registry=r.test&repo=team/app").statusCode())
        .isEqualTo(200);
    announce(infoHash.bytes(), "-LS0001-seed00000001", 7001, 0, "&event=completed");
    announce(infoHash.bytes(), "-LS0001-leech0000001", 7002, 1000, "&zone=eu-1&rack=r7");
    announce(
        "other-swarm-00000001".getBytes(StandardCharsets.US_ASCII),
        "-LS0001-leech0000002",
        7003,
        1000,
        "");

    Run table = run("swarms", "--server", server, "--token", TOKEN);
    Run json = run("swarms", "--server", server, "--token", TOKEN, "--json");

    assertThat(table.exitCode()).as(table.err()).isZero();
    assertThat(table.out())
        .isEqualTo(
            String.join(
                "\n",
                "INFO HASH                                 DIGEST               SEEDS  LEECHERS  DOWNLOADED",
                infoHash.hex()
                    + "  "
                    + StatusReport.shortDigest(digest.toString())
                    + "      1         1           1",
                "6f746865722d737761726d2d3030303030303031  -                        0         1           0",
                "2 swarms, 3 peers; peer store: memory",
                ""));
    assertThat(json.exitCode()).as(json.err()).isZero();
    JsonNode swarms = new ObjectMapper().readTree(json.out());
    assertThat(swarms.get("total_swarms").asInt()).isEqualTo(2);
    assertThat(swarms.get("swarms").get(0).get("info_hash").asText()).isEqualTo(infoHash.hex());
    assertThat(swarms.get("swarms").get(0).get("digest").asText()).isEqualTo(digest.toString());
    assertThat(swarms.get("swarms").get(1).get("digest").isNull()).isTrue();
  }

  @Test
  void swarmPeersByInfoHashOrByDigest() throws Exception {
    announce(infoHash.bytes(), "-LS0001-seed00000001", 7001, 0, "");
    announce(infoHash.bytes(), "-LS0001-leech0000001", 7002, 1000, "&zone=eu-1&rack=r7");

    Run byHash = run("swarm-peers", "--server", server, "--token", TOKEN, infoHash.hex());
    Run unknownDigest = run("swarm-peers", "--server", server, "--token", TOKEN, digest.toString());
    assertThat(get("/metainfo/" + digest + "?registry=r.test&repo=team/app").statusCode())
        .isEqualTo(200);
    Run byDigest =
        run("swarm-peers", "--server", server, "--token", TOKEN, "--json", digest.toString());

    assertThat(byHash.exitCode()).as(byHash.err()).isZero();
    assertThat(byHash.out())
        .startsWith(
            "swarm  "
                + infoHash.hex()
                + "\npeers  1 seed, 1 leecher; 0 completed"
                + " downloads\n\nADDRESS         ROLE     ZONE  RACK  EXPIRES IN  PEER ID\n")
        .containsPattern(
            "(?m)^127\\.0\\.0\\.1:7001  seed     -     -     +1m (29|30)s  "
                + "-LS0001-seed00000001$")
        .containsPattern(
            "(?m)^127\\.0\\.0\\.1:7002  leecher  eu-1  r7    +1m (29|30)s  "
                + "-LS0001-leech0000001$");
    assertThat(unknownDigest.exitCode()).isEqualTo(4);
    assertThat(unknownDigest.err())
        .startsWith(
            "layerswarm swarm-peers: this tracker has" + " served no metainfo for " + digest);
    assertThat(byDigest.exitCode()).as(byDigest.err()).isZero();
    JsonNode peers = new ObjectMapper().readTree(byDigest.out());
    assertThat(peers.get("info_hash").asText()).isEqualTo(infoHash.hex());
    assertThat(peers.get("digest").asText()).isEqualTo(digest.toString());
    assertThat(peers.get("peers")).hasSize(2);
    assertThat(peers.get("peers").get(1).get("zone").asText()).isEqualTo("eu-1");
  }

  @Test
  void trackerHealthShowsTheStoreUp() {
    Run run = run("tracker-health", "--server", server, "--token", TOKEN);

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .isEqualTo(
            "tracker     127.0.0.1:"
                + tracker.address().getPort()
                + ", open mode\n"
                + "peer store  memory\nstate       up: 0 swarms, 0 peers\n");
  }

  @Test
  void aWrongTokenExitsWith5() {
    Run run = run("swarms", "--server", server, "--token", "nope");

    assertThat(run.exitCode()).isEqualTo(5);
    assertThat(run.err())
        .startsWith("layerswarm swarms: the tracker at " + server + " refused Swarms: ")
        .contains("tracker.admin-token")
        .contains("--token");
  }

  @Test
  void aSeederCommandAgainstTheTrackerSaysItIsTheWrongServer() {
    Run run = run("seeder-blobs", "--server", server, "--token", TOKEN);

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err())
        .contains("does not serve SeederAdmin.ListBlobs")
        .contains("seeder.admin-listen");
  }
}
