package io.layerswarm.agent.mirror;

import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.swarm.SwarmEngine;
import io.layerswarm.swarm.Torrent;
import java.io.IOException;
import java.nio.file.Path;

/** {@link Swarm} backed by a {@link SwarmEngine}; the engine's owner closes it. */
public final class EngineSwarm implements Swarm {
  private final SwarmEngine engine;

  public EngineSwarm(SwarmEngine engine) {
    this.engine = engine;
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
