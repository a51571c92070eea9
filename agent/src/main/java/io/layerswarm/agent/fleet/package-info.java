/**
 * Fleet preheats on the agent's side: the agent polls each tracker's signed {@code /fleet} (no
 * listener of its own), fetches the image it is handed through the same path as a pin or a client's
 * pull (the swarm first), and reports its progress on the same endpoint. {@link
 * io.layerswarm.agent.fleet.FleetPoll} is pure (queries and answers); {@link
 * io.layerswarm.agent.fleet.FleetPoller} is the shell. What it fetches stays an ordinary cached
 * blob: it is not pinned, and the cache policy evicts it like any other.
 */
package io.layerswarm.agent.fleet;
