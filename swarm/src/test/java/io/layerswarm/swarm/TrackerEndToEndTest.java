package io.layerswarm.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.layerswarm.core.bencode.Bencode;
import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.core.metainfo.Metainfo;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Two engines that find each other only through a tiny in-test HTTP tracker (BEP 3, BEP 23). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TrackerEndToEndTest {
  private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);

  @TempDir Path dir;
  private HttpServer tracker;
  private final Map<InfoHash, Map<Integer, Boolean>> swarms = new ConcurrentHashMap<>();
  private final BlockingQueue<Map<String, String>> announces = new LinkedBlockingQueue<>();
  private final CompletableFuture<Void> seederStarted = new CompletableFuture<>();
  private final List<SwarmEngine> engines = new ArrayList<>();
  private volatile long minIntervalSeconds = 30;

  @BeforeEach
  void startTracker() throws Exception {
    tracker = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    tracker.createContext(
        "/announce",
        exchange -> {
          Map<String, String> query = parseQuery(exchange.getRequestURI().getRawQuery());
          announces.add(query);
          InfoHash infoHash =
              new InfoHash(query.get("info_hash").getBytes(StandardCharsets.ISO_8859_1));
          int port = Integer.parseInt(query.get("port"));
          Map<Integer, Boolean> peers =
              swarms.computeIfAbsent(infoHash, k -> new ConcurrentHashMap<>());
          if ("stopped".equals(query.get("event"))) {
            peers.remove(port);
          } else {
            peers.put(port, "0".equals(query.get("left")));
          }
          ByteArrayOutputStream compact = new ByteArrayOutputStream();
          for (int p : peers.keySet()) {
            compact.writeBytes(new byte[] {127, 0, 0, 1, (byte) (p >> 8), (byte) p});
          }
          Map<String, Object> response = new HashMap<>();
          response.put("interval", 60L);
          if (minIntervalSeconds > 0) {
            response.put("min interval", minIntervalSeconds);
          }
          response.put("peers", compact.toByteArray());
          byte[] body = Bencode.encode(response);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
          if ("0".equals(query.get("left")) && "started".equals(query.get("event"))) {
            seederStarted.complete(null);
          }
        });
    tracker.start();
  }

  @AfterEach
  void stop() {
    engines.forEach(SwarmEngine::close);
    tracker.stop(0);
  }

  /** Decodes a query whose values are percent-encoded raw bytes, kept as ISO-8859-1 strings. */
  private static Map<String, String> parseQuery(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = pair.substring(0, eq);
      String value = pair.substring(eq + 1);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (c == '%') {
          bytes.write(Integer.parseInt(value.substring(i + 1, i + 3), 16));
          i += 2;
        } else {
          bytes.write(c);
        }
      }
      out.put(key, bytes.toString(StandardCharsets.ISO_8859_1));
    }
    return out;
  }

  private SwarmEngine engine() throws Exception {
    EngineConfig config =
        new EngineConfig(
            LOOPBACK,
            null,
            0,
            0,
            50,
            1000,
            Duration.ofSeconds(30),
            Map.of("zone", "z1", "rack", "r 7"));
    SwarmEngine engine = SwarmEngine.start(config);
    engines.add(engine);
    return engine;
  }

  @Test
  void aLeecherFindsTheSeedThroughTheTrackerAndAnnouncesEachEvent() throws Exception {
    byte[] data = new byte[1024 * 1024 + 999];
    new Random(9).nextBytes(data);
    Path source = Files.write(dir.resolve("source"), data);
    URI announce = URI.create("http://127.0.0.1:" + tracker.getAddress().getPort() + "/announce");
    // The first URL refuses connections: the announcer must fall back to the second.
    URI dead = URI.create("http://127.0.0.1:1/announce");
    Metainfo metainfo = Metainfo.create(source, "blob", List.of(dead, announce), 64 * 1024);
    SwarmEngine seeder = engine();
    SwarmEngine leecher = engine();

    seeder.seed(metainfo, source);
    seederStarted.get(30, TimeUnit.SECONDS);
    Torrent torrent = leecher.download(metainfo, dir.resolve("p"), dir.resolve("f"));
    torrent.completion().get(60, TimeUnit.SECONDS);

    assertThat(Files.readAllBytes(dir.resolve("f"))).isEqualTo(data);
    List<Map<String, String>> seen = new ArrayList<>();
    Map<String, String> completed = null;
    while (completed == null) {
      Map<String, String> a = announces.poll(30, TimeUnit.SECONDS);
      assertThat(a).as("a 'completed' announce").isNotNull();
      seen.add(a);
      if ("completed".equals(a.get("event"))) {
        completed = a;
      }
    }
    Map<String, String> first = seen.get(0);
    assertThat(first.get("info_hash").getBytes(StandardCharsets.ISO_8859_1))
        .isEqualTo(metainfo.infoHash().bytes());
    assertThat(first.get("peer_id").getBytes(StandardCharsets.ISO_8859_1))
        .isEqualTo(seeder.peerId().bytes());
    assertThat(first)
        .containsEntry("event", "started")
        .containsEntry("compact", "1")
        .containsEntry("left", "0")
        .containsEntry("zone", "z1")
        .containsEntry("rack", "r 7")
        .containsKeys("port", "uploaded", "downloaded", "numwant");
    assertThat(completed)
        .containsEntry("left", "0")
        .containsEntry("port", Integer.toString(leecher.listenAddress().getPort()));
    assertThat(Long.parseLong(completed.get("downloaded"))).isGreaterThanOrEqualTo(data.length);

    leecher.close();
    Map<String, String> stopped = announces.poll(30, TimeUnit.SECONDS);
    while (stopped != null && !"stopped".equals(stopped.get("event"))) {
      stopped = announces.poll(30, TimeUnit.SECONDS);
    }
    assertThat(stopped).isNotNull();
    assertThat(stopped.get("port")).isEqualTo(Integer.toString(leecher.listenAddress().getPort()));
  }

  @Test
  void announcedSaysWhetherTheTrackerListedTheSeed() throws Exception {
    byte[] data = new byte[100_000];
    new Random(11).nextBytes(data);
    Path source = Files.write(dir.resolve("source"), data);
    Path other = Files.write(dir.resolve("other"), new byte[50_000]);
    URI announce = URI.create("http://127.0.0.1:" + tracker.getAddress().getPort() + "/announce");
    URI dead = URI.create("http://127.0.0.1:1/announce");
    Metainfo listed = Metainfo.create(source, "blob", List.of(dead, announce), 16 * 1024);
    Metainfo unlisted = Metainfo.create(other, "other", List.of(dead), 16 * 1024);
    SwarmEngine seeder = engine();

    Torrent good = seeder.seed(listed, source);
    assertThat(good.announced().get(30, TimeUnit.SECONDS)).isTrue();
    // By the time it completes, the tracker has the seed in its swarm.
    assertThat(swarms.get(listed.infoHash())).containsKey(seeder.listenAddress().getPort());

    Torrent bad = seeder.seed(unlisted, other);
    assertThat(bad.announced().get(30, TimeUnit.SECONDS)).as("refused by every tracker").isFalse();
  }

  @Test
  void aLeecherThatStartedBeforeTheSeedAsksTheTrackerAgainSoon() throws Exception {
    minIntervalSeconds = 0;
    byte[] data = new byte[300_001];
    new Random(10).nextBytes(data);
    Path source = Files.write(dir.resolve("source"), data);
    URI announce = URI.create("http://127.0.0.1:" + tracker.getAddress().getPort() + "/announce");
    Metainfo metainfo = Metainfo.create(source, "blob", List.of(announce), 16 * 1024);
    SwarmEngine leecher = engine();
    SwarmEngine seeder = engine();

    Torrent torrent = leecher.download(metainfo, dir.resolve("p"), dir.resolve("f"));
    assertThat(announces.poll(30, TimeUnit.SECONDS)).containsEntry("event", "started");
    seeder.seed(metainfo, source);

    // The tracker said to come back in 60 s; the hungry leecher asks again within seconds.
    torrent.completion().get(30, TimeUnit.SECONDS);
    assertThat(Files.readAllBytes(dir.resolve("f"))).isEqualTo(data);
  }
}
