package io.layerswarm.agent.mirror;

import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.swarm.SwarmEngine;
import io.layerswarm.swarm.Torrent;
import java.io.IOException;
import java.nio.file.Path;

/** {@link Swarm} backed by a {@link SwarmEngine}; the engine's owner closes it. */
public final class EngineSwarm implements Swarm {
  /** The smallest piece limit: one block. */
  private static final int MIN_PIECE_LIMIT = 16 * 1024;

  private final SwarmEngine engine;
  private final int maxPieceBytes;

  /**
   * @param pieceMemoryBytes the engine's piece memory ({@code EngineConfig#pieceMemoryBytes}): a
   *     piece may take at most half of it, so one forged torrent cannot take the budget (each
   *     torrent may hold one piece beyond it)
   */
  public EngineSwarm(SwarmEngine engine, long pieceMemoryBytes) {
    this.engine = engine;
    this.maxPieceBytes =
        (int) Math.max(MIN_PIECE_LIMIT, Math.min(Metainfo.MAX_PIECE_LENGTH, pieceMemoryBytes / 2));
  }

  @Override
  public int maxPieceBytes() {
    return maxPieceBytes;
  }

  @Override
  public Torrent download(Metainfo metainfo, Path partFile, Path finalFile) throws IOException {
    return engine.download(metainfo, partFile, finalFile);
  }

  @Override
  public Torrent seed(Metainfo metainfo, Path file) throws IOException {
    return engine.seed(metainfo, file);
  }

  @Override
  public void remove(InfoHash infoHash) {
    engine.remove(infoHash);
  }
}
