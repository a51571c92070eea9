package io.layerswarm.it.interop;

import io.layerswarm.core.metainfo.InfoHash;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;

/** The trackers that the interop tests run every scenario against. */
enum TrackerKind {

  /** Debian's opentracker: a standard tracker that none of the peers under test was written for. */
  OPENTRACKER {
    @Override
    public InteropTracker start(Path dir, Collection<InfoHash> infoHashes)
        throws IOException, InterruptedException {
      return OpenTracker.start(dir, infoHashes);
    }
  },

  /**
   * Ours ({@code io.layerswarm.tracker.TrackerServer}), which the foreign clients must accept too.
   */
  LAYERSWARM {
    @Override
    public InteropTracker start(Path dir, Collection<InfoHash> infoHashes) throws IOException {
      return LayerSwarmTracker.start();
    }
  };

  /**
   * Starts a tracker on 127.0.0.1 for these swarms, keeping its files and log under {@code dir}.
   * Trackers that serve any swarm ignore {@code infoHashes}.
   */
  public abstract InteropTracker start(Path dir, Collection<InfoHash> infoHashes)
      throws IOException, InterruptedException;
}
