package io.layerswarm.agent.proxy;

import io.layerswarm.agent.http.RegistryChannelInitializer;
import io.layerswarm.swarm.listener.ConnectionCap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline of one connection to {@code agent.https-proxy-listen}: at most {@link
 * #MAX_CONNECTIONS} at once, closed after {@link #IDLE_TIMEOUT} without traffic, one small request
 * ({@code CONNECT host:port}) decoded, then {@link ProxyFrontHandler} decides and rebuilds the
 * pipeline for an intercepted registry or a tunnel.
 */
public final class HttpsProxyInitializer extends ChannelInitializer<Channel> {
  static final int MAX_CONNECTIONS = 512;
  static final Duration IDLE_TIMEOUT = RegistryChannelInitializer.IDLE_TIMEOUT;
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private final ConnectionCap cap =
      new ConnectionCap("agent.https-proxy-listen", MAX_CONNECTIONS, MAX_CONNECTIONS);
  private final ProxyCa ca;
  private final Set<String> registries;
  private final boolean tunnelOthers;
  private final RegistryChannelInitializer registry;
  private final Map<String, SslContext> contexts = new HashMap<>();

  /**
   * @param registries the normalized hosts of {@code upstreams}: a {@code CONNECT} to one of them
   *     is served by {@code registry}'s handlers behind TLS
   * @param tunnelOthers whether other {@code CONNECT}s are tunnelled (else refused, 403)
   */
  public HttpsProxyInitializer(
      ProxyCa ca,
      Set<String> registries,
      boolean tunnelOthers,
      RegistryChannelInitializer registry) {
    this.ca = ca;
    this.registries = Set.copyOf(registries);
    this.tunnelOthers = tunnelOthers;
    this.registry = registry;
  }

  @Override
  protected void initChannel(Channel channel) {
    ChannelPipeline pipeline = channel.pipeline();
    pipeline.addLast("cap", cap);
    pipeline.addLast(
        "idle", new IdleStateHandler(0, 0, IDLE_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
    pipeline.addLast("proxy-codec", new HttpServerCodec(8 * 1024, 16 * 1024, 8 * 1024));
    pipeline.addLast("proxy-aggregator", new HttpObjectAggregator(8 * 1024));
    pipeline.addLast("proxy-front", new ProxyFrontHandler(this));
  }

  ConnectDecision decide(String target) {
    return ConnectDecision.decide(target, registries, tunnelOthers);
  }

  RegistryChannelInitializer registry() {
    return registry;
  }

  /** A server context for {@code tlsName}, one per name (the names come from the config). */
  synchronized SslContext context(String tlsName) throws IOException {
    SslContext cached = contexts.get(tlsName);
    if (cached != null) {
      return cached;
    }
    ProxyCa.Leaf leaf = ca.leaf(tlsName);
    SslContext context =
        SslContextBuilder.forServer(leaf.key(), leaf.certificate(), leaf.ca()).build();
    contexts.put(tlsName, context);
    return context;
  }
}
