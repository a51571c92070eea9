package io.layerswarm.cli.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;

/**
 * How every admin command prints its report: a table, or with {@code --json} the report record as
 * JSON with snake_case keys in record order.
 */
final class JsonReports {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT);
  private static final ObjectMapper JSON_LINE =
      new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

  private JsonReports() {}

  /** Prints {@code report} as JSON when {@code json}, else the table. */
  static void print(CommandSpec spec, boolean json, Object report, Supplier<String> table) {
    PrintWriter out = spec.commandLine().getOut();
    out.print(json ? json(report) : table.get());
    out.flush();
  }

  /** The {@code --json} form: indented, snake_case keys in record order, ending in a newline. */
  static String json(Object report) {
    return write(JSON, report);
  }

  /** One JSON object on one line (JSON Lines), for commands that print a stream of reports. */
  static String jsonLine(Object report) {
    return write(JSON_LINE, report);
  }

  private static String write(ObjectMapper mapper, Object report) {
    try {
      return mapper.writeValueAsString(report) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("report records always serialize", e);
    }
  }
}
