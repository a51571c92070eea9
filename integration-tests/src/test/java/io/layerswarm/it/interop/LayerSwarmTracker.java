package io.layerswarm.it.interop;

import io.layerswarm.tracker.TrackerConfig;
import io.layerswarm.tracker.TrackerException;
import io.layerswarm.tracker.TrackerServer;
import io.layerswarm.tracker.metainfo.MetainfoUnavailableException;
import io.layerswarm.tracker.peerstore.InMemoryPeerStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.InstantSource;

/**
 * Our own tracker ({@link TrackerServer}, in-memory peer store) on 127.0.0.1 in this JVM. It serves
 * any swarm; it serves no metainfo here (every {@code /metainfo} request is "not found"), since the
 * interop peers get their .torrent files from disk.
 */
final class LayerSwarmTracker implements InteropTracker {

  private final TrackerServer server;

  private LayerSwarmTracker(TrackerServer server) {
    this.server = server;
  }

  static LayerSwarmTracker start() throws IOException {
    try {
      return new LayerSwarmTracker(
          TrackerServer.start(
              TrackerConfig.defaults(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
              new InMemoryPeerStore(),
              (digest, registry, repo) -> {
                throw MetainfoUnavailableException.notFound("the interop tests serve no metainfo");
              },
              InstantSource.system()));
    } catch (TrackerException e) {
      throw new IOException("could not start our tracker: " + e.getMessage(), e);
    }
  }

  @Override
  public URI announceUri() {
    return server.announceUri();
  }

  @Override
  public void close() {
    server.close();
  }

  @Override
  public String toString() {
    return "layerswarm-tracker[" + announceUri() + "]";
  }
}
