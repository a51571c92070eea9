package io.layerswarm.registry.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * The first error of an OCI error body, {@code {"errors":[{"code":..,"message":..}]}}. Registries
 * are not obliged to send one (HEAD never has a body), so both fields may be null.
 */
record UpstreamError(String code, String message) {
  static final UpstreamError NONE = new UpstreamError(null, null);
  private static final ObjectMapper JSON = new ObjectMapper();

  static UpstreamError parse(byte[] body) {
    if (body.length == 0) {
      return NONE;
    }
    try {
      JsonNode first = JSON.readTree(body).path("errors").path(0);
      String code = first.path("code").isTextual() ? first.path("code").asText() : null;
      String message = first.path("message").isTextual() ? first.path("message").asText() : null;
      return new UpstreamError(code, message);
    } catch (IOException | RuntimeException e) {
      // Not JSON (a proxy's HTML page, for example): the status alone must do.
      return NONE;
    }
  }

  /** {@code " MANIFEST_UNKNOWN: manifest unknown"}, or empty when there was no error body. */
  String describe() {
    StringBuilder sb = new StringBuilder();
    if (code != null) {
      sb.append(' ').append(code);
    }
    if (message != null) {
      sb.append(code == null ? " " : ": ")
          .append(message.length() > 200 ? message.substring(0, 200) + "..." : message);
    }
    return sb.toString();
  }
}
