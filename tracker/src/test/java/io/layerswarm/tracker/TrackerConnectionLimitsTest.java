package io.layerswarm.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.testing.Await;
import io.layerswarm.testing.ManualClock;
import io.layerswarm.tracker.http.ConnectionLimits;
import io.layerswarm.tracker.peerstore.InMemoryPeerStore;
import io.layerswarm.tracker.testing.KnownMetainfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The tracker's HTTP listener holds a bounded number of connections, and closes idle ones. */
class TrackerConnectionLimitsTest {
  private final List<Socket> sockets = new ArrayList<>();
  private TrackerServer server;

  @AfterEach
  void stop() throws IOException {
    for (Socket socket : sockets) {
      socket.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private void start(ConnectionLimits limits) throws TrackerException {
    server =
        TrackerServer.start(
            TrackerConfig.defaults(new InetSocketAddress("127.0.0.1", 0))
                .withConnectionLimits(limits),
            new InMemoryPeerStore(),
            KnownMetainfo.of(new io.layerswarm.core.Digest("sha256", "1".repeat(64)), new byte[1]),
            new ManualClock());
  }

  /** A connection from {@code source} (any 127.0.0.0/8 address is this host). */
  private Socket connect(String source) throws IOException {
    Socket socket = new Socket();
    sockets.add(socket);
    socket.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
    socket.connect(server.address(), 5_000);
    socket.setSoTimeout(10_000);
    return socket;
  }

  /** Sends GET /healthz and reads the status line; null if the tracker closed the connection. */
  private static String healthz(Socket socket) throws IOException {
    OutputStream out = socket.getOutputStream();
    try {
      out.write("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
    } catch (IOException e) {
      return null; // reset: closed before the request got there
    }
    InputStream in = socket.getInputStream();
    StringBuilder line = new StringBuilder();
    try {
      for (int c; (c = in.read()) != -1 && c != '\r'; ) {
        line.append((char) c);
      }
    } catch (IOException e) {
      return null;
    }
    return line.length() == 0 ? null : line.toString();
  }

  /** GET /metrics from {@code source}, the whole response as text. */
  private String metrics(String source) throws IOException {
    Socket socket = connect(source);
    socket
        .getOutputStream()
        .write(
            "GET /metrics HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
    return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  private boolean aNewConnectionIsAnswered() {
    try {
      return healthz(connect("127.0.0.4")) != null;
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void oneAddressGetsAtMostItsShareOfConnectionsAndOthersStillGetIn() throws Exception {
    start(new ConnectionLimits(100, 2, Duration.ofSeconds(60)));
    Socket first = connect("127.0.0.1");
    Socket second = connect("127.0.0.1");
    assertThat(healthz(first)).isEqualTo("HTTP/1.1 200 OK");
    assertThat(healthz(second)).isEqualTo("HTTP/1.1 200 OK");

    Socket third = connect("127.0.0.1");
    Socket other = connect("127.0.0.2");

    assertThat(healthz(third)).as("a third connection from 127.0.0.1").isNull();
    assertThat(healthz(other)).isEqualTo("HTTP/1.1 200 OK");
    assertThat(metrics("127.0.0.3"))
        .contains("tracker_refused_connections_total{reason=\"per_address\"} 1.0");
  }

  @Test
  void theTotalCapHoldsAndAClosedConnectionMakesRoom() throws Exception {
    start(new ConnectionLimits(2, 2, Duration.ofSeconds(60)));
    Socket first = connect("127.0.0.1");
    Socket second = connect("127.0.0.2");
    assertThat(healthz(first)).isEqualTo("HTTP/1.1 200 OK");
    assertThat(healthz(second)).isEqualTo("HTTP/1.1 200 OK");

    assertThat(healthz(connect("127.0.0.3"))).isNull();

    first.close();
    Await.until("a place to free up", Duration.ofSeconds(10), this::aNewConnectionIsAnswered);
  }

  @Test
  void anIdleConnectionIsClosedAfterTheIdleTimeout() throws Exception {
    start(new ConnectionLimits(100, 10, Duration.ofSeconds(1)));
    Socket idle = connect("127.0.0.1");
    assertThat(healthz(idle)).isEqualTo("HTTP/1.1 200 OK");
    // Read what is left of the answer; the next read ends when the tracker closes.
    InputStream in = idle.getInputStream();
    long start = System.nanoTime();
    while (in.read() != -1) {
      // the rest of the response
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }
}
