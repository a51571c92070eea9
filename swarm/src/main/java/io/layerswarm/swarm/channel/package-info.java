/**
 * The Netty side of a peer connection: the one initializer that builds its pipeline, the handshake,
 * the handler that hands each message to its {@link io.layerswarm.swarm.peer.Peer} on the torrent's
 * loop, and the {@link io.layerswarm.swarm.peer.PeerLink} that writes to the channel. No protocol
 * decision is made here.
 */
package io.layerswarm.swarm.channel;
