package io.layerswarm.swarm;

import io.layerswarm.swarm.metainfo.InfoHash;
import io.layerswarm.swarm.metainfo.Metainfo;
import io.layerswarm.swarm.metainfo.PeerId;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Optional;

/**
 * A BitTorrent v1 engine: one listening port, many torrents. Torrents announce to the trackers in
 * their metainfo (started, periodic, completed, stopped).
 */
public final class SwarmEngine implements AutoCloseable {
  private SwarmEngine() {}

  /** Binds the listening port and starts the event loops. */
  public static SwarmEngine start(EngineConfig config) throws IOException {
    throw new UnsupportedOperationException("TODO");
  }

  public InetSocketAddress listenAddress() {
    throw new UnsupportedOperationException("TODO");
  }

  public PeerId peerId() {
    throw new UnsupportedOperationException("TODO");
  }

  /** Seeds a complete file. The caller vouches for its content (it was verified by digest). */
  public Torrent seed(Metainfo metainfo, Path file) throws IOException {
    throw new UnsupportedOperationException("TODO");
  }

  /**
   * Downloads into {@code partFile} with positional writes and renames it atomically to {@code
   * finalFile} when every piece is verified. Returns the existing torrent if one with this info
   * hash is already present.
   */
  public Torrent download(Metainfo metainfo, Path partFile, Path finalFile) throws IOException {
    throw new UnsupportedOperationException("TODO");
  }

  public Optional<Torrent> torrent(InfoHash infoHash) {
    throw new UnsupportedOperationException("TODO");
  }

  public Collection<Torrent> torrents() {
    throw new UnsupportedOperationException("TODO");
  }

  /** Stops the torrent (announces "stopped") and closes its connections; files stay. */
  public void remove(InfoHash infoHash) {
    throw new UnsupportedOperationException("TODO");
  }

  @Override
  public void close() {
    throw new UnsupportedOperationException("TODO");
  }
}
