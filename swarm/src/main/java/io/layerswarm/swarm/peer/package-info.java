/**
 * The protocol state of one peer connection ({@link io.layerswarm.swarm.peer.Peer}), split into its
 * request pipeline, upload queue and rate meters, and the two ports it talks through: a {@link
 * io.layerswarm.swarm.peer.PeerLink} to send, and its torrent as a {@link
 * io.layerswarm.swarm.peer.Swarm}. No Netty channel: the engine and the simulator drive the same
 * class. A peer is owned by its torrent's loop.
 */
package io.layerswarm.swarm.peer;
