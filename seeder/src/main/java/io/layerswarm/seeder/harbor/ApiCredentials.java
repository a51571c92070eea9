package io.layerswarm.seeder.harbor;

import io.layerswarm.core.auth.BearerToken;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import java.util.function.Function;

/**
 * Who may use the preheat API: a request that carries the token of {@code
 * seeder.preheat-api-token-file} in any of the forms a Harbor provider instance can send it, one
 * per auth mode:
 *
 * <ul>
 *   <li>OAUTH: {@code Authorization: Bearer <token>};
 *   <li>BASIC: {@code Authorization: Basic base64(<any user>:<token>)};
 *   <li>CUSTOM: {@code X-LayerSwarm-Token: <token>} (the header key the admin enters in Harbor).
 * </ul>
 *
 * Every comparison is {@link BearerToken#matches}, constant time. Immutable.
 */
public final class ApiCredentials {
  /** The header of Harbor's CUSTOM auth mode. */
  public static final String CUSTOM_HEADER = "X-LayerSwarm-Token";

  private static final String BASIC = "Basic ";
  private static final String BEARER = "Bearer ";

  private final BearerToken token;

  public ApiCredentials(BearerToken token) {
    this.token = Objects.requireNonNull(token, "token");
  }

  /**
   * @param headers the request's header values by name (case-insensitive), null when absent
   */
  public boolean accepts(Function<String, String> headers) {
    String authorization = headers.apply("Authorization");
    if (authorization != null && token.matches(authorization)) {
      return true;
    }
    if (authorization != null
        && authorization.regionMatches(true, 0, BASIC, 0, BASIC.length())
        && token.matches(BEARER + basicPassword(authorization.substring(BASIC.length()).trim()))) {
      return true;
    }
    String custom = headers.apply(CUSTOM_HEADER);
    return custom != null && token.matches(BEARER + custom.trim());
  }

  /** The password of {@code user:password}, or "" when it is not valid Base64 with a colon. */
  private static String basicPassword(String encoded) {
    try {
      String decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.ISO_8859_1);
      int colon = decoded.indexOf(':');
      return colon < 0 ? "" : decoded.substring(colon + 1);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  @Override
  public String toString() {
    return "ApiCredentials[redacted]";
  }
}
