package io.layerswarm.agent;

import io.layerswarm.agent.http.MetricsChannelInitializer;
import io.layerswarm.agent.http.RegistryChannelInitializer;
import io.layerswarm.agent.metrics.AgentMetrics;
import io.layerswarm.agent.proxy.HttpsProxyConfig;
import io.layerswarm.agent.proxy.HttpsProxyServer;
import io.layerswarm.core.Listening;
import io.layerswarm.core.SetupException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's HTTP listeners on one acceptor and one group of worker loops: the registry API, the
 * HTTPS proxy and {@code /metrics} alone. Each bound listener and the loops are added to the
 * agent's list of parts, which closes them in reverse order.
 */
final class AgentListeners {
  // The agent's logger, as before the listeners had a class of their own.
  private static final Logger log = LoggerFactory.getLogger(AgentServer.class);

  private static final int HTTP_THREADS = 2;
  private static final Duration CLOSE_QUIET_PERIOD = Duration.ZERO;
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  final EventLoopGroup acceptor;
  final EventLoopGroup workers;
  private final List<AutoCloseable> started;

  private AgentListeners(
      EventLoopGroup acceptor, EventLoopGroup workers, List<AutoCloseable> started) {
    this.acceptor = acceptor;
    this.workers = workers;
    this.started = started;
  }

  /** Starts the event loops; nothing listens yet. */
  static AgentListeners start(List<AutoCloseable> started) {
    EventLoopGroup acceptor = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    started.add(() -> shutdown(acceptor));
    EventLoopGroup workers =
        new MultiThreadIoEventLoopGroup(HTTP_THREADS, NioIoHandler.newFactory());
    started.add(() -> shutdown(workers));
    return new AgentListeners(acceptor, workers, started);
  }

  /**
   * The registry API on {@code agent.listen}.
   *
   * @throws SetupException when it cannot listen there
   */
  Channel registry(InetSocketAddress address, RegistryChannelInitializer registryApi)
      throws SetupException {
    return bind("agent.listen", address, registryApi);
  }

  /** The HTTPS proxy on {@code agent.https-proxy-listen}, its CA in {@code caDir}. */
  void httpsProxy(
      HttpsProxyConfig config,
      Path caDir,
      Set<String> registries,
      RegistryChannelInitializer registryApi)
      throws IOException {
    Channel proxy =
        HttpsProxyServer.start(config, caDir, registries, registryApi, acceptor, workers);
    started.add(() -> proxy.close().awaitUninterruptibly(CLOSE_TIMEOUT.toMillis()));
  }

  /**
   * {@code /metrics} alone on {@code agent.metrics-listen}.
   *
   * @throws SetupException when it cannot listen there
   */
  Channel metrics(InetSocketAddress address, AgentMetrics metrics) throws SetupException {
    Channel channel = bind("agent.metrics-listen", address, new MetricsChannelInitializer(metrics));
    log.info(
        "agent serving /metrics alone on {}",
        Listening.hostPort(Listening.bound(address, channel.localAddress())));
    return channel;
  }

  private Channel bind(String key, InetSocketAddress address, ChannelHandler handler)
      throws SetupException {
    Channel channel;
    try {
      channel =
          new ServerBootstrap()
              .group(acceptor, workers)
              .channel(NioServerSocketChannel.class)
              .childHandler(handler)
              .bind(address)
              .sync()
              .channel();
    } catch (Exception e) {
      throw SetupException.cannotListen(key, address, e);
    }
    started.add(() -> channel.close().awaitUninterruptibly(CLOSE_TIMEOUT.toMillis()));
    return channel;
  }

  private static void shutdown(EventLoopGroup group) {
    group
        .shutdownGracefully(
            CLOSE_QUIET_PERIOD.toMillis(), CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .awaitUninterruptibly(CLOSE_TIMEOUT.toMillis());
  }
}
