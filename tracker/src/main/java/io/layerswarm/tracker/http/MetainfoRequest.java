package io.layerswarm.tracker.http;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.tracker.announce.Parsed;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A valid {@code GET /metainfo/sha256:<hex>?registry=<host[:port]>&repo=<name>}: the key of one
 * metainfo fetch, and of its single flight.
 */
record MetainfoRequest(Digest digest, String registry, RepositoryName repo) {
  static final String PATH_PREFIX = "/metainfo/";

  /** A DNS name or IPv4 literal, or a bracketed IPv6 literal, with an optional port. */
  private static final Pattern REGISTRY =
      Pattern.compile(
          "(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}"
              + "[A-Za-z0-9])?)*|\\[[0-9A-Fa-f:.]+])(?::([0-9]{1,5}))?");

  /**
   * @param path the decoded path, starting with {@link #PATH_PREFIX}
   */
  static Parsed<MetainfoRequest> parse(String path, String rawQuery) {
    Digest digest;
    try {
      digest = Digest.parse(path.substring(PATH_PREFIX.length()));
    } catch (IllegalArgumentException e) {
      return Parsed.invalid("digest", "digest: " + e.getMessage());
    }
    Map<String, List<String>> query;
    try {
      query = new QueryStringDecoder(rawQuery, StandardCharsets.UTF_8, false).parameters();
    } catch (IllegalArgumentException e) {
      return Parsed.invalid("query", "query: " + e.getMessage());
    }
    Parsed<String> registry = single(query, "registry");
    if (registry instanceof Parsed.Invalid<String> invalid) {
      return Parsed.invalid(invalid.parameter(), invalid.message());
    }
    String host = ((Parsed.Valid<String>) registry).value();
    var matcher = REGISTRY.matcher(host);
    if (host.length() > 255
        || !matcher.matches()
        || (matcher.group(1) != null && !validPort(matcher.group(1)))) {
      return Parsed.invalid(
          "registry",
          "registry must be a host name or address with an optional port, got '" + host + "'");
    }
    Parsed<String> repo = single(query, "repo");
    if (repo instanceof Parsed.Invalid<String> invalid) {
      return Parsed.invalid(invalid.parameter(), invalid.message());
    }
    try {
      return Parsed.valid(
          new MetainfoRequest(
              digest, host, new RepositoryName(((Parsed.Valid<String>) repo).value())));
    } catch (IllegalArgumentException e) {
      return Parsed.invalid("repo", "repo: " + e.getMessage());
    }
  }

  private static Parsed<String> single(Map<String, List<String>> query, String name) {
    List<String> values = query.get(name);
    if (values == null || values.isEmpty() || values.get(0).isEmpty()) {
      return Parsed.invalid(name, "missing parameter " + name);
    }
    if (values.size() > 1) {
      return Parsed.invalid(name, name + " is given " + values.size() + " times");
    }
    return Parsed.valid(values.get(0));
  }

  private static boolean validPort(String port) {
    int value = Integer.parseInt(port);
    return value >= 1 && value <= 65_535;
  }
}
