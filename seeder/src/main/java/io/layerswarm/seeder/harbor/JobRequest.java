package io.layerswarm.seeder.harbor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.layerswarm.core.Digest;
import io.layerswarm.registry.RegistryHost;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.registry.Tag;
import io.layerswarm.registry.image.ImageReference;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;
import java.util.Optional;

/**
 * A validated {@code POST /oapi/v1/jobs} body as Harbor's Dragonfly driver sends it: {@code
 * {"type":"preheat","args":{"type":"image","url":"https://<harbor>/v2/<repo>/manifests/<ref>",
 * "headers":{...},"scope":...},"scheduler_cluster_ids":...}}. Only the image the URL names is kept:
 * {@code args.headers} (Harbor's robot token for its registry) is never read into this value, so it
 * cannot reach a log, the job table or an answer. Scope, cluster ids, tag, filtered query params,
 * concurrency and timeout are Dragonfly's scheduling knobs and are ignored.
 *
 * @param image the registry host as the URL names it ({@code host[:port]}), the repository and the
 *     tag or digest
 */
public record JobRequest(ImageReference image) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MANIFESTS = "/manifests/";

  public JobRequest {
    Objects.requireNonNull(image, "image");
    if (image.registry().isEmpty()) {
      throw new IllegalArgumentException("a preheat job's image needs a registry host");
    }
  }

  /** The registry host the URL names, as {@code Upstreams#forHost} takes it. */
  public String registry() {
    return image.registry().orElseThrow().value();
  }

  /**
   * @throws IllegalArgumentException saying what is wrong, without echoing the body (it may hold
   *     Harbor's credentials)
   */
  public static JobRequest parse(byte[] body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("the body is not JSON: " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("the body could not be read: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("the body must be a JSON object");
    }
    String type = text(root, "type");
    if (!"preheat".equals(type)) {
      throw new IllegalArgumentException(
          "type must be \"preheat\" (the only job this seeder runs), not " + quoted(type));
    }
    JsonNode args = root.get("args");
    if (args == null || !args.isObject()) {
      throw new IllegalArgumentException("args must be an object with type and url");
    }
    String argsType = text(args, "type");
    if (argsType != null && !argsType.isEmpty() && !"image".equals(argsType)) {
      throw new IllegalArgumentException(
          "args.type must be \"image\" (files are not preheated), not " + quoted(argsType));
    }
    String url = text(args, "url");
    if (url == null || url.isEmpty()) {
      throw new IllegalArgumentException(
          "args.url is required: https://<registry>/v2/<repository>/manifests/<tag or digest>");
    }
    return new JobRequest(image(url));
  }

  /** {@code http[s]://host[:port]/v2/<repo>/manifests/<tag or digest>}. */
  static ImageReference image(String url) {
    String expected = "args.url must be http[s]://<registry>/v2/<repository>/manifests/<reference>";
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(expected + ": " + e.getReason());
    }
    String scheme = uri.getScheme();
    if (scheme == null
        || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
        || uri.getHost() == null
        || uri.getRawUserInfo() != null
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      throw new IllegalArgumentException(
          expected + ", without user info, query or fragment; got scheme " + quoted(scheme));
    }
    String path = uri.getPath();
    int manifests = path == null ? -1 : path.lastIndexOf(MANIFESTS);
    if (path == null || !path.startsWith("/v2/") || manifests <= "/v2".length()) {
      throw new IllegalArgumentException(expected + "; got the path " + quoted(path));
    }
    String host = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
    String repo = path.substring("/v2/".length(), manifests);
    String reference = path.substring(manifests + MANIFESTS.length());
    try {
      RegistryHost registry = RegistryHost.of(host);
      RepositoryName repository = new RepositoryName(repo);
      if (reference.startsWith("sha256:") || reference.contains(":")) {
        return new ImageReference(
            Optional.of(registry),
            repository,
            Optional.empty(),
            Optional.of(Digest.parse(reference)));
      }
      return new ImageReference(
          Optional.of(registry), repository, Optional.of(new Tag(reference)), Optional.empty());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(expected + ": " + e.getMessage());
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw new IllegalArgumentException(field + " must be a string");
    }
    return value.asText();
  }

  private static String quoted(String value) {
    if (value == null) {
      return "nothing";
    }
    String shown = value.length() > 200 ? value.substring(0, 200) + "..." : value;
    return "\"" + shown + "\"";
  }
}
