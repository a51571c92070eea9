package io.layerswarm.cli.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonMappingException.Reference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.OptionalInt;

/**
 * Where a key is in the YAML text. The file is read into a tree first (so that flags can be merged
 * in), and mapping the tree loses the lines; an error message wants the line.
 */
final class KeyLines {
  private KeyLines() {}

  /**
   * The line of the key (or list entry) at {@code path}, or empty when the text does not have it:
   * the key came from a flag.
   */
  static OptionalInt of(ObjectMapper yaml, String text, List<Reference> path) {
    if (path.isEmpty() || text.isBlank()) {
      return OptionalInt.empty();
    }
    try (JsonParser parser = yaml.getFactory().createParser(text)) {
      parser.nextToken();
      int line = -1;
      for (Reference step : path) {
        boolean isField = step.getFieldName() != null;
        line = isField ? field(parser, step.getFieldName()) : entry(parser, step.getIndex());
        if (line < 0) {
          return OptionalInt.empty();
        }
        if (isField) {
          parser.nextToken(); // from the key onto its value, for the next step
        }
      }
      return OptionalInt.of(line);
    } catch (IOException e) {
      return OptionalInt.empty();
    }
  }

  /** Moves to the field {@code name} of the map at the parser; its line, or -1. */
  private static int field(JsonParser parser, String name) throws IOException {
    if (parser.currentToken() != JsonToken.START_OBJECT) {
      return -1;
    }
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      if (parser.currentName().equals(name)) {
        return parser.currentTokenLocation().getLineNr();
      }
      parser.nextToken();
      parser.skipChildren();
    }
    return -1;
  }

  /**
   * Moves onto the first token of entry {@code index} of the list at the parser; its line, or -1.
   */
  private static int entry(JsonParser parser, int index) throws IOException {
    if (parser.currentToken() != JsonToken.START_ARRAY || index < 0) {
      return -1;
    }
    for (int i = 0; i < index; i++) {
      JsonToken token = parser.nextToken();
      if (token == null || token == JsonToken.END_ARRAY) {
        return -1;
      }
      parser.skipChildren();
    }
    JsonToken token = parser.nextToken();
    if (token == null || token == JsonToken.END_ARRAY) {
      return -1;
    }
    return parser.currentTokenLocation().getLineNr();
  }
}
