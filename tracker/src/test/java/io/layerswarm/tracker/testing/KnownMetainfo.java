package io.layerswarm.tracker.testing;

import io.layerswarm.core.Digest;
import io.layerswarm.tracker.metainfo.MetainfoSource;
import io.layerswarm.tracker.metainfo.MetainfoUnavailableException;

/** A metainfo source that knows one blob; every other digest is not found. */
public final class KnownMetainfo {
  private KnownMetainfo() {}

  /** {@code torrent} for {@code known}, {@code no blob <digest>} (not found) for the rest. */
  public static MetainfoSource of(Digest known, byte[] torrent) {
    return (digest, registry, repo) -> {
      if (digest.equals(known)) {
        return torrent;
      }
      throw MetainfoUnavailableException.notFound("no blob " + digest);
    };
  }
}
