/**
 * Where the tracker gets a blob's torrent: the {@link
 * io.layerswarm.tracker.metainfo.MetainfoSource} seam, and {@link
 * io.layerswarm.tracker.metainfo.HttpMetainfoSource}, which asks the seeders that own the digest on
 * the rendezvous ring, live ones first ({@link io.layerswarm.tracker.metainfo.SeederCluster} keeps
 * their health). Blocking; knows nothing of the tracker's HTTP server.
 */
package io.layerswarm.tracker.metainfo;
