package io.layerswarm.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.tracker.peerstore.InMemoryPeerStore;
import io.layerswarm.tracker.peerstore.PeerStore;
import io.layerswarm.tracker.peerstore.RedisPeerStore;
import io.layerswarm.tracker.testing.RedisServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import org.junit.jupiter.api.Test;

class PeerStoresTest {
  private static final TrackerConfig DEFAULTS =
      TrackerConfig.defaults(new InetSocketAddress("127.0.0.1", 0));

  @Test
  void withoutRedisPeersStayInMemory() throws Exception {
    try (PeerStore store = PeerStores.open(DEFAULTS)) {
      assertThat(store).isInstanceOf(InMemoryPeerStore.class);
    }
  }

  @Test
  void withRedisTheStoreIsInRedis() throws Exception {
    RedisServer.assumeInstalled();
    try (RedisServer redis = RedisServer.startOnFreePort();
        PeerStore store = PeerStores.open(DEFAULTS.withRedis(redis.uri()))) {
      assertThat(store).isInstanceOf(RedisPeerStore.class);
      store.check();
    }
  }

  @Test
  void anUnreachableRedisFailsNamingTheKeyAndNotThePassword() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    TrackerConfig config =
        DEFAULTS.withRedis(URI.create("redis://:hunter2@127.0.0.1:" + port + "/0"));

    assertThatThrownBy(() -> PeerStores.open(config))
        .isInstanceOf(TrackerException.class)
        .hasMessageStartingWith(
            "open the peer store (tracker.redis): connect to redis://127.0.0.1:"
                + port
                + "/0 failed")
        .hasMessageNotContaining("hunter2");
  }
}
