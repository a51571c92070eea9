package io.layerswarm.cli;

import io.layerswarm.cli.admin.DrainCommand;
import io.layerswarm.cli.admin.EvictCommand;
import io.layerswarm.cli.admin.PeersCommand;
import io.layerswarm.cli.admin.PinsCommand;
import io.layerswarm.cli.admin.PreheatCommand;
import io.layerswarm.cli.admin.RingCommand;
import io.layerswarm.cli.admin.SeederBlobsCommand;
import io.layerswarm.cli.admin.SeederEvictCommand;
import io.layerswarm.cli.admin.StatusCommand;
import io.layerswarm.cli.admin.SwarmPeersCommand;
import io.layerswarm.cli.admin.SwarmsCommand;
import io.layerswarm.cli.admin.TorrentsCommand;
import io.layerswarm.cli.admin.TrackerHealthCommand;
import io.layerswarm.cli.admin.WaitReadyCommand;
import io.layerswarm.cli.config.Settings;
import io.layerswarm.cli.daemon.AgentCommand;
import io.layerswarm.cli.daemon.AllInOneCommand;
import io.layerswarm.cli.daemon.SeederCommand;
import io.layerswarm.cli.daemon.TrackerCommand;
import java.io.PrintWriter;
import java.util.Optional;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code bin/layerswarm}. */
@Command(
    name = "layerswarm",
    mixinStandardHelpOptions = true,
    version = "layerswarm " + Settings.VERSION,
    description = "Peer-to-peer distribution of container image layers.",
    subcommands = {
      TrackerCommand.class,
      SeederCommand.class,
      AgentCommand.class,
      AllInOneCommand.class,
      StatusCommand.class,
      TorrentsCommand.class,
      PeersCommand.class,
      EvictCommand.class,
      DrainCommand.class,
      PinsCommand.class,
      WaitReadyCommand.class,
      // Service commands: a seeder's or tracker's admin API over TCP (--server HOST:PORT).
      PreheatCommand.class,
      RingCommand.class,
      SeederBlobsCommand.class,
      SeederEvictCommand.class,
      SwarmsCommand.class,
      SwarmPeersCommand.class,
      TrackerHealthCommand.class,
      AutoComplete.GenerateCompletion.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  /** Exit code for a config that can't be used. */
  public static final int EXIT_CONFIG = 78;

  /** Exit code when a daemon failed to start or died. */
  public static final int EXIT_FAILURE = 1;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a command");
  }

  /**
   * The command tree. {@code generate-completion} prints a bash/zsh completion script ({@code
   * source <(layerswarm generate-completion)}).
   */
  public static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new Main());
    commandLine.setParameterExceptionHandler(Main::usageError);
    return commandLine;
  }

  /**
   * Bad usage, for every command: one line naming the problem and a hint where the usage is, not
   * the whole usage with the problem last (picocli's default). Exit code 2.
   */
  static int usageError(CommandLine.ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    String name = command.getCommandSpec().qualifiedName();
    PrintWriter err = command.getErr();
    err.println(name + ": " + e.getMessage());
    CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
    err.println("See '" + name + " --help'.");
    err.flush();
    return command.getCommandSpec().exitCodeOnInvalidInput();
  }

  public static void main(String[] args) {
    Optional<String> badLevel = LogLevel.problem(System.getenv(LogLevel.VARIABLE));
    if (badLevel.isPresent()) {
      System.err.println("layerswarm: " + badLevel.get());
      System.exit(EXIT_CONFIG);
    }
    System.exit(commandLine().execute(args));
  }
}
