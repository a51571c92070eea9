package io.layerswarm.registry.client;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One {@code WWW-Authenticate} challenge (RFC 7235), such as the distribution token flow's {@code
 * Bearer realm="https://auth.example/token",service="registry",scope="repository:a/b:pull"}.
 * Parameter names are lowercased; quoted values keep their commas.
 */
record AuthChallenge(String scheme, Map<String, String> params) {
  AuthChallenge {
    params = Map.copyOf(params);
  }

  boolean isBearer() {
    return "bearer".equalsIgnoreCase(scheme);
  }

  boolean isBasic() {
    return "basic".equalsIgnoreCase(scheme);
  }

  Optional<String> param(String name) {
    return Optional.ofNullable(params.get(name));
  }

  /** The Bearer challenge if there is one among the header lines, else the Basic one. */
  static Optional<AuthChallenge> choose(List<String> headerLines) {
    Optional<AuthChallenge> basic = Optional.empty();
    for (String line : headerLines) {
      Optional<AuthChallenge> challenge = parse(line);
      if (challenge.isPresent() && challenge.get().isBearer()) {
        return challenge;
      }
      if (challenge.isPresent() && challenge.get().isBasic() && basic.isEmpty()) {
        basic = challenge;
      }
    }
    return basic;
  }

  /** Parses one header value; empty when it has no scheme. */
  static Optional<AuthChallenge> parse(String header) {
    if (header == null) {
      return Optional.empty();
    }
    String s = header.strip();
    int space = s.indexOf(' ');
    String scheme = space < 0 ? s : s.substring(0, space);
    if (scheme.isEmpty() || scheme.contains("=") || scheme.contains(",")) {
      return Optional.empty();
    }
    Map<String, String> params = new HashMap<>();
    int i = space < 0 ? s.length() : space + 1;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == ' ' || c == ',' || c == '\t') {
        i++;
        continue;
      }
      int eq = s.indexOf('=', i);
      if (eq < 0) {
        break; // a token68 credential, which registries do not use
      }
      String name = s.substring(i, eq).strip().toLowerCase(Locale.ROOT);
      i = eq + 1;
      StringBuilder value = new StringBuilder();
      if (i < s.length() && s.charAt(i) == '"') {
        i++;
        while (i < s.length() && s.charAt(i) != '"') {
          if (s.charAt(i) == '\\' && i + 1 < s.length()) {
            i++;
          }
          value.append(s.charAt(i++));
        }
        i++; // closing quote
      } else {
        while (i < s.length() && s.charAt(i) != ',') {
          value.append(s.charAt(i++));
        }
      }
      params.put(name, value.toString().strip());
    }
    return Optional.of(new AuthChallenge(scheme, params));
  }
}
