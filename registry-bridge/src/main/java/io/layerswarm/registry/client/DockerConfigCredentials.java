package io.layerswarm.registry.client;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.layerswarm.registry.RegistryHost;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * Reads credentials for a registry from a Docker {@code config.json} ({@code auths.<host>.auth} =
 * base64 of {@code user:password}, or separate {@code username}/{@code password}). Credential
 * helpers ({@code credsStore}, {@code credHelpers}) run programs and are not supported: the error
 * says so, rather than silently pulling without credentials.
 */
public final class DockerConfigCredentials {
  private static final ObjectMapper JSON = new ObjectMapper();

  private DockerConfigCredentials() {}

  /**
   * @return the credentials for {@code host}, or empty if the file has none for it
   * @throws IOException if the file can't be read or is not a Docker config; the message names the
   *     file
   */
  public static Optional<Credentials> forHost(Path configJson, String host) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(Files.readAllBytes(configJson));
    } catch (JsonProcessingException e) {
      // Not the parser's message, nor it as the cause: it quotes the token it stumbled on, which
      // may be a credential of this file, or the content of a secret file named here by mistake.
      JsonLocation at = e.getLocation();
      throw new IOException(
          "Docker config "
              + configJson
              + " is not valid JSON"
              + (at == null
                  ? ""
                  : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
    } catch (IOException e) {
      throw new IOException(
          "reading Docker config " + configJson + " failed: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IOException("Docker config " + configJson + " is not a JSON object");
    }
    String wanted = RegistryHost.of(host).value();
    JsonNode auths = root.path("auths");
    for (Iterator<Map.Entry<String, JsonNode>> it = auths.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      if (wanted.equals(normalize(entry.getKey()))) {
        return Optional.of(parse(configJson, entry.getKey(), entry.getValue()));
      }
    }
    if (root.path("credHelpers").has(host) || root.has("credsStore")) {
      throw new IOException(
          "Docker config "
              + configJson
              + " keeps the credentials for "
              + host
              + " in a credential helper, which LayerSwarm does not run; put username and password"
              + " in the upstream's config instead");
    }
    return Optional.empty();
  }

  private static Credentials parse(Path file, String key, JsonNode entry) throws IOException {
    String auth = entry.path("auth").asText("");
    if (!auth.isEmpty()) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new IOException("Docker config " + file + ": auths." + key + ".auth is not base64");
      }
      int colon = decoded.indexOf(':');
      if (colon <= 0) {
        throw new IOException(
            "Docker config " + file + ": auths." + key + ".auth must encode user:password");
      }
      return new Credentials(decoded.substring(0, colon), decoded.substring(colon + 1));
    }
    String user = entry.path("username").asText("");
    if (user.isEmpty()) {
      throw new IOException("Docker config " + file + ": auths." + key + " has no credentials");
    }
    return new Credentials(user, entry.path("password").asText(""));
  }

  /** Keys may be URLs ({@code https://index.docker.io/v1/}) or host names. */
  private static String normalize(String key) {
    String host = key.replaceFirst("^https?://", "");
    int slash = host.indexOf('/');
    if (slash >= 0) {
      host = host.substring(0, slash);
    }
    try {
      return RegistryHost.of(host).value();
    } catch (IllegalArgumentException e) {
      return host;
    }
  }
}
