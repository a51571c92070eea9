package io.layerswarm.agent.http;

import io.layerswarm.agent.mirror.BlobNotFoundException;
import io.layerswarm.agent.mirror.BlobReadException;
import io.layerswarm.agent.mirror.BlobVerificationException;
import io.layerswarm.agent.mirror.ManifestNotFoundException;
import io.layerswarm.agent.mirror.MirrorException;
import io.layerswarm.agent.mirror.UnknownRegistryException;
import io.layerswarm.agent.mirror.UpstreamDeniedException;
import io.layerswarm.agent.mirror.UpstreamThrottledException;
import io.layerswarm.agent.mirror.UpstreamUnauthorizedException;
import io.layerswarm.registry.server.ErrorCode;
import io.layerswarm.registry.server.RegistryApiException;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * An error answer: status, OCI error code and message. This is the edge where the mirror's checked
 * errors become HTTP (OCI distribution spec, "Error Codes").
 */
record HttpError(HttpResponseStatus status, ErrorCode code, String message) {

  /** Maps a failure of a mirror call (or of routing) to its answer. */
  static HttpError of(Throwable failure) {
    Throwable t = unwrap(failure);
    if (t instanceof RegistryApiException e) {
      return new HttpError(
          HttpResponseStatus.valueOf(e.code().httpStatus()), e.code(), e.getMessage());
    }
    if (t instanceof UnknownRegistryException) {
      return of(ErrorCode.NAME_UNKNOWN, t);
    }
    if (t instanceof ManifestNotFoundException) {
      return of(ErrorCode.MANIFEST_UNKNOWN, t);
    }
    if (t instanceof BlobNotFoundException) {
      return of(ErrorCode.BLOB_UNKNOWN, t);
    }
    if (t instanceof UpstreamUnauthorizedException) {
      return of(ErrorCode.UNAUTHORIZED, t);
    }
    if (t instanceof UpstreamDeniedException) {
      return of(ErrorCode.DENIED, t);
    }
    if (t instanceof UpstreamThrottledException) {
      return of(ErrorCode.TOOMANYREQUESTS, t);
    }
    if (t instanceof BlobVerificationException) {
      // Nothing was sent yet (a stream that fails later is aborted instead): a gateway error makes
      // the client retry, and it never sees bad bytes.
      return new HttpError(HttpResponseStatus.BAD_GATEWAY, ErrorCode.UNAVAILABLE, t.getMessage());
    }
    if (t instanceof MirrorException) {
      // Upstream unavailable, agent busy, local storage failure: all "try again later".
      return of(ErrorCode.UNAVAILABLE, t);
    }
    return new HttpError(
        HttpResponseStatus.INTERNAL_SERVER_ERROR,
        ErrorCode.UNAVAILABLE,
        "internal error in the agent: " + t);
  }

  /** True when the failure is not one the mirror expects, so the edge logs it as a bug. */
  static boolean isInternal(Throwable failure) {
    Throwable t = unwrap(failure);
    return !(t instanceof MirrorException || t instanceof RegistryApiException);
  }

  /** True when the failure answers 404: the upstream does not have it, or knows no such name. */
  static boolean isNotFound(Throwable failure) {
    return of(failure).status().equals(HttpResponseStatus.NOT_FOUND);
  }

  private static HttpError of(ErrorCode code, Throwable t) {
    return new HttpError(HttpResponseStatus.valueOf(code.httpStatus()), code, t.getMessage());
  }

  /**
   * The failure that means something: without future wrappers, and for a stream that failed before
   * its first byte, the mirror's reason.
   */
  static Throwable unwrap(Throwable t) {
    Throwable cause = t;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof BlobReadException read) {
      return read.reason();
    }
    return cause;
  }
}
