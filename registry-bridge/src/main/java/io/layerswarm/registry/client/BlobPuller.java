package io.layerswarm.registry.client;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.RepositoryName;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /v2/<repo>/blobs/<digest>}, from {@code offset} with {@code Range: bytes=<offset>-}
 * when it is above 0. A ranged request must be answered 206 with a {@code Content-Range} that
 * starts at the offset; 200 is accepted only from offset 0. The total size comes from {@code
 * Content-Range} or {@code Content-Length}; it is empty when the upstream sent neither, and the
 * front then asks with a HEAD.
 */
final class BlobPuller implements RegistryEndpoint<BlobPuller.Opened> {
  private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");

  /** The open body and the blob's total size when the answer told it. */
  record Opened(InputStream body, OptionalLong size) {}

  private final RepositoryName repo;
  private final Digest digest;
  private final long offset;

  BlobPuller(RepositoryName repo, Digest digest, long offset) {
    if (offset < 0) {
      throw new IllegalArgumentException("blob offset must not be negative: " + offset);
    }
    this.repo = repo;
    this.digest = digest;
    this.offset = offset;
  }

  @Override
  public String method() {
    return "GET";
  }

  @Override
  public String path() {
    return "/v2/" + repo + "/blobs/" + digest;
  }

  @Override
  public Map<String, String> headers() {
    return offset == 0 ? Map.of() : Map.of("Range", "bytes=" + offset + "-");
  }

  @Override
  public Optional<RepositoryName> repository() {
    return Optional.of(repo);
  }

  @Override
  public Opened handleResponse(HttpResponse<InputStream> response) throws RegistryException {
    int status = response.statusCode();
    OptionalLong contentLength = response.headers().firstValueAsLong("Content-Length");
    if (status == 200) {
      if (offset != 0) {
        throw new UnexpectedResponseException(
            actionDescription()
                + " failed: asked for bytes from "
                + offset
                + " and got HTTP 200 (the upstream ignored Range)",
            status,
            null);
      }
      return new Opened(response.body(), contentLength);
    }
    if (status == 206) {
      String contentRange = response.headers().firstValue("Content-Range").orElse("");
      Matcher m = CONTENT_RANGE.matcher(contentRange.strip());
      if (!m.matches() || Long.parseLong(m.group(1)) != offset) {
        throw new UnexpectedResponseException(
            actionDescription()
                + " failed: HTTP 206 with Content-Range '"
                + contentRange
                + "' does not start at "
                + offset,
            status,
            null);
      }
      if (!"*".equals(m.group(3))) {
        return new Opened(response.body(), OptionalLong.of(Long.parseLong(m.group(3))));
      }
      return new Opened(
          response.body(),
          contentLength.isPresent()
              ? OptionalLong.of(offset + contentLength.getAsLong())
              : OptionalLong.empty());
    }
    throw new UnexpectedResponseException(
        actionDescription() + " failed: unexpected HTTP " + status, status, null);
  }

  @Override
  public RegistryException notFound(String message, String upstreamErrorCode) {
    return new BlobUnknownException(message, 404, upstreamErrorCode);
  }

  @Override
  public String actionDescription() {
    return "pull blob " + digest + " of " + repo + (offset == 0 ? "" : " from offset " + offset);
  }
}
