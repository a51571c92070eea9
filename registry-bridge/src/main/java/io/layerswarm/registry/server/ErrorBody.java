package io.layerswarm.registry.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** OCI error bodies: {@code {"errors":[{"code":..., "message":..., "detail":...}]}}. */
public final class ErrorBody {
  /** The Content-Type to send with {@link #json}. */
  public static final String CONTENT_TYPE = "application/json; charset=utf-8";

  private static final ObjectMapper JSON = new ObjectMapper();

  private ErrorBody() {}

  /**
   * One error, with {@code detail} null. The message is escaped by Jackson, so untrusted parts of a
   * request can be quoted in it.
   */
  public static byte[] json(ErrorCode code, String message) {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode errors = body.putArray("errors");
    ObjectNode error = errors.addObject();
    error.put("code", code.name());
    error.put("message", message == null ? "" : message);
    error.putNull("detail");
    try {
      return JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings always serializes", e);
    }
  }
}
