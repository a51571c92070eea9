package io.layerswarm.it.interop;

import java.io.IOException;
import java.time.Duration;

/** One running peer of a {@link ForeignClient}, seeding or downloading one torrent. */
interface ForeignPeer extends AutoCloseable {

  /**
   * Blocks until this seeding peer has checked its data and serves every piece, bounded by {@code
   * timeout}. Clients that give no such signal return at once: the caller then waits for the
   * tracker to list a seeder.
   *
   * @throws IOException if the peer died or the time ran out; the message quotes the client's log
   */
  void awaitSeeding(Duration timeout) throws IOException, InterruptedException;

  /**
   * Blocks until this downloading peer has every piece and its file is complete on disk, bounded by
   * {@code timeout}.
   *
   * @throws IOException if the peer failed or the time ran out; the message quotes the client's log
   */
  void awaitComplete(Duration timeout) throws IOException, InterruptedException;

  /** The last lines of the client's log, for assertion messages. */
  String logTail();

  /** Stops the peer (by its own handle) and releases its port; never throws. */
  @Override
  void close();
}
