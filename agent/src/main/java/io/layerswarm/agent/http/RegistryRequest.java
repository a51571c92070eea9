package io.layerswarm.agent.http;

import io.layerswarm.agent.mirror.BlobRequest;
import io.layerswarm.agent.mirror.ManifestRequest;
import io.layerswarm.core.Digest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;
import java.util.Optional;

/**
 * A registry API request as the router understood it, for the handlers behind the router. Not
 * reference counted: the router has released the HTTP request.
 */
sealed interface RegistryRequest {
  /** Method and target as the client sent them, for log lines. */
  String line();

  /** A HEAD: the answer has the headers of the GET and no body (RFC 9110 9.3.2). */
  boolean head();

  /** The blob the answer reads from the agent's store: a blob GET's. */
  default Optional<Digest> blobRead() {
    return Optional.empty();
  }

  /** {@code /v2/}: the API version check. */
  record Base(String line, boolean head) implements RegistryRequest {}

  /**
   * A manifest GET or HEAD.
   *
   * @param accept every Accept header value of the request, in order
   */
  record ManifestCall(String line, boolean head, ManifestRequest manifest, List<String> accept)
      implements RegistryRequest {
    public ManifestCall {
      accept = List.copyOf(accept);
    }
  }

  /**
   * A blob GET or HEAD.
   *
   * @param range the Range header, if any
   */
  record BlobCall(String line, boolean head, BlobRequest blob, Optional<String> range)
      implements RegistryRequest {
    @Override
    public Optional<Digest> blobRead() {
      return head ? Optional.empty() : Optional.of(blob.digest());
    }
  }

  /**
   * Bytes the HTTP decoder could not read as a request, or a request too large to take: answered in
   * its turn with a plain-text {@code status}, and the connection closes after that answer.
   */
  record Malformed(String line, HttpResponseStatus status, String message)
      implements RegistryRequest {
    @Override
    public boolean head() {
      return false;
    }
  }

  /** A request the router refused, with its error answer. */
  record Refused(String line, boolean head, HttpError error) implements RegistryRequest {}
}
