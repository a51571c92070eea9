package io.layerswarm.registry.client;

/**
 * A username and password (or token) for one upstream registry, used for HTTP Basic auth and for
 * the distribution token flow. {@link #toString()} never shows the password.
 */
public record Credentials(String username, String password) {
  public Credentials {
    if (username == null || username.isEmpty()) {
      throw new IllegalArgumentException("credentials need a username");
    }
    if (password == null) {
      throw new IllegalArgumentException("credentials for " + username + " need a password");
    }
  }

  /** The {@code Authorization} header value for Basic auth. */
  String basicHeader() {
    return "Basic "
        + java.util.Base64.getEncoder()
            .encodeToString(
                (username + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "Credentials[" + username + ", password hidden]";
  }
}
