package io.layerswarm.agent.http;

import io.layerswarm.core.Digest;
import java.util.Optional;

/**
 * The agent's drain as the registry API's drain gate sees it: whether new requests are refused, and
 * which responses are in progress. Called on event loops: implementations are thread-safe and never
 * block.
 */
public interface DrainHooks {
  /** The {@code Retry-After} of refused requests, in seconds: about a restart of the agent. */
  int RETRY_AFTER_SECONDS = 10;

  /** True once the agent drains: new registry API requests are refused. */
  boolean draining();

  /** A request was refused because the agent drains. */
  void refused();

  /**
   * A response is in progress from its request on.
   *
   * @param blob the blob it reads from the store (a blob GET), if any
   */
  void responseStarted(Optional<Digest> blob);

  /** The last part of a response is written, or its connection is gone. */
  void responseEnded(Optional<Digest> blob);
}
