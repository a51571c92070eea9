/**
 * Interop tests: our BitTorrent engine ({@code io.layerswarm.swarm.SwarmEngine}) against
 * independent clients, in both directions (we seed and they download; they seed and we download),
 * with a standard tracker (Debian's opentracker) and with ours ({@code
 * io.layerswarm.tracker.TrackerServer}).
 *
 * <ul>
 *   <li>{@code InteropAria2IT}: aria2c (Debian aria2), plus a torrent made by mktorrent;
 *   <li>{@code InteropLibtorrentIT}: libtorrent-rasterbar 2.0 through {@code interop/lt_peer.py}
 *       under {@code /usr/bin/python3} (Debian python3-libtorrent);
 *   <li>{@code InteropBtIT}: bt-core 1.10 in-process, one bt runtime per torrent.
 * </ul>
 *
 * Run: {@code mvn -pl integration-tests verify -Dit.test='Interop*IT' -Dtest=none
 * -Dsurefire.failIfNoSpecifiedTests=false}. Needs the Debian packages aria2, opentracker, mktorrent
 * and python3-libtorrent. Everything listens on 127.0.0.1 only, with no DHT, PEX or local
 * discovery. Each scenario keeps its files and the clients' logs (aria2c's detailed peer log
 * included) under {@code target/testbed/interop-*}.
 *
 * <p>{@link io.layerswarm.it.interop.BtCorePeer} and {@link io.layerswarm.it.interop.Blobs} are
 * also used by {@code bench/engine-bench} through {@code io.layerswarm.it.bench.BenchPeer}.
 */
package io.layerswarm.it.interop;
