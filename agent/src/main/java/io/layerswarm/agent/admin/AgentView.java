package io.layerswarm.agent.admin;

import io.layerswarm.agent.pins.Pinner;
import io.layerswarm.swarm.Torrent;
import java.util.Collection;
import java.util.Optional;

/**
 * The agent as its admin API sees it. The agent implements it; this package does not depend on the
 * agent's top-level package, so the agent can start the admin server without a package cycle.
 * Implementations are thread-safe; calls run on the admin server's executor, never on an event
 * loop.
 */
public interface AgentView {
  /**
   * A snapshot of the cache and the transfers. May block briefly (it lists the blob store).
   *
   * @throws java.io.UncheckedIOException when the store cannot be read
   */
  AgentSnapshot snapshot();

  /** The torrents the swarm engine holds now. Does not block. */
  Collection<Torrent> torrents();

  /** Removes blobs on request; empty when this agent cannot (the Evict call is unimplemented). */
  default Optional<Evictor> evictor() {
    return Optional.empty();
  }

  /** Keeps the pinned images local; empty when this agent has none to keep. */
  default Optional<Pinner> pinner() {
    return Optional.empty();
  }

  /** Takes the agent out of service; empty when this agent cannot (Drain is unimplemented). */
  default Optional<Drain> drain() {
    return Optional.empty();
  }
}
