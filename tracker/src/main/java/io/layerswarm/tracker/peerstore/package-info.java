/**
 * Swarm membership: the {@link io.layerswarm.tracker.peerstore.PeerStore} seam with its in-memory
 * and Redis implementations, the value types of a peer, and the pure {@link
 * io.layerswarm.tracker.peerstore.PeerSelector}. Depends on nothing else in the tracker.
 */
package io.layerswarm.tracker.peerstore;
