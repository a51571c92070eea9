package io.layerswarm.tracker.http;

import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * A request target split into its path and its raw (still percent-encoded) query. Accepts the
 * origin form ({@code /announce?x}) and the absolute form ({@code http://host/announce?x}).
 */
record RequestTarget(String path, String rawQuery) {
  static RequestTarget of(String uri) {
    String target = uri;
    int scheme = target.indexOf("://");
    if (scheme > 0 && scheme < target.indexOf('/')) {
      int pathStart = target.indexOf('/', scheme + 3);
      target = pathStart < 0 ? "/" : target.substring(pathStart);
    }
    int hash = target.indexOf('#');
    if (hash >= 0) {
      target = target.substring(0, hash);
    }
    int question = target.indexOf('?');
    String rawPath = question < 0 ? target : target.substring(0, question);
    String rawQuery = question < 0 ? "" : target.substring(question + 1);
    return new RequestTarget(decodePath(rawPath), rawQuery);
  }

  private static String decodePath(String rawPath) {
    try {
      // Paths here are ASCII; this only turns an escaped ':' (sha256%3A...) back into ':'.
      return QueryStringDecoder.decodeComponent(rawPath);
    } catch (IllegalArgumentException e) {
      return rawPath; // a malformed escape: matches no route, so it ends as a 404
    }
  }
}
