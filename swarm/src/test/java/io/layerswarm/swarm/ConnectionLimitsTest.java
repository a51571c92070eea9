package io.layerswarm.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.testing.Await;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, "one host can take every peer slot": idle sockets from one address against the engine's
 * separate incoming and outgoing budgets, its per-address cap and its handshake timeout.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ConnectionLimitsTest {
  private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);

  @TempDir Path dir;
  private final List<SwarmEngine> engines = new ArrayList<>();
  private final List<Socket> sockets = new ArrayList<>();

  @AfterEach
  void close() throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
    engines.forEach(SwarmEngine::close);
  }

  private SwarmEngine start(EngineConfig config) throws IOException {
    SwarmEngine engine = SwarmEngine.start(config);
    engines.add(engine);
    return engine;
  }

  /** A socket from {@code source} to {@code engine} that sends nothing. */
  private Socket idle(String source, SwarmEngine engine) throws IOException {
    Socket socket = new Socket();
    sockets.add(socket);
    socket.bind(new InetSocketAddress(source, 0));
    socket.connect(engine.listenAddress(), 5_000);
    return socket;
  }

  /** Whether the other end closed the socket within {@code timeout}, having sent nothing. */
  private static boolean closedWithin(Socket socket, Duration timeout) throws IOException {
    socket.setSoTimeout((int) timeout.toMillis());
    try {
      return socket.getInputStream().read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (SocketException e) {
      return true; // Reset.
    }
  }

  @Test
  void socketsFromOneAddressTakeOnlyItsShareAndTheEngineStillDialsOutAndDownloads()
      throws Exception {
    byte[] data = new byte[1024 * 1024];
    new Random(4).nextBytes(data);
    Path source = Files.write(dir.resolve("source"), data);
    Metainfo metainfo = Metainfo.create(source, "blob", List.of(), 64 * 1024);
    SwarmEngine seeder = start(EngineConfig.defaults(LOOPBACK));
    seeder.seed(metainfo, source);
    SwarmEngine leecher =
        start(
            EngineConfig.defaults(LOOPBACK)
                .withPeerLimits(new PeerLimits(8, 4, 4, Duration.ofSeconds(60))));

    InetAddress attacker = InetAddress.getByName("127.0.0.2");
    for (int i = 0; i < 4; i++) {
      idle("127.0.0.2", leecher);
    }
    Await.until(
        "four slots taken by 127.0.0.2",
        Duration.ofSeconds(10),
        () -> leecher.slots().incomingFrom(attacker) == 4);
    Socket fifth = idle("127.0.0.2", leecher);
    for (int i = 0; i < 4; i++) {
      idle("127.0.0.3", leecher); // The rest of the incoming budget.
    }

    assertThat(closedWithin(fifth, Duration.ofSeconds(10)))
        .as("a fifth socket from the same address is closed at once")
        .isTrue();
    Await.until(
        "the incoming budget spent", Duration.ofSeconds(10), () -> leecher.slots().incoming() == 8);
    Torrent download = leecher.download(metainfo, dir.resolve("part"), dir.resolve("blob"));
    download.addPeers(List.of(seeder.listenAddress()));
    download.completion().get(60, TimeUnit.SECONDS);
    assertThat(Files.readAllBytes(dir.resolve("blob"))).isEqualTo(data);
    assertThat(leecher.slots().incomingFrom(attacker))
        .as("the first four still open: the handshake timeout is a minute here")
        .isEqualTo(4);
  }

  @Test
  void aPeerThatArrivesWhileIdleSocketsHoldEveryIncomingSlotTakesTheOldestOnesSlot()
      throws Exception {
    byte[] data = new byte[1024 * 1024];
    new Random(5).nextBytes(data);
    Path source = Files.write(dir.resolve("source"), data);
    Metainfo metainfo = Metainfo.create(source, "blob", List.of(), 64 * 1024);
    SwarmEngine seeder =
        start(
            EngineConfig.defaults(LOOPBACK)
                .withPeerLimits(new PeerLimits(4, 4, 2, Duration.ofSeconds(60))));
    seeder.seed(metainfo, source);
    Socket oldest = idle("127.0.0.2", seeder);
    Await.until(
        "the first idle socket in", Duration.ofSeconds(10), () -> seeder.slots().incoming() == 1);
    idle("127.0.0.2", seeder);
    idle("127.0.0.3", seeder);
    idle("127.0.0.3", seeder);
    Await.until(
        "the incoming budget spent", Duration.ofSeconds(10), () -> seeder.slots().incoming() == 4);

    SwarmEngine leecher = start(EngineConfig.defaults(LOOPBACK));
    Torrent download = leecher.download(metainfo, dir.resolve("part"), dir.resolve("blob"));
    download.addPeers(List.of(seeder.listenAddress()));
    download.completion().get(60, TimeUnit.SECONDS);

    assertThat(Files.readAllBytes(dir.resolve("blob"))).isEqualTo(data);
    assertThat(closedWithin(oldest, Duration.ofSeconds(10)))
        .as("the oldest idle socket gave its slot to the leecher")
        .isTrue();
    assertThat(seeder.slots().incoming()).as("the budget holds").isLessThanOrEqualTo(4);
  }

  @Test
  void aSocketThatSendsNoHandshakeIsClosedAfterTheConfiguredTimeout() throws Exception {
    SwarmEngine engine =
        start(
            EngineConfig.defaults(LOOPBACK)
                .withPeerLimits(PeerLimits.DEFAULTS.withHandshakeTimeout(Duration.ofSeconds(1))));

    Socket socket = idle("127.0.0.2", engine);

    assertThat(closedWithin(socket, Duration.ofSeconds(8)))
        .as("closed after 1 s, well before the 8 s this test waits")
        .isTrue();
  }
}
