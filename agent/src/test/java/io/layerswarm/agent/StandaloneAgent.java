package io.layerswarm.agent;

import io.layerswarm.registry.client.HttpUpstreamRegistry;
import io.layerswarm.registry.client.Upstreams;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * An agent in its own JVM, for measurements that must not count the test's seeder and client:
 * {@code StandaloneAgent <data dir> <tracker base URL> <origin URL>}. Prints {@code READY <port>}
 * once it serves, and stops when its standard input closes.
 */
public final class StandaloneAgent {
  private StandaloneAgent() {}

  public static void main(String[] args) throws Exception {
    Upstreams upstreams =
        Upstreams.single(HttpUpstreamRegistry.builder(URI.create(args[2])).build());
    try (AgentServer agent =
        AgentServer.start(
            AgentConfig.defaults(Path.of(args[0]), List.of(URI.create(args[1])))
                .withListen(new InetSocketAddress("127.0.0.1", 0))
                .withPeerListen(new InetSocketAddress("127.0.0.1", 0))
                .withSwarmDeadline(Duration.ofSeconds(60)),
            upstreams)) {
      System.out.println("READY " + agent.address().getPort());
      System.out.flush();
      while (System.in.read() >= 0) {
        // Runs until the parent closes our input.
      }
    }
  }
}
