package io.layerswarm.registry.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * The signed part of a Docker schema1 manifest ({@code ...manifest.v1+prettyjws}), which its digest
 * covers: libtrust's "pretty signature" inserts a {@code signatures} array into the payload's JSON,
 * and every signature's protected header records how to take it out again, {@code formatLength}
 * (the payload bytes before the insertion) and {@code formatTail} (base64url of the payload bytes
 * after it). The payload is those two pieces joined; distribution names the manifest by its sha256.
 */
final class SignedSchema1 {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SignedSchema1() {}

  /**
   * The signed payload of {@code manifest}, or empty with the reason when it is not a well-formed
   * pretty signature (no signatures, protected headers that disagree or point outside the bytes).
   */
  static Payload payload(byte[] manifest) {
    JsonNode signatures;
    try {
      signatures = JSON.readTree(manifest).path("signatures");
    } catch (IOException e) {
      return Payload.invalid("the manifest is not JSON: " + e.getMessage());
    }
    if (!signatures.isArray() || signatures.isEmpty()) {
      return Payload.invalid("the signed manifest has no signatures");
    }
    Long length = null;
    String tail = null;
    for (JsonNode signature : signatures) {
      JsonNode header;
      try {
        header =
            JSON.readTree(Base64.getUrlDecoder().decode(signature.path("protected").asText("")));
      } catch (IOException | IllegalArgumentException e) {
        return Payload.invalid("a signature's protected header is not base64url JSON");
      }
      JsonNode formatLength = header.path("formatLength");
      JsonNode formatTail = header.path("formatTail");
      if (!formatLength.canConvertToLong() || !formatTail.isTextual()) {
        return Payload.invalid("a signature's protected header lacks formatLength or formatTail");
      }
      if (length == null) {
        length = formatLength.asLong();
        tail = formatTail.asText();
      } else if (length != formatLength.asLong() || !tail.equals(formatTail.asText())) {
        return Payload.invalid("the signatures disagree on the signed payload");
      }
    }
    if (length < 0 || length > manifest.length) {
      return Payload.invalid("formatLength " + length + " is outside the manifest's bytes");
    }
    byte[] tailBytes;
    try {
      tailBytes = Base64.getUrlDecoder().decode(tail);
    } catch (IllegalArgumentException e) {
      return Payload.invalid("formatTail is not base64url");
    }
    byte[] payload = Arrays.copyOf(manifest, Math.toIntExact(length + tailBytes.length));
    System.arraycopy(tailBytes, 0, payload, length.intValue(), tailBytes.length);
    return new Payload(Optional.of(payload), "");
  }

  /** The payload, or the reason there is none. */
  record Payload(Optional<byte[]> bytes, String problem) {
    static Payload invalid(String problem) {
      return new Payload(Optional.empty(), problem);
    }
  }
}
