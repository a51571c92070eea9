package io.layerswarm.it.interop;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An independent BitTorrent client (aria2c, libtorrent, bt) that the interop tests set against our
 * engine. Every peer it starts listens on 127.0.0.1 only and uses no DHT, PEX or local discovery.
 */
interface ForeignClient {

  /** For test names and messages, e.g. "aria2c 1.36.0". */
  String name();

  /**
   * Starts seeding the single-file torrent {@code torrentFile} from {@code dataDir}, which holds
   * the file under the torrent's info name. Returns once the peer is started; see {@link
   * ForeignPeer#awaitSeeding}. Logs go to {@code workDir}.
   */
  ForeignPeer seed(Path torrentFile, Path dataDir, Path workDir)
      throws IOException, InterruptedException;

  /**
   * Starts downloading {@code torrentFile} into {@code dataDir} (the file appears under the info
   * name). Returns once the peer is started; see {@link ForeignPeer#awaitComplete}.
   */
  ForeignPeer leech(Path torrentFile, Path dataDir, Path workDir)
      throws IOException, InterruptedException;
}
