package io.layerswarm.tracker;

import io.layerswarm.tracker.peerstore.InMemoryPeerStore;
import io.layerswarm.tracker.peerstore.PeerStore;
import io.layerswarm.tracker.peerstore.PeerStoreUnavailableException;
import io.layerswarm.tracker.peerstore.RedisPeerStore;
import java.net.URI;

/** Opens the peer store a {@link TrackerConfig} asks for. */
public final class PeerStores {
  private PeerStores() {}

  /**
   * A {@link RedisPeerStore} connected to {@code config.redis()} when it is set (so replicas share
   * swarms), else a new {@link InMemoryPeerStore}. The caller closes the store after the {@link
   * TrackerServer} that uses it.
   *
   * @throws TrackerException if Redis cannot be reached now (the message names the Redis, never its
   *     password)
   */
  public static PeerStore open(TrackerConfig config) throws TrackerException {
    if (config.redis().isEmpty()) {
      return new InMemoryPeerStore(config.peerLimits());
    }
    URI redis = config.redis().get();
    try {
      return RedisPeerStore.connect(redis, RedisPeerStore.Options.DEFAULTS, config.peerLimits());
    } catch (PeerStoreUnavailableException e) {
      throw new TrackerException("open the peer store (tracker.redis): " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new TrackerException(
          "open the peer store (tracker.redis "
              + TrackerConfig.redacted(redis)
              + "): "
              + e.getMessage(),
          e);
    }
  }
}
