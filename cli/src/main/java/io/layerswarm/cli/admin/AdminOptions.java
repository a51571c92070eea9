package io.layerswarm.cli.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.layerswarm.cli.config.Settings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * Options and the run loop every admin command shares: which socket, JSON or table, and exit codes
 * (0 ok, 1 error, 2 bad usage (picocli), 3 agent unreachable, 4 unknown digest).
 */
final class AdminOptions {
  static final int EXIT_OK = 0;
  static final int EXIT_ERROR = 1;
  static final int EXIT_USAGE = 2;
  static final int EXIT_UNREACHABLE = 3;
  static final int EXIT_NOT_FOUND = 4;

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT);
  private static final ObjectMapper JSON_LINE =
      new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

  @Option(
      names = "--socket",
      paramLabel = "PATH",
      defaultValue = Settings.DEFAULT_ADMIN_SOCKET,
      description = "The agent's admin socket (its agent.admin-socket). Default: ${DEFAULT-VALUE}.")
  Path socket;

  @Option(names = "--json", description = "Print JSON with snake_case keys instead of a table.")
  boolean json;

  interface Action {
    void run(AgentClient agent) throws AdminException;
  }

  /** Opens a client, runs {@code action}, and turns failures into a message and an exit code. */
  int run(CommandSpec spec, Action action) {
    try (AgentClient agent = AgentClient.open(socket)) {
      action.run(agent);
      return EXIT_OK;
    } catch (AgentUnreachableException e) {
      error(spec, e);
      return EXIT_UNREACHABLE;
    } catch (AgentNotFoundException e) {
      error(spec, e);
      return EXIT_NOT_FOUND;
    } catch (AdminException e) {
      error(spec, e);
      return EXIT_ERROR;
    }
  }

  /** Prints {@code report} as JSON, or the table. */
  void print(CommandSpec spec, Object report, Supplier<String> table) {
    PrintWriter out = spec.commandLine().getOut();
    out.print(json ? json(report) : table.get());
    out.flush();
  }

  /** The {@code --json} form: indented, snake_case keys in record order, ending in a newline. */
  static String json(Object report) {
    try {
      return JSON.writeValueAsString(report) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("report records always serialize", e);
    }
  }

  /** One JSON object on one line (JSON Lines), for commands that print a stream of reports. */
  static String jsonLine(Object report) {
    try {
      return JSON_LINE.writeValueAsString(report) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("report records always serialize", e);
    }
  }

  private static void error(CommandSpec spec, AdminException e) {
    PrintWriter err = spec.commandLine().getErr();
    err.println("layerswarm " + spec.name() + ": " + e.getMessage());
    err.flush();
  }
}
