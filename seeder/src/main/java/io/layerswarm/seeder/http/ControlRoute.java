package io.layerswarm.seeder.http;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.RegistryHost;
import io.layerswarm.registry.RepositoryName;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a control-endpoint request asks for. {@link #parse} is a pure function of the method and the
 * request target, so the grammar is tested without a channel.
 */
sealed interface ControlRoute {
  String METAINFO_PREFIX = "/metainfo/";
  String HEALTH_PATH = "/healthz";
  String METRICS_PATH = "/metrics";
  String NOTIFICATIONS_PATH = "/notifications";

  /** The ring this seeder holds, for the other members (signed with a cluster secret). */
  String RING_PATH = "/ring";

  /** {@code /blobs/sha256:<hex>}: a held blob, for a seeder that became its owner (signed). */
  String BLOBS_PREFIX = "/blobs/";

  /** Harbor's Dragonfly provider: health. */
  String PREHEAT_HEALTH_PATH = "/healthy";

  /** Harbor's Dragonfly provider: jobs, and {@code /oapi/v1/jobs/<id>}. */
  String JOBS_PATH = "/oapi/v1/jobs";

  /** Longest job id: a positive long. */
  int MAX_JOB_ID_DIGITS = 18;

  /** {@code GET /healthz}. */
  record Health() implements ControlRoute {}

  /** {@code GET /metrics}: Prometheus text. */
  record Metrics() implements ControlRoute {}

  /**
   * {@code POST /notifications}: a registry's event envelope in the body (the handler keeps the
   * body; the route is about the request line only).
   */
  record Notifications() implements ControlRoute {}

  /** {@code GET /healthy}: the Dragonfly API's health check. */
  record PreheatHealth() implements ControlRoute {}

  /** {@code POST /oapi/v1/jobs}: a Dragonfly preheat job in the body. */
  record CreateJob() implements ControlRoute {}

  /** {@code GET /oapi/v1/jobs/<id>}. */
  record JobStatus(long id) implements ControlRoute {}

  /** {@code GET /ring}: the ring in {@code VersionedRing}'s text form. */
  record Ring() implements ControlRoute {}

  /** {@code GET /blobs/sha256:<hex>}: the blob when held, never fetched for the request. */
  record HeldBlob(Digest digest) implements ControlRoute {}

  /** {@code GET /metainfo/sha256:<hex>?registry=<host[:port]>&repo=<name>}. */
  record MetainfoLookup(Digest digest, String registry, RepositoryName repo)
      implements ControlRoute {}

  /** A known path with a bad or missing parameter; {@code code} is the error code to report. */
  record BadParameter(String parameter, String code, String message) implements ControlRoute {}

  /** A known path with another method than the one it takes, {@code allow}. */
  record MethodNotAllowed(String method, String path, String allow) implements ControlRoute {
    /** On a GET-only path. */
    MethodNotAllowed(String method, String path) {
      this(method, path, "GET");
    }
  }

  /** No such path. */
  record NotFound(String path) implements ControlRoute {}

  /**
   * Bytes the HTTP codec could not parse as a request: answered 400 in its turn, then the
   * connection closes (the codec reads nothing after them).
   */
  record Malformed(String reason) implements ControlRoute {}

  static ControlRoute parse(String method, String target) {
    QueryStringDecoder decoded = new QueryStringDecoder(target);
    Optional<String> decodedPath = path(decoded);
    if (decodedPath.isEmpty()) {
      return new BadParameter(
          "path", "BAD_REQUEST", "the request path has a malformed %-escape (%XX, hex digits)");
    }
    String path = decodedPath.get();
    if (path.equals(NOTIFICATIONS_PATH)) {
      return "POST".equals(method)
          ? new Notifications()
          : new MethodNotAllowed(method, path, "POST");
    }
    if (isPreheatApi(path)) {
      return preheatApi(method, path);
    }
    boolean health = path.equals(HEALTH_PATH);
    boolean metrics = path.equals(METRICS_PATH);
    boolean metainfo = path.startsWith(METAINFO_PREFIX);
    boolean ring = path.equals(RING_PATH);
    boolean blob = path.startsWith(BLOBS_PREFIX);
    if (!health && !metrics && !metainfo && !ring && !blob) {
      return new NotFound(path);
    }
    if (!"GET".equals(method)) {
      return new MethodNotAllowed(method, path);
    }
    if (health) {
      return new Health();
    }
    if (metrics) {
      return new Metrics();
    }
    if (ring) {
      return new Ring();
    }
    if (blob) {
      try {
        return new HeldBlob(Digest.parse(path.substring(BLOBS_PREFIX.length())));
      } catch (IllegalArgumentException e) {
        return new BadParameter(
            "digest",
            "DIGEST_INVALID",
            "digest in the path must be sha256:<64 lowercase hex>: " + e.getMessage());
      }
    }

    String digestText = path.substring(METAINFO_PREFIX.length());
    Digest digest;
    try {
      digest = Digest.parse(digestText);
    } catch (IllegalArgumentException e) {
      return new BadParameter(
          "digest",
          "DIGEST_INVALID",
          "digest in the path must be sha256:<64 lowercase hex>: " + e.getMessage());
    }
    Map<String, List<String>> parameters;
    try {
      parameters = decoded.parameters();
    } catch (IllegalArgumentException e) {
      return new BadParameter(
          "query", "BAD_REQUEST", "the query has a malformed %-escape (%XX, hex digits)");
    }
    String registry = first(parameters, "registry");
    if (registry == null || registry.isEmpty()) {
      return new BadParameter(
          "registry",
          "REGISTRY_INVALID",
          "query parameter registry is required: the upstream registry host[:port] to fetch "
              + digest
              + " from");
    }
    try {
      RegistryHost.of(registry);
    } catch (IllegalArgumentException e) {
      return new BadParameter(
          "registry",
          "REGISTRY_INVALID",
          "query parameter registry is not a registry host: " + e.getMessage());
    }
    String repo = first(parameters, "repo");
    if (repo == null || repo.isEmpty()) {
      return new BadParameter(
          "repo",
          "NAME_INVALID",
          "query parameter repo is required: the repository that holds " + digest);
    }
    try {
      return new MetainfoLookup(digest, registry, new RepositoryName(repo));
    } catch (IllegalArgumentException e) {
      return new BadParameter(
          "repo",
          "NAME_INVALID",
          "query parameter repo is not a repository name: " + e.getMessage());
    }
  }

  /** Whether {@code path} is one of the Dragonfly preheat API's (Harbor's provider). */
  static boolean isPreheatApi(String path) {
    return path.equals(PREHEAT_HEALTH_PATH)
        || path.equals(JOBS_PATH)
        || path.startsWith(JOBS_PATH + "/");
  }

  private static ControlRoute preheatApi(String method, String path) {
    if (path.equals(JOBS_PATH)) {
      return "POST".equals(method) ? new CreateJob() : new MethodNotAllowed(method, path, "POST");
    }
    if (!"GET".equals(method)) {
      return new MethodNotAllowed(method, path);
    }
    if (path.equals(PREHEAT_HEALTH_PATH)) {
      return new PreheatHealth();
    }
    String id = path.substring(JOBS_PATH.length() + 1);
    if (id.isEmpty()
        || id.length() > MAX_JOB_ID_DIGITS
        || !id.chars().allMatch(c -> c >= '0' && c <= '9')
        || Long.parseLong(id) == 0) {
      return new BadParameter(
          "id", "BAD_REQUEST", "the job id in " + JOBS_PATH + "/<id> is a positive number");
    }
    return new JobStatus(Long.parseLong(id));
  }

  /**
   * The decoded path of a request target, or empty when it has a malformed %-escape (which no route
   * has, so the request is answered 400).
   */
  static Optional<String> path(String target) {
    return path(new QueryStringDecoder(target));
  }

  private static Optional<String> path(QueryStringDecoder decoded) {
    try {
      return Optional.of(decoded.path());
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static String first(Map<String, List<String>> parameters, String name) {
    List<String> values = parameters.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }
}
