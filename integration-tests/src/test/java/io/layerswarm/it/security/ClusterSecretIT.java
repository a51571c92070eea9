package io.layerswarm.it.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.auth.ClusterSecret;
import io.layerswarm.core.auth.KeyPurpose;
import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.it.cluster.ClusterBed;
import io.layerswarm.testbed.AccessLog;
import io.layerswarm.testbed.DaemonProcess;
import io.layerswarm.testbed.FreePorts;
import io.layerswarm.testbed.HtpasswdRegistry;
import io.layerswarm.testbed.Image;
import io.layerswarm.testbed.Skopeo;
import io.layerswarm.testbed.TestbedDirs;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, findings 1 and 2, against the built distribution: a private registry, and a tracker, a
 * seeder and an agent that share a cluster secret. The agent (a member) pulls a private image from
 * the swarm; an outsider, who holds neither the registry's credentials nor the secret, asks the
 * tracker and the seeder for metainfo, announces and scrapes, and gets 401 every time, with no
 * fetch from the origin on its behalf. After the pull, no torrent and no log line of any daemon
 * holds the secret.
 */
class ClusterSecretIT {
  private static final String OUTSIDER = "127.0.0.66";
  private static final String PRIVATE = "private/app";
  private static ClusterBed bed;
  private static SecureCluster cluster;
  private static HtpasswdRegistry origin;
  private static Image pulled;
  private static Image untouched;
  private static Skopeo.Result pull;
  private static Path pullDir;
  private static String agent;
  private static DaemonProcess agentProcess;

  @BeforeAll
  static void startAndPull() throws Exception {
    bed = new ClusterBed(TestbedDirs.create("security-secret"));
    byte[] password = new byte[12];
    new SecureRandom().nextBytes(password);
    origin =
        bed.track(
            HtpasswdRegistry.start(
                bed.work().resolve("origin"), "ci", HexFormat.of().formatHex(password)));
    pulled = bed.image("pulled", 3, 6L << 20);
    untouched = bed.image("untouched", 2, 2L << 20);
    origin.pusher().push(pulled, PRIVATE, "1");
    origin.pusher().push(untouched, PRIVATE, "2");
    String upstreams =
        "upstreams:\n  - url: "
            + origin.baseUri()
            + "\n    username: ci\n    password: "
            + origin.password()
            + "\n";
    cluster = SecureCluster.start(bed, upstreams, true, "");
    int port = FreePorts.pick();
    agent = "127.0.0.1:" + port;
    agentProcess = cluster.agent("agent", port);
    pullDir = bed.work().resolve("pull");
    pull = ClusterBed.pull(agent, PRIVATE, "1", pullDir);
  }

  @AfterAll
  static void stop() {
    if (bed != null) {
      bed.close();
    }
  }

  @Test
  void aMemberPullsThePrivateImageFromTheSwarm() throws Exception {
    assertThat(pull.ok()).as("pull through the member agent: %s", pull.output()).isTrue();
    assertThat(new TreeSet<>(Skopeo.readDir(pullDir).blobDigests()))
        .isEqualTo(ClusterBed.blobDigests(pulled));
    String metrics = ClusterBed.get(URI.create("http://" + agent + "/metrics"));
    assertThat(ClusterBed.metric(metrics, "agent_blob_fetches_total", "result=\"swarm\""))
        .as("blobs that came from the swarm, signed all the way")
        .isEqualTo(pulled.layers().size());
    // The config is tiny: it came inside its metainfo answer (decision 31).
    assertThat(ClusterBed.metric(metrics, "agent_blob_fetches_total", "result=\"inline\""))
        .isEqualTo(1);
    assertThat(ClusterBed.metric(metrics, "agent_origin_fallback_bytes_total", "")).isZero();
  }

  @Test
  void anOutsiderGetsNoMetainfoNoAnnounceNoScrapeAndMakesNoSeederFetch() throws Exception {
    int before = origin.accessLog().entries().size();
    List<String> digests = new ArrayList<>();
    pulled.blobs().forEach(b -> digests.add(b.digest()));
    untouched.blobs().forEach(b -> digests.add(b.digest()));
    for (String digest : digests) {
      for (String repo : List.of(PRIVATE, "other/repo")) {
        String target = "/metainfo/" + digest + "?registry=" + origin.hostPort() + "&repo=" + repo;
        SecureCluster.Response tracker = SecureCluster.get(OUTSIDER, cluster.trackerUrl, target);
        SecureCluster.Response seeder = SecureCluster.get(OUTSIDER, cluster.seederUrl, target);

        assertThat(tracker.status()).as("tracker %s", target).isEqualTo(401);
        assertThat(tracker.text()).contains("cluster.secret-file");
        assertThat(seeder.status()).as("seeder %s", target).isEqualTo(401);
      }
    }
    byte[] infoHash = infoHashOf(pulled.blobs().get(0).digest());
    String announce =
        "/announce?info_hash="
            + percent(infoHash)
            + "&peer_id=-EV0001-000000000000&port=6881&uploaded=0&downloaded=0&left=1";
    SecureCluster.Response announced = SecureCluster.get(OUTSIDER, cluster.trackerUrl, announce);
    SecureCluster.Response scraped =
        SecureCluster.get(OUTSIDER, cluster.trackerUrl, "/scrape?info_hash=" + percent(infoHash));

    assertThat(announced.status()).isEqualTo(401);
    assertThat(announced.text()).contains("failure reason").contains("cluster.secret-file");
    assertThat(scraped.status()).isEqualTo(401);
    assertThat(announced.text() + scraped.text()).doesNotContain("peers").doesNotContain("files");
    // The seeder fetched nothing for the outsider: no blob of the untouched image, from anyone.
    assertThat(ClusterBed.heldBlobs(bed.work().resolve("seeder")))
        .doesNotContainAnyElementsOf(ClusterBed.blobDigests(untouched));
    AccessLog after = origin.accessLog();
    assertThat(after.entries().subList(before, after.entries().size()))
        .as("origin requests made while the outsider tried")
        .noneMatch(e -> e.isBlobDownload());
  }

  @Test
  void afterAFullPullNoTorrentAndNoLogLineHoldsTheSecret() throws Exception {
    assertThat(pull.ok()).isTrue();
    String secret = cluster.secretText().orElseThrow();
    byte[] secretBytes = secret.getBytes(StandardCharsets.US_ASCII);
    byte[] decoded = Base64.getDecoder().decode(secret);
    List<String> needles =
        List.of(secret, secret.substring(0, 16), HexFormat.of().formatHex(decoded));

    List<Path> torrents = cluster.files(".torrent");
    assertThat(torrents)
        .as("the agent keeps a torrent per blob it seeds")
        .hasSizeGreaterThanOrEqualTo(pulled.blobs().size());
    for (Path torrent : torrents) {
      byte[] bytes = Files.readAllBytes(torrent);
      assertThat(indexOf(bytes, secretBytes)).as(torrent.toString()).isEqualTo(-1);
      assertThat(indexOf(bytes, decoded)).as(torrent.toString()).isEqualTo(-1);
      for (URI announce : Metainfo.parse(bytes).announce()) {
        assertThat(announce.getRawQuery()).as("announce URL of " + torrent).isNull();
        assertThat(announce.getRawUserInfo()).as("announce URL of " + torrent).isNull();
      }
    }
    List<Path> logs = cluster.files(".log");
    assertThat(logs).hasSizeGreaterThanOrEqualTo(3);
    long lines = 0;
    for (Path log : logs) {
      for (String line : Files.readAllLines(log, StandardCharsets.ISO_8859_1)) {
        lines++;
        for (String needle : needles) {
          assertThat(line).as(log.getFileName().toString()).doesNotContain(needle);
        }
      }
    }
    System.out.printf(
        "secret in none of %d torrents and %d log lines of %d logs%n",
        torrents.size(), lines, logs.size());
  }

  @Test
  void aBitTorrentPeerWithoutTheSecretGetsNoByteOfABlobFromSeederOrAgent() throws Exception {
    assertThat(pull.ok()).isTrue();
    String layer = pulled.layerDigests().get(0);
    InfoHash infoHash = new InfoHash(infoHashOf(layer));
    List<InetSocketAddress> peerPorts =
        List.of(ClusterBed.peerAddress(cluster.seeder), ClusterBed.peerAddress(agentProcess));
    byte[] asks = concat(RawPeer.interested(), RawPeer.requests(16, 1));
    int tries = 0;
    for (InetSocketAddress peerPort : peerPorts) {
      // A plain BitTorrent client (as aria2c or libtorrent): no membership bit.
      try (RawPeer plain = RawPeer.connect(OUTSIDER, peerPort)) {
        plain.handshake(infoHash, Optional.empty());
        plain.tryWrite(asks); // It may be closed by now.
        assertThat(plain.readUntilClosed()).as("bytes to a plain peer from " + peerPort).isEmpty();
        tries++;
      }
      // A member of another cluster: the bit, but a proof made with another secret.
      try (RawPeer stranger = RawPeer.connect(OUTSIDER, peerPort)) {
        assertThat(
                stranger.handshake(
                    infoHash, Optional.of(ClusterSecret.random().key(KeyPurpose.PEER))))
            .as("another cluster's proof checks at " + peerPort)
            .isFalse();
        assertThat(stranger.readUntilClosed()).as("bytes after its proof").isEmpty();
        tries++;
      }
    }
    System.out.printf("outsiders' peer connections: %d, blob bytes they got: 0%n", tries);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }

  private static byte[] infoHashOf(String digest) throws Exception {
    SecureCluster.Response signed =
        cluster.memberGet(
            SecureCluster.MEMBER_SOURCE,
            cluster.trackerUrl,
            "/metainfo/" + digest + "?registry=" + origin.hostPort() + "&repo=" + PRIVATE);
    assertThat(signed.status()).as(signed.text()).isEqualTo(200);
    return Metainfo.parse(signed.body()).infoHash().bytes();
  }

  static String percent(byte[] bytes) {
    StringBuilder out = new StringBuilder();
    for (byte b : bytes) {
      out.append('%').append(String.format("%02X", b & 0xff));
    }
    return out.toString();
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
