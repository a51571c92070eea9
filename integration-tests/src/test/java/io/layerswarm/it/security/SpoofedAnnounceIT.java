package io.layerswarm.it.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.bencode.Bencode;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.it.cluster.ClusterBed;
import io.layerswarm.swarm.tracker.AnnounceCodec;
import io.layerswarm.testbed.Image;
import io.layerswarm.testbed.OriginRegistry;
import io.layerswarm.testbed.TestbedDirs;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, "announce spoofing", with the exact attempts of the report: from another address, an
 * announce with the seeder's peer id and {@code event=stopped}, then one with its peer id and
 * {@code ip=127.0.0.1&port=6666}. Neither hides the seeder from the scrape nor moves it; {@code
 * compact=0} hands out no peer id. In open mode the tracker's keying by address stops them; with a
 * cluster secret they are refused before they reach the store.
 */
class SpoofedAnnounceIT {
  private static final String ATTACKER = "127.0.0.2";
  private static final String LEECHER = "127.0.0.3";
  private static final Pattern ENGINE =
      Pattern.compile("swarm engine ([0-9a-f]{40}) listening on 127\\.0\\.0\\.1:(\\d+)");
  private ClusterBed bed;

  @AfterEach
  void stop() {
    if (bed != null) {
      bed.close();
    }
  }

  /** The cluster, a blob the seeder seeds, and what an attacker knows of it. */
  private record Target(SecureCluster cluster, byte[] infoHash, byte[] seederId, int seederPort) {
    String seederAddress() {
      return "127.0.0.1:" + seederPort;
    }
  }

  private Target seeding(String name, boolean withSecret) throws Exception {
    bed = new ClusterBed(TestbedDirs.create(name));
    Image image = bed.image("image", 1, 1L << 20);
    OriginRegistry origin = SecureCluster.origin(bed, image);
    SecureCluster cluster = SecureCluster.start(bed, origin, withSecret);
    Metainfo torrent = cluster.seederMetainfo(origin, image.layerDigests().get(0));
    Matcher engine = ENGINE.matcher(cluster.seeder.output());
    assertThat(engine.find())
        .as("the seeder's engine line:\n" + cluster.seeder.outputTail(30))
        .isTrue();
    return new Target(
        cluster,
        torrent.infoHash().bytes(),
        HexFormat.of().parseHex(engine.group(1)),
        Integer.parseInt(engine.group(2)));
  }

  private static String announce(Target t, byte[] peerId, int port, long left, String extra) {
    return "/announce?info_hash="
        + ClusterSecretIT.percent(t.infoHash())
        + "&peer_id="
        + ClusterSecretIT.percent(peerId)
        + "&port="
        + port
        + "&uploaded=0&downloaded=0&left="
        + left
        + extra;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> bencoded(SecureCluster.Response response) throws Exception {
    assertThat(response.status()).as(response.text()).isEqualTo(200);
    return (Map<String, Object>) Bencode.decode(response.body());
  }

  /**
   * What a member sees in the scrape: the swarm's seeds. (The reply's keys are raw info hashes,
   * which a string-keyed bencode reader cannot take, so its one entry is read by hand.)
   */
  private static long seeds(Target t) throws Exception {
    SecureCluster.Response scrape =
        t.cluster()
            .memberGet(
                LEECHER,
                t.cluster().trackerUrl,
                "/scrape?info_hash=" + ClusterSecretIT.percent(t.infoHash()));
    assertThat(scrape.status()).as(scrape.text()).isEqualTo(200);
    String body = new String(scrape.body(), StandardCharsets.ISO_8859_1);
    String key = "20:" + new String(t.infoHash(), StandardCharsets.ISO_8859_1);
    Matcher complete = Pattern.compile("8:completei(\\d+)e").matcher(body);
    assertThat(body).contains(key);
    assertThat(complete.find(body.indexOf(key))).as(body).isTrue();
    return Long.parseLong(complete.group(1));
  }

  private static List<String> peersSeenByALeecher(Target t) throws Exception {
    byte[] id = "-LS0100-leecher00001".getBytes(StandardCharsets.US_ASCII);
    SecureCluster.Response reply =
        t.cluster()
            .memberGet(
                LEECHER,
                t.cluster().trackerUrl,
                announce(t, id, 7003, 1, "&numwant=50&event=started"));
    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    // Read as the engine reads it.
    List<String> peers = new ArrayList<>();
    for (InetSocketAddress peer : AnnounceCodec.parse(reply.body()).peers()) {
      peers.add(peer.getAddress().getHostAddress() + ":" + peer.getPort());
    }
    return peers;
  }

  @Test
  @SuppressWarnings("unchecked")
  void inOpenModeSpoofedAnnouncesMoveOrHideNobody() throws Exception {
    Target t = seeding("security-spoof-open", false);
    assertThat(seeds(t)).isEqualTo(1);
    assertThat(peersSeenByALeecher(t)).contains(t.seederAddress());

    // The report's first attempt: stop the seeder with its own peer id, from elsewhere.
    SecureCluster.Response stop =
        SecureCluster.get(
            ATTACKER,
            t.cluster().trackerUrl,
            announce(t, t.seederId(), t.seederPort(), 0, "&event=stopped"));

    assertThat(stop.status()).isEqualTo(200);
    assertThat(seeds(t)).as("seeds in the scrape after the stop").isEqualTo(1);
    assertThat(peersSeenByALeecher(t)).contains(t.seederAddress());

    // The second: move it to 127.0.0.1:6666.
    SecureCluster.Response move =
        SecureCluster.get(
            ATTACKER,
            t.cluster().trackerUrl,
            announce(t, t.seederId(), 6666, 0, "&ip=127.0.0.1&event=started"));

    assertThat(move.status()).isEqualTo(200);
    List<String> seen = peersSeenByALeecher(t);
    assertThat(seen).contains(t.seederAddress()).doesNotContain("127.0.0.1:6666");

    // And peer ids are not handed out to anyone.
    Map<String, Object> listed =
        bencoded(
            SecureCluster.get(
                ATTACKER,
                t.cluster().trackerUrl,
                announce(
                    t,
                    "-EV0001-000000000001".getBytes(StandardCharsets.US_ASCII),
                    7777,
                    1,
                    "&compact=0&numwant=50")));
    assertThat((List<Map<String, Object>>) listed.get("peers"))
        .isNotEmpty()
        .allSatisfy(p -> assertThat(p).doesNotContainKey("peer id"));
    System.out.println("after the spoofed announces a leecher sees " + seen);
  }

  @Test
  void withAClusterSecretSpoofedAnnouncesAreRefusedAndChangeNothing() throws Exception {
    Target t = seeding("security-spoof-secret", true);
    assertThat(seeds(t)).isEqualTo(1);

    SecureCluster.Response stop =
        SecureCluster.get(
            ATTACKER,
            t.cluster().trackerUrl,
            announce(t, t.seederId(), t.seederPort(), 0, "&event=stopped"));
    SecureCluster.Response move =
        SecureCluster.get(
            ATTACKER,
            t.cluster().trackerUrl,
            announce(t, t.seederId(), 6666, 0, "&ip=127.0.0.1&event=started"));

    assertThat(stop.status()).isEqualTo(401);
    assertThat(move.status()).isEqualTo(401);
    assertThat(seeds(t)).isEqualTo(1);
    assertThat(peersSeenByALeecher(t)).containsExactly(t.seederAddress());
  }
}
