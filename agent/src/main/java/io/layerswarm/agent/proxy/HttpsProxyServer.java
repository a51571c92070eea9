package io.layerswarm.agent.proxy;

import io.layerswarm.agent.http.RegistryChannelInitializer;
import io.layerswarm.core.Listening;
import io.layerswarm.core.SetupException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.IOException;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the HTTPS proxy listener on the agent's event loops. */
public final class HttpsProxyServer {
  private static final Logger log = LoggerFactory.getLogger(HttpsProxyServer.class);

  private HttpsProxyServer() {}

  /**
   * Binds {@code config.listen()}; the CA is loaded from or made in {@code caDir}.
   *
   * @param registries the normalized hosts of {@code upstreams}
   * @param registryApi the handlers of {@code agent.listen}, reused behind TLS
   * @return the server channel; close it to stop
   */
  public static Channel start(
      HttpsProxyConfig config,
      Path caDir,
      Set<String> registries,
      RegistryChannelInitializer registryApi,
      EventLoopGroup acceptor,
      EventLoopGroup workers)
      throws IOException {
    ProxyCa ca = ProxyCa.loadOrCreate(caDir, InstantSource.system());
    Channel channel;
    try {
      channel =
          new ServerBootstrap()
              .group(acceptor, workers)
              .channel(NioServerSocketChannel.class)
              .childHandler(
                  new HttpsProxyInitializer(ca, registries, config.tunnelOthers(), registryApi))
              .bind(config.listen())
              .sync()
              .channel();
    } catch (Exception e) {
      throw SetupException.cannotListen("agent.https-proxy-listen", config.listen(), e);
    }
    log.info(
        "agent serving as HTTPS proxy on {} for {} ({} other hosts); clients trust its CA"
            + " certificate {} (dockerd: /etc/docker/certs.d/<registry>/ca.crt)",
        Listening.hostPort(Listening.bound(config.listen(), channel.localAddress())),
        registries,
        config.tunnelOthers() ? "tunnelling" : "refusing",
        ca.certificateFile());
    return channel;
  }
}
