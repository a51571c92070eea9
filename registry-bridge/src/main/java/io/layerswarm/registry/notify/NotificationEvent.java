package io.layerswarm.registry.notify;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.registry.image.MediaTypes;
import java.util.Objects;
import java.util.Optional;

/**
 * One event of a registry notification (distribution {@code docs/notifications.md}): the fields
 * LayerSwarm uses. {@code action} is {@code push}, {@code pull}, {@code mount} or {@code delete};
 * other values are kept as sent.
 *
 * @param mediaType {@code target.mediaType}
 * @param digest {@code target.digest}
 * @param repository {@code target.repository}
 * @param tag {@code target.tag}, on manifest pushes by tag; kept as sent
 * @param url {@code target.url}, kept as sent
 * @param requestHost {@code request.host}: the Host header of the request that caused the event, as
 *     the client sent it (so not validated)
 */
public record NotificationEvent(
    String action,
    Optional<String> mediaType,
    Optional<Digest> digest,
    Optional<RepositoryName> repository,
    Optional<String> tag,
    Optional<String> url,
    Optional<String> requestHost) {
  public static final String PUSH = "push";

  public NotificationEvent {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(tag, "tag");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(requestHost, "requestHost");
  }

  /**
   * A push of an image manifest or index, with its digest and repository: the event that makes a
   * new image (or a new platform of one) pullable.
   */
  public boolean isManifestPush() {
    return PUSH.equals(action)
        && mediaType.filter(MediaTypes::isManifestOrIndex).isPresent()
        && digest.isPresent()
        && repository.isPresent();
  }

  /**
   * The {@code host[:port]} of {@code target.url}, when the URL has one. Registries build it from
   * their {@code http.host} setting or from the request.
   */
  public Optional<String> urlHost() {
    return url.flatMap(
        text -> {
          try {
            java.net.URI uri = new java.net.URI(text);
            if (uri.getHost() == null) {
              return Optional.empty();
            }
            return Optional.of(
                uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort());
          } catch (java.net.URISyntaxException e) {
            return Optional.empty();
          }
        });
  }
}
