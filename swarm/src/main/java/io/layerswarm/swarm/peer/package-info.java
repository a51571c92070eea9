/**
 * One state machine per peer connection ({@link io.layerswarm.swarm.peer.Peer}), the Netty handlers
 * that feed it, and the one initializer that builds a connection's pipeline. A peer is owned by its
 * torrent's event loop; channel events reach it as tasks on that loop.
 */
package io.layerswarm.swarm.peer;
