package io.layerswarm.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.it.cluster.ClusterBed;
import io.layerswarm.testbed.DaemonProcess;
import io.layerswarm.testbed.FreePorts;
import io.layerswarm.testbed.Image;
import io.layerswarm.testbed.TestbedDirs;
import io.layerswarm.testing.Await;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A peer that serves corrupt pieces, as a real process: {@code faults/corrupt_peer.py} claims every
 * piece of the image's layers, announces itself to the tracker as a seed from 127.0.0.3, and
 * answers every request with random bytes; it also dials the agent once a second with a fresh peer
 * id, as a banned peer would come back. The agent bans its address, pulls every blob right (from
 * the honest seeder), and answers none of its later connections, whatever peer id they carry.
 */
class CorruptPeerIT {
  private static final String LIAR = "127.0.0.3";
  private static final Pattern DIAL = Pattern.compile("^DIAL (\\d+) (answered|refused)$");
  private static final Pattern SERVED = Pattern.compile("^SERVED \\S+ blocks=(\\d+)$");

  @Test
  void aPeerThatSendsCorruptPiecesIsBannedByAddressAndThePullIsRight() throws Exception {
    Path work = TestbedDirs.create("corrupt-peer");
    try (FaultCluster cluster = FaultCluster.start(work).trackerAndSeeder()) {
      Image image = cluster.push("library/app", 2, 48L << 20, 11);
      List<String> infoHashes = new ArrayList<>();
      for (String layer : image.layerDigests()) {
        infoHashes.add(infoHashOf(cluster, layer));
      }
      int port = FreePorts.pick();
      Path data = work.resolve("agent");
      DaemonProcess agent =
          cluster.bed.track(
              cluster.agent("agent", port, data, cluster.origin.baseUri().toString()).start());
      InetSocketAddress agentPeer = ClusterBed.peerAddress(agent);
      List<String> command =
          new ArrayList<>(
              List.of(
                  "/usr/bin/python3",
                  script(work).toString(),
                  "--listen",
                  LIAR,
                  "--tracker",
                  cluster.tracker(),
                  "--agent",
                  "127.0.0.1:" + agentPeer.getPort(),
                  "--time",
                  "150"));
      for (String infoHash : infoHashes) {
        command.addAll(List.of("--torrent", infoHash));
      }
      DaemonProcess liar =
          cluster.bed.track(
              DaemonProcess.builder("corrupt-peer", command)
                  .logFile(work.resolve("corrupt-peer.log"))
                  .readyWhenOutputContains("READY port=")
                  .readyTimeout(Duration.ofSeconds(30))
                  .start());
      assertThat(liar.output()).contains("ANNOUNCED").doesNotContain("status=4");

      Path pullDir = work.resolve("pull");
      FaultCluster.assertPulledRight(
          FaultCluster.pull("127.0.0.1:" + port, "library/app", pullDir), pullDir, image);
      String agentLog = agent.output();
      assertThat(agentLog)
          .as("the agent's ban")
          .containsPattern("peer=\"127\\.0\\.0\\.3:\\d+\".*banning the peer's address");
      // Its next three connections, each with a new peer id, after the pull and so after the ban.
      int dialsAtEnd = dials(liar).size();
      Await.until(
          "three more dials by the corrupt peer",
          Duration.ofSeconds(30),
          () -> dials(liar).size() >= dialsAtEnd + 3);
      List<String> after = dials(liar).subList(dialsAtEnd, dialsAtEnd + 3);
      long corruptBlocks = servedBlocks(liar);
      System.out.printf(
          "FAULT corrupt-peer: %d corrupt blocks (16 KiB) sent to the agent; failed pieces logged:"
              + " %d; banned by address; the corrupt peer's dials after the pull: %s; every digest"
              + " right, wrong bytes served 0%n",
          corruptBlocks, count(agentLog, "failed its hash check"), after);
      assertThat(corruptBlocks).as("corrupt blocks the agent took").isPositive();
      assertThat(after).as("dials with fresh peer ids after the ban").containsOnly("refused");
      assertThat(FaultCluster.wrongBlobFiles(data)).isEmpty();
    }
  }

  private static String infoHashOf(FaultCluster cluster, String digest) throws Exception {
    URI uri =
        URI.create(
            cluster.tracker()
                + "/metainfo/"
                + digest
                + "?registry="
                + cluster.origin.hostPort()
                + "&repo=library/app");
    HttpResponse<byte[]> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).as("metainfo of " + digest).isEqualTo(200);
    return HexFormat.of().formatHex(Metainfo.parse(r.body()).infoHash().bytes());
  }

  private static Path script(Path work) throws IOException {
    Path script = work.resolve("corrupt_peer.py");
    try (InputStream in = CorruptPeerIT.class.getResourceAsStream("/faults/corrupt_peer.py")) {
      Files.copy(in, script);
    }
    return script;
  }

  private static List<String> dials(DaemonProcess liar) {
    List<String> results = new ArrayList<>();
    try {
      for (String line : liar.output().lines().toList()) {
        Matcher m = DIAL.matcher(line.strip());
        if (m.find()) {
          results.add(m.group(2));
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return results;
  }

  private static long servedBlocks(DaemonProcess liar) throws IOException {
    long blocks = 0;
    for (String line : liar.output().lines().toList()) {
      Matcher m = SERVED.matcher(line.strip());
      if (m.find()) {
        blocks += Long.parseLong(m.group(1));
      }
    }
    return blocks;
  }

  private static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }
}
