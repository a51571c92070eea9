package io.layerswarm.agent.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;

import io.layerswarm.agent.http.RegistryChannelInitializer;
import io.layerswarm.agent.metrics.AgentMetrics;
import io.layerswarm.agent.mirror.RegistryMirror;
import io.layerswarm.testing.ManualClock;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The proxy on a real loopback socket, with the JDK's HTTP client and raw sockets as clients. */
class HttpsProxyTest {
  @TempDir Path dir;
  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final ExecutorService pumps = Executors.newSingleThreadExecutor();
  private final AgentMetrics metrics = new AgentMetrics();
  private final RegistryMirror mirror = mock(RegistryMirror.class);

  @AfterEach
  void stop() {
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    pumps.shutdownNow();
    metrics.close();
  }

  private ProxyCa ca;

  private InetSocketAddress start(boolean tunnelOthers) throws Exception {
    ca = ProxyCa.loadOrCreate(dir, new ManualClock(java.time.Instant.now()));
    Channel server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new HttpsProxyInitializer(
                    ca,
                    Set.of("registry.test:5000"),
                    tunnelOthers,
                    new RegistryChannelInitializer(mirror, pumps, metrics)))
            .bind(InetAddress.getLoopbackAddress(), 0)
            .sync()
            .channel();
    return (InetSocketAddress) server.localAddress();
  }

  @Test
  void aConnectToAConfiguredRegistryIsAnsweredByTheAgentOverTlsWithACertificateOfItsCa()
      throws Exception {
    InetSocketAddress proxy = start(true);
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    trust.setCertificateEntry("agent-ca", ca.certificate());
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, tmf.getTrustManagers(), null);
    HttpClient client =
        HttpClient.newBuilder()
            .proxy(ProxySelector.of(proxy))
            .sslContext(tls)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    // registry.test resolves nowhere: only the proxy can answer, and the client checks the
    // certificate's name against it.
    HttpResponse<String> ping =
        client.send(
            HttpRequest.newBuilder(URI.create("https://registry.test:5000/v2/"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(ping.statusCode()).isEqualTo(200);
    assertThat(ping.body()).isEqualTo("{}");
    assertThat(ping.headers().firstValue("Docker-Distribution-Api-Version"))
        .contains("registry/2.0");
    verifyNoInteractions(mirror);
  }

  @Test
  void aConnectToAnotherHostIsTunnelledByteForByte() throws Exception {
    InetSocketAddress proxy = start(true);
    try (ServerSocket echo = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread echoer =
          new Thread(
              () -> {
                try (Socket s = echo.accept()) {
                  s.getOutputStream().write(s.getInputStream().readNBytes(4));
                } catch (Exception ignored) {
                  // the assertion below fails instead
                }
              });
      echoer.start();
      try (Socket client = connect(proxy)) {
        String answer = sendConnect(client, "127.0.0.1:" + echo.getLocalPort());
        assertThat(answer).startsWith("HTTP/1.1 200 Connection established");
        client.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
        assertThat(new String(client.getInputStream().readNBytes(4), StandardCharsets.US_ASCII))
            .isEqualTo("ping");
      }
      echoer.join(5000);
    }
  }

  @Test
  void withOtherHostsRefusedAConnectElsewhereIs403AndAPlainRequestIs405() throws Exception {
    InetSocketAddress proxy = start(false);
    try (Socket client = connect(proxy)) {
      assertThat(sendConnect(client, "example.org:443"))
          .startsWith("HTTP/1.1 403")
          .contains("agent.https-proxy-other-hosts");
    }
    try (Socket client = connect(proxy)) {
      OutputStream out = client.getOutputStream();
      out.write(
          "GET http://example.org/ HTTP/1.1\r\nHost: example.org\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
      assertThat(readHead(client.getInputStream())).startsWith("HTTP/1.1 405").contains("CONNECT");
    }
  }

  private static Socket connect(InetSocketAddress proxy) throws Exception {
    Socket socket = new Socket(proxy.getAddress(), proxy.getPort());
    socket.setSoTimeout(10_000);
    return socket;
  }

  private static String sendConnect(Socket socket, String target) throws Exception {
    socket
        .getOutputStream()
        .write(
            ("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    return readHead(socket.getInputStream());
  }

  /** The status line and headers, and a body if the answer says it has one. */
  private static String readHead(InputStream in) throws Exception {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.append((char) b);
    }
    String text = head.toString();
    java.util.regex.Matcher length =
        java.util.regex.Pattern.compile("(?i)content-length: (\\d+)").matcher(text);
    if (length.find()) {
      text += new String(in.readNBytes(Integer.parseInt(length.group(1))), StandardCharsets.UTF_8);
    }
    return text;
  }
}
