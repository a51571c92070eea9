package io.layerswarm.registry.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.layerswarm.core.Digest;
import io.layerswarm.registry.RepositoryName;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The body a registry POSTs to a notification endpoint ({@code Content-Type:
 * application/vnd.docker.distribution.events.v1+json}): {@code {"events":[...]}}, see distribution
 * {@code docs/notifications.md}. Unknown fields are ignored. The structure must hold ({@code
 * events} an array of objects, each with a string {@code action}, {@code target} and {@code
 * request} objects, string fields); {@code target.digest} and {@code target.repository} must be
 * valid, as a registry writes them. {@code request.host} and {@code target.url} are kept as sent.
 */
public record NotificationEnvelope(List<NotificationEvent> events) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public NotificationEnvelope {
    events = List.copyOf(events);
  }

  /** Parses an envelope; the exception names the event index and field that are wrong. */
  public static NotificationEnvelope parse(byte[] body) throws NotificationFormatException {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new NotificationFormatException(
          "read notification: not JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new NotificationFormatException("read notification: " + e, e);
    }
    if (root == null || !root.isObject()) {
      throw new NotificationFormatException("read notification: the body is not a JSON object");
    }
    JsonNode events = root.get("events");
    if (events == null || !events.isArray()) {
      throw new NotificationFormatException("read notification: events must be an array");
    }
    List<NotificationEvent> parsed = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      parsed.add(event(events.get(i), "events[" + i + "]"));
    }
    return new NotificationEnvelope(parsed);
  }

  private static NotificationEvent event(JsonNode node, String where)
      throws NotificationFormatException {
    if (!node.isObject()) {
      throw new NotificationFormatException("read notification: " + where + " is not an object");
    }
    String action =
        text(node, "action", where)
            .orElseThrow(
                () ->
                    new NotificationFormatException(
                        "read notification: " + where + ".action is missing"));
    JsonNode target = object(node, "target", where);
    JsonNode request = object(node, "request", where);
    String targetWhere = where + ".target";
    Optional<Digest> digest = Optional.empty();
    Optional<String> digestText = text(target, "digest", targetWhere);
    if (digestText.isPresent() && !digestText.get().isEmpty()) {
      try {
        digest = Optional.of(Digest.parse(digestText.get()));
      } catch (IllegalArgumentException e) {
        throw new NotificationFormatException(
            "read notification: " + targetWhere + ".digest: " + e.getMessage(), e);
      }
    }
    Optional<RepositoryName> repository = Optional.empty();
    Optional<String> repositoryText = text(target, "repository", targetWhere);
    if (repositoryText.isPresent() && !repositoryText.get().isEmpty()) {
      try {
        repository = Optional.of(new RepositoryName(repositoryText.get()));
      } catch (IllegalArgumentException e) {
        throw new NotificationFormatException(
            "read notification: " + targetWhere + ".repository: " + e.getMessage(), e);
      }
    }
    return new NotificationEvent(
        action,
        text(target, "mediaType", targetWhere),
        digest,
        repository,
        text(target, "tag", targetWhere).filter(t -> !t.isEmpty()),
        text(target, "url", targetWhere).filter(u -> !u.isEmpty()),
        text(request, "host", where + ".request").filter(h -> !h.isEmpty()));
  }

  /** The object field {@code name}; a missing one reads as empty. */
  private static JsonNode object(JsonNode node, String name, String where)
      throws NotificationFormatException {
    JsonNode value = node.get(name);
    if (value == null || value.isNull()) {
      return JSON.createObjectNode();
    }
    if (!value.isObject()) {
      throw new NotificationFormatException(
          "read notification: " + where + "." + name + " must be an object");
    }
    return value;
  }

  private static Optional<String> text(JsonNode node, String name, String where)
      throws NotificationFormatException {
    JsonNode value = node.get(name);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isTextual()) {
      throw new NotificationFormatException(
          "read notification: " + where + "." + name + " must be a string");
    }
    return Optional.of(value.textValue());
  }
}
