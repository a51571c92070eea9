package io.layerswarm.registry.server;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.RegistryHost;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.registry.Tag;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Parses request method and URI (path plus query) into a {@link Route}, pull side only.
 *
 * <p>Order of checks, so that the first problem found is the most important one:
 *
 * <ol>
 *   <li>The raw path must be an origin-form path of printable ASCII without {@code %} (no
 *       percent-encoded byte at all: this rules out {@code %2e}, {@code %2f} and double encoding,
 *       and no valid name, tag or digest needs one), without backslash, and without {@code .} or
 *       {@code ..} segments. Otherwise NAME_INVALID (400).
 *   <li>Any method but GET and HEAD under {@code /v2} is UNSUPPORTED (405): we are a pull-only
 *       mirror.
 *   <li>{@code /v2/} (or {@code /v2}) is {@link Route.Base}.
 *   <li>{@code /v2/<name>/manifests/<reference>} and {@code /v2/<name>/blobs/<digest>} are the
 *       routes. Any other path, including pull endpoints we do not serve ({@code tags/list}, {@code
 *       _catalog}, {@code referrers}) and paths outside {@code /v2}, is NAME_UNKNOWN (404). The OCI
 *       distribution spec defines no generic "not found" code, and clients treat a 404 on an
 *       optional endpoint (referrers, tags) as "not supported here", which is the truth; 405
 *       UNSUPPORTED would tell them the method was wrong.
 *   <li>The namespace (the upstream registry host) comes from containerd's {@code ?ns=<host>}
 *       (URL-encoded) or from a podman/CRI-O path prefix {@code /v2/<host>/<repo>/...}. The first
 *       name component is a host iff it contains '.' or ':' or is {@code localhost} and more
 *       components follow (Docker's rule for image references). Both forms at once must agree. An
 *       invalid host is NAME_INVALID.
 *   <li>The name must match the OCI grammar ({@link RepositoryName}): NAME_INVALID. A tag must
 *       match {@code [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}}: MANIFEST_INVALID. A reference with a ':'
 *       and every blob reference must be {@code sha256:<64 lowercase hex>}: DIGEST_INVALID.
 * </ol>
 */
public final class RouteParser {
  private static final Set<String> PULL_METHODS = Set.of("GET", "HEAD");
  private static final int MAX_URI_LENGTH = 8192;

  private RouteParser() {}

  /**
   * @throws RegistryApiException NAME_INVALID, DIGEST_INVALID, MANIFEST_INVALID (bad tag),
   *     UNSUPPORTED (push methods), NAME_UNKNOWN (other endpoints), each with a message naming the
   *     bad part
   */
  public static Route parse(String method, String uri) throws RegistryApiException {
    if (uri == null || uri.isEmpty()) {
      throw new RegistryApiException(ErrorCode.NAME_INVALID, "request target is missing");
    }
    if (uri.length() > MAX_URI_LENGTH) {
      throw new RegistryApiException(
          ErrorCode.NAME_INVALID,
          "request target is longer than " + MAX_URI_LENGTH + " characters");
    }
    int q = uri.indexOf('?');
    String path = q < 0 ? uri : uri.substring(0, q);
    String query = q < 0 ? "" : uri.substring(q + 1);
    checkPathIsPlain(path);

    boolean underV2 = path.equals("/v2") || path.startsWith("/v2/");
    if (!underV2) {
      throw new RegistryApiException(
          ErrorCode.NAME_UNKNOWN,
          "no registry endpoint at " + quote(path) + ": only /v2/ is served");
    }
    if (method == null || !PULL_METHODS.contains(method)) {
      throw new RegistryApiException(
          ErrorCode.UNSUPPORTED,
          quote(String.valueOf(method))
              + " "
              + quote(path)
              + " is not supported: this registry mirror serves pulls only (GET and HEAD)");
    }
    if (path.equals("/v2") || path.equals("/v2/")) {
      return new Route.Base();
    }
    String rest = path.substring("/v2/".length());
    if (rest.endsWith("/")) {
      throw unknownEndpoint(method, path);
    }
    List<String> segments = Arrays.asList(rest.split("/", -1));
    if (segments.contains("")) {
      throw new RegistryApiException(
          ErrorCode.NAME_INVALID, "path " + quote(path) + " has an empty component");
    }
    int n = segments.size();
    if (n < 3
        || !(segments.get(n - 2).equals("manifests") || segments.get(n - 2).equals("blobs"))) {
      throw unknownEndpoint(method, path);
    }
    String kind = segments.get(n - 2);
    String reference = segments.get(n - 1);
    List<String> nameParts = segments.subList(0, n - 2);

    Optional<String> pathNamespace = Optional.empty();
    if (nameParts.size() >= 2 && looksLikeHost(nameParts.get(0))) {
      pathNamespace = Optional.of(host(nameParts.get(0), "path prefix"));
      nameParts = nameParts.subList(1, nameParts.size());
    }
    Optional<String> queryNamespace = queryNamespace(query);
    if (pathNamespace.isPresent()
        && queryNamespace.isPresent()
        && !pathNamespace.equals(queryNamespace)) {
      throw new RegistryApiException(
          ErrorCode.NAME_INVALID,
          "registry host given twice and differently: path prefix "
              + pathNamespace.get()
              + ", ns "
              + queryNamespace.get());
    }
    Optional<String> namespace = pathNamespace.isPresent() ? pathNamespace : queryNamespace;
    RepositoryName name = name(String.join("/", nameParts));

    if (kind.equals("blobs")) {
      return new Route.BlobRoute(namespace, name, digest(reference, name));
    }
    if (reference.contains(":")) {
      digest(reference, name);
    } else if (!Tag.isValid(reference)) {
      throw new RegistryApiException(
          ErrorCode.MANIFEST_INVALID,
          "invalid tag "
              + quote(reference)
              + " for "
              + name
              + ": a tag matches [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");
    }
    return new Route.ManifestRoute(namespace, name, reference);
  }

  /** Rejects traversal and encoding tricks before the path is interpreted at all. */
  private static void checkPathIsPlain(String path) throws RegistryApiException {
    if (!path.startsWith("/")) {
      throw new RegistryApiException(
          ErrorCode.NAME_INVALID, "request target must be a path starting with '/'");
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '%') {
        throw new RegistryApiException(
            ErrorCode.NAME_INVALID,
            "path must not contain percent-encoded bytes (found at position " + i + ")");
      }
      if (c == '\\') {
        throw new RegistryApiException(
            ErrorCode.NAME_INVALID,
            "path must not contain a backslash (found at position " + i + ")");
      }
      if (c <= 0x20 || c >= 0x7f) {
        throw new RegistryApiException(
            ErrorCode.NAME_INVALID,
            "path must be printable ASCII (character " + (int) c + " at position " + i + ")");
      }
    }
    for (String segment : path.split("/", -1)) {
      if (segment.equals(".") || segment.equals("..")) {
        throw new RegistryApiException(
            ErrorCode.NAME_INVALID, "path must not contain '.' or '..' segments");
      }
    }
  }

  private static RegistryApiException unknownEndpoint(String method, String path) {
    return new RegistryApiException(
        ErrorCode.NAME_UNKNOWN,
        "no pull endpoint for "
            + method
            + " "
            + quote(path)
            + ": this mirror serves /v2/, /v2/<name>/manifests/<reference> and /v2/<name>/blobs/<digest>");
  }

  /** Docker's rule (distribution/reference): a first component with '.' or ':', or localhost. */
  private static boolean looksLikeHost(String component) {
    return component.contains(".") || component.contains(":") || component.equals("localhost");
  }

  private static Optional<String> queryNamespace(String query) throws RegistryApiException {
    Optional<String> ns = Optional.empty();
    if (query.isEmpty()) {
      return ns;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      if (!key.equals("ns")) {
        continue;
      }
      if (ns.isPresent()) {
        throw new RegistryApiException(ErrorCode.NAME_INVALID, "query parameter ns is given twice");
      }
      String raw = eq < 0 ? "" : pair.substring(eq + 1);
      String decoded;
      try {
        decoded = URLDecoder.decode(raw, StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new RegistryApiException(
            ErrorCode.NAME_INVALID, "query parameter ns is badly encoded: " + quote(raw));
      }
      ns = Optional.of(host(decoded, "ns"));
    }
    return ns;
  }

  private static String host(String value, String where) throws RegistryApiException {
    try {
      return RegistryHost.of(value).value();
    } catch (IllegalArgumentException e) {
      throw new RegistryApiException(
          ErrorCode.NAME_INVALID,
          "registry host in " + where + " must look like host[:port]: " + quote(value));
    }
  }

  private static RepositoryName name(String value) throws RegistryApiException {
    try {
      return new RepositoryName(value);
    } catch (IllegalArgumentException e) {
      throw new RegistryApiException(
          ErrorCode.NAME_INVALID,
          "invalid repository name "
              + quote(value)
              + ": components of [a-z0-9] joined by '.', '_', '__' or '-', at most 255 characters");
    }
  }

  private static Digest digest(String value, RepositoryName name) throws RegistryApiException {
    try {
      return Digest.parse(value);
    } catch (IllegalArgumentException e) {
      throw new RegistryApiException(
          ErrorCode.DIGEST_INVALID,
          "invalid digest "
              + quote(value)
              + " for "
              + name
              + ": must be sha256:<64 lowercase hex>");
    }
  }

  private static String quote(String value) {
    return "'" + (value.length() <= 100 ? value : value.substring(0, 100) + "...") + "'";
  }
}
