package io.layerswarm.cli.admin;

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
    JsonReports.print(spec, json, report, table);
  }

  private static void error(CommandSpec spec, AdminException e) {
    PrintWriter err = spec.commandLine().getErr();
    err.println("layerswarm " + spec.name() + ": " + e.getMessage());
    err.flush();
  }
}
