/**
 * The HTTP tracker client (BEP 3 announce, BEP 23 compact peers, BEP 7 IPv6 peers) and the
 * per-torrent announcer that schedules started, regular, completed and stopped announces.
 */
package io.layerswarm.swarm.tracker;
