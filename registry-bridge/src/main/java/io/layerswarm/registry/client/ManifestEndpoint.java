package io.layerswarm.registry.client;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.RepositoryName;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;

/**
 * What the two manifest endpoints share, {@link ManifestChecker} ({@code HEAD}) and {@link
 * ManifestPuller} ({@code GET}): the path {@code /v2/<repo>/manifests/<reference>}, the media types
 * accepted, the token scope, and a 404 that means the manifest is unknown.
 *
 * @param <T> what the operation returns
 */
abstract class ManifestEndpoint<T> implements RegistryEndpoint<T> {
  final RepositoryName repo;
  final String reference;

  /** The digest when the reference is one; empty for a tag. */
  final Optional<Digest> referenceDigest;

  private final List<String> accept;
  private final String verb;

  /**
   * @param verb what the call does to the manifest, for messages: {@code check}, {@code pull}
   * @throws IllegalArgumentException when {@code reference} is neither a tag nor a digest
   */
  ManifestEndpoint(String verb, RepositoryName repo, String reference, List<String> accept) {
    this.verb = verb;
    this.repo = repo;
    this.reference = reference;
    this.referenceDigest = ManifestReference.parse(reference);
    this.accept = List.copyOf(accept);
  }

  @Override
  public final String path() {
    return "/v2/" + repo + "/manifests/" + reference;
  }

  @Override
  public final List<String> accept() {
    return accept;
  }

  @Override
  public final Optional<RepositoryName> repository() {
    return Optional.of(repo);
  }

  @Override
  public final RegistryException notFound(String message, String upstreamErrorCode) {
    return new ManifestUnknownException(message, 404, upstreamErrorCode);
  }

  @Override
  public final String actionDescription() {
    return verb + " manifest " + ManifestReference.display(repo, reference);
  }

  /** The {@code Docker-Content-Digest} header, when it is a sha256 digest. */
  static Optional<Digest> headerDigest(HttpResponse<?> response) {
    try {
      return response.headers().firstValue("Docker-Content-Digest").map(Digest::parse);
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // another algorithm: we compute sha256 ourselves
    }
  }
}
