/**
 * The engine, simulated: each {@link io.layerswarm.sim.swarm.SimHost} runs the swarm module's own
 * {@link io.layerswarm.swarm.torrent.TorrentCore}s and announcers on the simulation's loop, with
 * connections over the simulated network and the tracker module's announce endpoint. Nothing here
 * decides anything about the swarm: it only carries messages, counts bytes and keeps time.
 */
package io.layerswarm.sim.swarm;
