package io.layerswarm.agent.mirror;

import io.layerswarm.registry.client.RegistryException;

/**
 * The one place where upstream registry failures become mirror errors, keeping their meaning: 401,
 * 403, 404 and 429 pass through; everything else (5xx, I/O, unexpected statuses) means the upstream
 * is unavailable. Messages name the action and the upstream.
 */
final class UpstreamErrors {
  private UpstreamErrors() {}

  /** What was being looked up, so a 404 becomes the right "unknown" error. */
  enum Subject {
    MANIFEST,
    BLOB
  }

  static MirrorException translate(
      RegistryException e, Subject subject, String action, String upstream) {
    String message = action + " at upstream " + upstream + " failed: " + e.getMessage();
    switch (e.httpStatus()) {
      case 401:
        return new UpstreamUnauthorizedException(message, e);
      case 403:
        return new UpstreamDeniedException(message, e);
      case 404:
        return subject == Subject.MANIFEST
            ? new ManifestNotFoundException(action + ": not found at upstream " + upstream, e)
            : new BlobNotFoundException(action + ": not found at upstream " + upstream, e);
      case 429:
        return new UpstreamThrottledException(message, e);
      default:
        return new UpstreamUnavailableException(message, e);
    }
  }
}
