/**
 * The swarm engine's API for the other modules: {@link io.layerswarm.swarm.SwarmEngine}, {@link
 * io.layerswarm.swarm.EngineConfig}, {@link io.layerswarm.swarm.Torrent} and {@link
 * io.layerswarm.swarm.PeerSnapshot}, and the engine's Netty shell behind them (package-private).
 *
 * <p>Sub-packages are the engine's inside, with two exceptions: {@link
 * io.layerswarm.swarm.listener} (connection caps and idle timeouts that every daemon's listener
 * shares) and {@link io.layerswarm.swarm.torrent}, the socket-free swarm policy that the simulator
 * drives through its ports. Other public types in sub-packages are public because another swarm
 * package uses them, not for other modules: the daemons (agent, seeder, tracker, cli) use only this
 * package and {@code listener}, a rule {@code SwarmApiTest} in {@code cli} checks.
 */
package io.layerswarm.swarm;
