/**
 * The swarm engine's API for the other modules: {@link io.layerswarm.swarm.SwarmEngine}, {@link
 * io.layerswarm.swarm.EngineConfig}, {@link io.layerswarm.swarm.Torrent} and {@link
 * io.layerswarm.swarm.PeerSnapshot}, and the engine's Netty shell behind them (package-private).
 *
 * <p>Sub-packages are the engine's inside. Only {@link io.layerswarm.swarm.torrent} is meant for
 * another module: it is the socket-free swarm policy that the simulator drives through its ports.
 * Other public types in sub-packages are public because another swarm package uses them, not for
 * other modules.
 */
package io.layerswarm.swarm;
