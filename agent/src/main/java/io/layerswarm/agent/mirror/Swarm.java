package io.layerswarm.agent.mirror;

import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.swarm.Torrent;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The part of the BitTorrent engine the mirror uses. The seam lets the fetch logic be tested
 * without peers; {@link EngineSwarm} is the real one.
 */
public interface Swarm {
  /** See {@link io.layerswarm.swarm.SwarmEngine#download}. */
  Torrent download(Metainfo metainfo, Path partFile, Path finalFile) throws IOException;

  /**
   * See {@link io.layerswarm.swarm.SwarmEngine#seed}: returns the torrent already running for this
   * info hash if there is one (a finished download goes on seeding).
   */
  Torrent seed(Metainfo metainfo, Path file) throws IOException;

  /** Stops the torrent if present; its files stay. */
  void remove(InfoHash infoHash);

  /**
   * The largest piece a download may have: a torrent holds a whole piece in memory while it is
   * assembled, so a metainfo with larger pieces is refused before the download starts.
   */
  default int maxPieceBytes() {
    return Metainfo.MAX_PIECE_LENGTH;
  }
}
