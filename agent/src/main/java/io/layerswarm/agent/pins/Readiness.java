package io.layerswarm.agent.pins;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether the agent is ready for traffic, as {@code GET /ready} answers: it serves (not draining,
 * its threads alive) and every pinned image is complete. A pure function of those facts; the body
 * names what is missing in a few words and holds no secret (no credentials, no error text from
 * upstreams: {@code layerswarm pins} shows those on the admin socket).
 *
 * @param problems why the agent does not serve, e.g. "draining"
 * @param missing the pins that are not complete
 */
public record Readiness(List<String> problems, List<Missing> missing) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A pin that is not complete, and what it lacks ("2 of 5 blobs local (...)"). */
  public record Missing(String pin, String reason) {}

  public Readiness {
    problems = List.copyOf(problems);
    missing = List.copyOf(missing);
  }

  /**
   * @param draining a drain started: the agent refuses new requests
   * @param health what is wrong with the agent's threads ({@code /healthz}), empty when nothing is
   */
  public static Readiness of(boolean draining, List<String> health, List<PinState> pins) {
    List<String> problems = new ArrayList<>();
    if (draining) {
      problems.add("draining");
    }
    problems.addAll(health);
    List<Missing> missing = new ArrayList<>();
    for (PinState pin : pins) {
      if (!pin.complete()) {
        missing.add(new Missing(pin.pin().toString(), pin.progress()));
      }
    }
    return new Readiness(problems, missing);
  }

  public boolean ready() {
    return problems.isEmpty() && missing.isEmpty();
  }

  /** {@code {"ready":false,"problems":[...],"missing":[{"pin":"...","reason":"..."}]}}. */
  public String json() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("ready", ready());
    if (!problems.isEmpty()) {
      body.put("problems", problems);
    }
    if (!missing.isEmpty()) {
      body.put("missing", missing);
    }
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("strings and lists always serialize", e);
    }
  }
}
