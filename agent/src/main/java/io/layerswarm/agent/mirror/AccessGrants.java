package io.layerswarm.agent.mirror;

import io.layerswarm.registry.RepositoryName;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The repositories the upstream recently let this agent's credentials read: a bounded, short-lived
 * cache of positive access checks. While an upstream answers 429 or 5xx, or does not answer, a blob
 * of a repository granted within {@link #LENGTH} may still come from the swarm; any other blob is
 * refused, so an outage never opens the swarm to a request the upstream would have denied. Keyed by
 * registry host and repository: the agent has one set of credentials per upstream, and registries
 * grant pull access per repository.
 *
 * <p>Reads no clock (the caller passes the time); bounded to {@link #MAX_GRANTS}, oldest first out.
 * Thread-safe.
 */
final class AccessGrants {
  /** How long a positive answer stands in for the upstream while it is unavailable. */
  static final Duration LENGTH = Duration.ofMinutes(10);

  static final int MAX_GRANTS = 4096;

  private record Key(String registryHost, RepositoryName repository) {}

  /** Grant time by key, in insertion order (a renewed grant moves to the end). Guarded by this. */
  private final LinkedHashMap<Key, Instant> granted = new LinkedHashMap<>();

  /** The upstream just said these credentials may read {@code repository}. */
  synchronized void grant(String registryHost, RepositoryName repository, Instant now) {
    Key key = new Key(registryHost, repository);
    granted.remove(key);
    granted.put(key, now);
    Iterator<Map.Entry<Key, Instant>> oldest = granted.entrySet().iterator();
    while (granted.size() > MAX_GRANTS && oldest.hasNext()) {
      oldest.next();
      oldest.remove();
    }
  }

  /** The upstream just refused (401, 403): forget any grant. */
  synchronized void revoke(String registryHost, RepositoryName repository) {
    granted.remove(new Key(registryHost, repository));
  }

  /** Whether the upstream granted {@code repository} within {@link #LENGTH} before {@code now}. */
  synchronized boolean granted(String registryHost, RepositoryName repository, Instant now) {
    Key key = new Key(registryHost, repository);
    Instant at = granted.get(key);
    if (at == null) {
      return false;
    }
    if (!now.isBefore(at.plus(LENGTH))) {
      granted.remove(key);
      return false;
    }
    return true;
  }

  synchronized int size() {
    return granted.size();
  }
}
