package io.layerswarm.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.layerswarm.agent.AgentConfig;
import io.layerswarm.agent.AgentServer;
import io.layerswarm.cli.Main;
import io.layerswarm.core.Digest;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.registry.client.InMemoryUpstreamRegistry;
import io.layerswarm.registry.client.Upstreams;
import io.layerswarm.testing.Await;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin commands through picocli, in-process, against a real agent serving its admin API on a
 * temporary Unix socket. The agent's tracker refuses connections, so its one blob comes from the
 * in-memory origin.
 */
class AdminCommandsTest {
  private static final RepositoryName REPO = new RepositoryName("test/app");
  private static final int BLOB_BYTES = 3 << 20;

  @TempDir Path dir;
  private Path socket;
  private AgentServer agent;
  private Digest pulled;

  private record Run(int exitCode, String out, String err) {}

  @BeforeEach
  void startAgentAndPullOneBlob() throws Exception {
    InMemoryUpstreamRegistry origin =
        new InMemoryUpstreamRegistry(URI.create("http://origin.test:5000"));
    URI closedTracker;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedTracker = URI.create("http://127.0.0.1:" + free.getLocalPort());
    }
    socket = dir.resolve("agent.sock");
    agent =
        AgentServer.start(
            AgentConfig.defaults(dir.resolve("data"), List.of(closedTracker))
                .withListen(new InetSocketAddress("127.0.0.1", 0))
                .withPeerListen(new InetSocketAddress("127.0.0.1", 0))
                .withSwarmDeadline(Duration.ofSeconds(2))
                .withAdminSocket(Optional.of(socket)),
            Upstreams.single(origin));

    byte[] content = new byte[BLOB_BYTES];
    new Random(1).nextBytes(content);
    Digest digest = origin.putBlob(REPO, content);
    pulled = digest;
    HttpResponse<byte[]> pulled =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:"
                                + agent.address().getPort()
                                + "/v2/"
                                + REPO
                                + "/blobs/"
                                + digest))
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    assertThat(pulled.statusCode()).isEqualTo(200);
  }

  @AfterEach
  void stopAgent() {
    if (agent != null) {
      agent.close();
    }
  }

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    picocli.CommandLine commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int exitCode = commandLine.execute(args);
    return new Run(exitCode, out.toString(), err.toString());
  }

  @Test
  void statusPrintsTheRunningAgentAsAlignedTables() {
    Run run = run("status", "--socket", socket.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.out())
        .matches(
            Pattern.compile(
                "(?s)agent      " + Pattern.quote(AgentServer.VERSION) + ", up \\d+s\n.*"))
        .contains("socket     " + socket + "\n")
        .contains("registry   127.0.0.1:" + agent.address().getPort() + "\n")
        .contains("peer port  " + agent.engine().listenAddress().getPort() + "\n")
        .contains("cache        3.0 MiB  1 blob\n")
        .contains("from origin  3.0 MiB  swarm fallback\n")
        .endsWith("\nno transfers in progress\n");
  }

  @Test
  void statusJsonHasTheDocumentedKeysAndTheAgentsNumbers() throws Exception {
    Run run = run("status", "--socket", socket.toString(), "--json");

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(run.out());
    List<String> keys = new ArrayList<>();
    json.fieldNames().forEachRemaining(keys::add);
    assertThat(keys)
        .containsExactly(
            "version",
            "uptime_millis",
            "draining",
            "listen",
            "peer_port",
            "cache_bytes",
            "cached_blobs",
            "torrents",
            "peer_connections",
            "uploaded_bytes",
            "downloaded_bytes",
            "duplicate_bytes",
            "swarm_bytes",
            "origin_fallback_bytes",
            "rates",
            "transfers");
    assertThat(json.get("version").asText()).isEqualTo(AgentServer.VERSION);
    assertThat(json.get("cached_blobs").asLong()).isEqualTo(1);
    assertThat(json.get("cache_bytes").asLong()).isEqualTo(BLOB_BYTES);
    assertThat(json.get("origin_fallback_bytes").asLong()).isEqualTo(BLOB_BYTES);
    assertThat(json.get("listen").asText()).isEqualTo("127.0.0.1:" + agent.address().getPort());
    assertThat(json.get("rates").isNull()).isTrue();
    assertThat(json.get("transfers").isArray()).isTrue();
    assertThat(json.get("transfers")).isEmpty();
  }

  @Test
  void torrentsListsWhatTheEngineHolds() throws Exception {
    Run table = run("torrents", "--socket", socket.toString());
    Run json = run("torrents", "--socket", socket.toString(), "--json");

    // The blob came from the origin without metainfo, so the engine holds no torrent for it.
    assertThat(table.exitCode()).as(table.err()).isZero();
    assertThat(table.out()).isEqualTo("no torrents\n");
    assertThat(json.exitCode()).as(json.err()).isZero();
    assertThat(new ObjectMapper().readTree(json.out()).get("torrents")).isEmpty();
  }

  @Test
  void noSocketFileExitsWith3AndAsksWhetherTheAgentIsRunning() {
    Path missing = dir.resolve("nothing-here.sock");

    Run run = run("status", "--socket", missing.toString());

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .startsWith("layerswarm status: cannot reach the agent at " + missing)
        .contains("no such socket")
        .contains("Is the agent running?")
        .contains("--socket");
  }

  @Test
  void aSocketNobodyListensOnExitsWith3() throws IOException {
    Path stale = dir.resolve("stale.sock");
    try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      dead.bind(UnixDomainSocketAddress.of(stale));
    }

    Run run = run("torrents", "--socket", stale.toString(), "--json");

    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .contains("cannot reach the agent at " + stale)
        .contains("Is the agent running?");
  }

  @Test
  void aRateOutsideOneMillisecondToAMinuteIsAUsageError() {
    Run run = run("status", "--socket", socket.toString(), "--rate=0s");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--rate").contains("'0s'");
  }

  @Test
  void statusWithRateTakesTwoSnapshotsAndShowsARateColumn() {
    StatusCommand status = new StatusCommand();
    List<Duration> pauses = new ArrayList<>();
    // Instead of sleeping, wait until the agent's uptime clock (the system clock, in
    // milliseconds) has moved on, so rates exist.
    status.pause =
        d -> {
          pauses.add(d);
          long start = System.currentTimeMillis();
          Await.until(
              "the agent's clock to move on", () -> System.currentTimeMillis() >= start + 2);
        };
    StringWriter out = new StringWriter();
    picocli.CommandLine commandLine = new picocli.CommandLine(status);
    commandLine.setOut(new PrintWriter(out, true));

    int exitCode = commandLine.execute("--socket", socket.toString(), "--rate=250ms");

    assertThat(exitCode).isZero();
    assertThat(pauses).containsExactly(Duration.ofMillis(250));
    assertThat(out.toString()).contains("from origin  3.0 MiB  0 B/s  swarm fallback\n");
  }

  @Test
  void helpListsTheCommandsAndGenerateCompletionPrintsABashScript() {
    Run help = run("--help");
    Run completion = run("generate-completion");

    assertThat(help.out())
        .contains("status")
        .contains("torrents")
        .contains("peers")
        .contains("evict")
        .contains("drain")
        .contains("generate-completion");
    assertThat(completion.exitCode()).isZero();
    assertThat(completion.out()).contains("complete -F").contains("status").contains("--socket");
  }

  @Test
  void peersOfATorrentTheAgentSeedsWithoutConnectionsSaysNoPeersAreConnected() throws Exception {
    byte[] content = new byte[100_000];
    new Random(2).nextBytes(content);
    io.layerswarm.core.metainfo.Metainfo meta = seed(content);
    Digest digest = Digest.sha256(content);

    Run table = run("peers", "--socket", socket.toString(), digest.toString());
    Run json = run("peers", "--socket", socket.toString(), "--json", digest.hex());

    assertThat(table.exitCode()).as(table.err()).isZero();
    assertThat(table.out())
        .startsWith("digest      " + digest + "\n")
        .contains("info hash   " + meta.infoHash().hex() + "\n")
        .contains("progress    100.0%, seeding\n")
        .contains("peers       0 connected\n")
        .endsWith("\nno peers connected\n");
    assertThat(json.exitCode()).as(json.err()).isZero();
    JsonNode node = new ObjectMapper().readTree(json.out());
    assertThat(node.get("digest").asText()).isEqualTo(digest.toString());
    assertThat(node.get("size_bytes").asLong()).isEqualTo(100_000);
    assertThat(node.get("peer_details").asBoolean()).isTrue();
    assertThat(node.get("peers")).isEmpty();
  }

  @Test
  void peersOfABlobWithoutTorrentExitsWith4() {
    // The pulled blob came from the origin: cached, but no torrent.
    Run run = run("peers", "--socket", socket.toString(), pulled.toString());

    assertThat(run.exitCode()).isEqualTo(4);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .isEqualTo("layerswarm peers: the agent holds no torrent for " + pulled + "\n");
  }

  @Test
  void aMalformedDigestIsAUsageErrorBeforeAnyCall() {
    Run peers = run("peers", "--socket", dir.resolve("none.sock").toString(), "sha256:abx");
    Run evict = run("evict", "--socket", socket.toString(), "latest");

    assertThat(peers.exitCode()).isEqualTo(2);
    assertThat(peers.err()).contains("'sha256:abx' is not a blob digest");
    assertThat(evict.exitCode()).isEqualTo(2);
    assertThat(evict.err()).contains("'latest' is not a blob digest");
  }

  @Test
  void evictDeletesTheCachedBlobThenTheDigestIsUnknown() throws Exception {
    Run first = run("evict", "--socket", socket.toString(), pulled.toString());

    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(first.out())
        .isEqualTo(
            "evicted   "
                + pulled
                + "\n"
                + "torrent   none\n"
                + "blob      deleted, 3.0 MiB freed\n"
                + "metainfo  none saved\n");
    assertThat(agent.stats().cachedBlobs()).isZero();

    Run second = run("evict", "--socket", socket.toString(), "--json", pulled.toString());
    assertThat(second.exitCode()).isEqualTo(4);
    assertThat(second.out()).isEmpty();
    assertThat(second.err()).contains("no blob, torrent or metainfo for " + pulled);
  }

  @Test
  void drainRefusesNewRequestsWith503FollowsTheDrainToItsEndAndTheAgentSaysItIsDone()
      throws Exception {
    Run run = run("drain", "--socket", socket.toString(), "--grace=0s", "--timeout=20s");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .startsWith("draining: new registry requests get 503 with Retry-After")
        .contains(
            "the agent exits after 0s without uploads or client responses, at most after"
                + " 20s\n")
        .containsPattern(
            "\ndrained after \\d+(ms|s): the agent exits now \\(0 B uploaded to"
                + " peers and 0 requests refused during the drain\\)\n$");
    assertThat(agent.drained().get(5, java.util.concurrent.TimeUnit.SECONDS))
        .isEqualTo(io.layerswarm.agent.admin.Drain.Outcome.DRAINED);

    HttpResponse<String> refused =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:"
                                + agent.address().getPort()
                                + "/v2/"
                                + REPO
                                + "/blobs/"
                                + pulled))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.headers().firstValue("Retry-After")).contains("10");
    assertThat(refused.body()).contains("UNAVAILABLE").contains("draining");

    Run status = run("status", "--socket", socket.toString());
    assertThat(status.out()).contains(", DRAINING: refuses new requests and exits soon\n");
  }

  @Test
  void drainNoWaitPrintsTheFirstStateAsAJsonLineAndLeavesTheDrainRunning() throws Exception {
    Run run = run("drain", "--socket", socket.toString(), "--no-wait", "--json", "--grace=1h");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out().lines()).hasSize(1);
    JsonNode first = new ObjectMapper().readTree(run.out());
    assertThat(first.get("state").asText()).isEqualTo("draining");
    assertThat(first.get("grace_millis").asLong()).isEqualTo(3_600_000);
    assertThat(agent.drained()).isNotDone();
    assertThat(run("status", "--socket", socket.toString(), "--json").out())
        .contains("\"draining\" : true");
  }

  @Test
  void drainDurationsOutOfRangeAreUsageErrors() {
    Run grace = run("drain", "--socket", socket.toString(), "--grace=2h");
    Run timeout = run("drain", "--socket", socket.toString(), "--timeout=soon");

    assertThat(grace.exitCode()).isEqualTo(2);
    assertThat(grace.err()).contains("--grace: '2h' is not a duration from 0s to 1h 0m");
    assertThat(timeout.exitCode()).isEqualTo(2);
    assertThat(timeout.err()).contains("--timeout: 'soon'");
    assertThat(agent.drained()).isNotDone();
  }

  @Test
  void peersAndEvictTakeTheShortDigestThatTorrentsPrints() throws Exception {
    byte[] content = new byte[50_000];
    new Random(3).nextBytes(content);
    Digest digest = Digest.sha256(content);
    seed(content);
    String shortDigest = digest.toString().substring(0, "sha256:".length() + 12);
    assertThat(run("torrents", "--socket", socket.toString()).out()).contains(shortDigest + " ");

    Run peers = run("peers", "--socket", socket.toString(), shortDigest);
    Run bare = run("peers", "--socket", socket.toString(), digest.hex().substring(0, 7));
    Run evict = run("evict", "--socket", socket.toString(), shortDigest.toUpperCase());

    assertThat(peers.exitCode()).as(peers.err()).isZero();
    assertThat(peers.out()).startsWith("digest      " + digest + "\n");
    assertThat(bare.exitCode()).as(bare.err()).isZero();
    assertThat(bare.out()).startsWith("digest      " + digest + "\n");
    assertThat(evict.exitCode()).as(evict.err()).isZero();
    assertThat(evict.out()).startsWith("evicted   " + digest + "\n");
  }

  @Test
  void aPrefixOfSeveralTorrentsIsAUsageErrorListingThemAndAnUnknownPrefixExitsWith4()
      throws Exception {
    // Seed blobs until two digests share their first hex character (at most 17 are needed).
    java.util.Map<Character, Digest> byFirst = new java.util.HashMap<>();
    Random random = new Random(4);
    Digest first = null;
    Digest second = null;
    while (second == null) {
      byte[] content = new byte[20_000];
      random.nextBytes(content);
      seed(content);
      Digest digest = Digest.sha256(content);
      first = byFirst.putIfAbsent(digest.hex().charAt(0), digest);
      if (first != null) {
        second = digest;
      }
    }
    String unused =
        "0123456789abcdef"
            .chars()
            .mapToObj(c -> String.valueOf((char) c))
            .filter(c -> !byFirst.containsKey(c.charAt(0)))
            .findFirst()
            .orElseThrow();

    Run ambiguous = run("peers", "--socket", socket.toString(), "sha256:" + first.hex().charAt(0));
    Run unknown = run("evict", "--socket", socket.toString(), unused);

    assertThat(ambiguous.exitCode()).isEqualTo(2);
    assertThat(ambiguous.out()).isEmpty();
    assertThat(ambiguous.err())
        .startsWith("layerswarm peers: DIGEST: 'sha256:" + first.hex().charAt(0) + "' is ambiguous")
        .contains("\n  " + first + "\n")
        .contains("\n  " + second + "\n");
    assertThat(unknown.exitCode()).isEqualTo(4);
    assertThat(unknown.err())
        .isEqualTo(
            "layerswarm evict: no torrent of the agent has a digest starting with sha256:"
                + unused
                + " (`layerswarm torrents` lists them; a cached blob without a torrent needs its"
                + " whole digest)\n");
    assertThat(agent.engine().torrents()).hasSize(byFirst.size() + 1);
  }

  /** Seeds {@code content} as a torrent named by its digest, as the agent does after a pull. */
  private io.layerswarm.core.metainfo.Metainfo seed(byte[] content) throws IOException {
    Digest digest = Digest.sha256(content);
    Path file = java.nio.file.Files.write(dir.resolve(digest.hex()), content);
    io.layerswarm.core.metainfo.Metainfo meta =
        io.layerswarm.core.metainfo.Metainfo.create(
            file, digest.hex(), List.of(URI.create("http://127.0.0.1:9/announce")), 16 * 1024);
    agent.engine().seed(meta, file);
    return meta;
  }
}
