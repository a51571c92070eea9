package io.layerswarm.registry.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.layerswarm.core.Digest;
import io.layerswarm.registry.Manifest;
import io.layerswarm.registry.RepositoryName;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /v2/<repo>/manifests/<reference>}. The bytes are kept exactly as sent. A manifest
 * fetched by digest must hash to it; one fetched by tag takes its digest from {@code
 * Docker-Content-Digest}, which must match the bytes too, or from the bytes' sha256 when the header
 * is missing. Signed schema1 manifests are checked the same way, against the sha256 of their signed
 * payload ({@link SignedSchema1}), which is what distribution names them by.
 */
final class ManifestPuller extends ManifestEndpoint<Manifest> {
  /** Distribution refuses to store manifests larger than 4 MiB; we refuse to read them. */
  static final int MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

  static final String SCHEMA1_SIGNED = "application/vnd.docker.distribution.manifest.v1+prettyjws";
  private static final ObjectMapper JSON = new ObjectMapper();

  ManifestPuller(RepositoryName repo, String reference, List<String> accept) {
    super("pull", repo, reference, accept);
  }

  @Override
  public String method() {
    return "GET";
  }

  @Override
  public Manifest handleResponse(HttpResponse<InputStream> response) throws RegistryException {
    byte[] bytes;
    try (InputStream in = response.body()) {
      bytes = in.readNBytes(MAX_MANIFEST_BYTES + 1);
    } catch (IOException e) {
      throw new RegistryUnavailableException(
          actionDescription() + " failed while reading the body: " + e, 0, null, e);
    }
    if (bytes.length > MAX_MANIFEST_BYTES) {
      throw new UnexpectedResponseException(
          actionDescription()
              + " failed: the manifest is larger than "
              + MAX_MANIFEST_BYTES
              + " bytes",
          response.statusCode(),
          null);
    }
    String mediaType =
        response.headers().firstValue("Content-Type").orElseGet(() -> mediaTypeField(bytes));
    Digest computed = computedDigest(bytes, mediaType, response.statusCode());
    Optional<Digest> header = headerDigest(response);
    Digest digest;
    if (referenceDigest.isPresent()) {
      digest = referenceDigest.get();
      requireMatch(digest, computed, response.statusCode());
    } else if (header.isPresent()) {
      digest = header.get();
      requireMatch(digest, computed, response.statusCode());
    } else {
      digest = computed;
    }
    return new Manifest(bytes, mediaType, digest);
  }

  /** The sha256 the manifest is named by: of its bytes, or of a signed schema1's payload. */
  private Digest computedDigest(byte[] bytes, String mediaType, int status)
      throws UnexpectedResponseException {
    if (!SCHEMA1_SIGNED.equals(mediaType)) {
      return Digest.sha256(bytes);
    }
    SignedSchema1.Payload payload = SignedSchema1.payload(bytes);
    if (payload.bytes().isEmpty()) {
      throw new UnexpectedResponseException(
          actionDescription() + " failed: bad signed schema1 manifest: " + payload.problem(),
          status,
          null);
    }
    return Digest.sha256(payload.bytes().get());
  }

  private void requireMatch(Digest expected, Digest computed, int status)
      throws UnexpectedResponseException {
    if (!expected.equals(computed)) {
      throw new UnexpectedResponseException(
          actionDescription()
              + " failed: the manifest bytes hash to "
              + computed
              + ", not "
              + expected,
          status,
          null,
          new DigestMismatchException(expected, computed.hex()));
    }
  }

  private static String mediaTypeField(byte[] bytes) {
    try {
      String field = JSON.readTree(bytes).path("mediaType").asText("");
      return field.isEmpty() ? "application/octet-stream" : field;
    } catch (IOException e) {
      return "application/octet-stream";
    }
  }
}
