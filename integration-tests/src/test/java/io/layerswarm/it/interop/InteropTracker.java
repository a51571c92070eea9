package io.layerswarm.it.interop;

import java.net.URI;

/** A running BitTorrent HTTP tracker on 127.0.0.1 that the peers of one test announce to. */
interface InteropTracker extends AutoCloseable {

  /** The announce URL to put in the metainfo. Its scrape URL follows the BEP 48 convention. */
  URI announceUri();

  /** Stops the tracker; never throws. */
  @Override
  void close();
}
