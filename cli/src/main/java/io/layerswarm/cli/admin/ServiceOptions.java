package io.layerswarm.cli.admin;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * Options and the run loop of the service commands, which talk to a seeder's or a tracker's admin
 * gRPC API over TCP: which server, which token, TLS, JSON or table, and exit codes (0 ok, 1 error,
 * 2 bad usage, 3 server unreachable, 4 not found, 5 not authenticated).
 */
final class ServiceOptions {
  static final int EXIT_OK = 0;
  static final int EXIT_ERROR = 1;
  static final int EXIT_USAGE = 2;
  static final int EXIT_UNREACHABLE = 3;
  static final int EXIT_NOT_FOUND = 4;
  static final int EXIT_UNAUTHENTICATED = 5;

  static final String SERVER_ENV = "LAYERSWARM_SERVER";
  static final String TOKEN_ENV = "LAYERSWARM_TOKEN";

  @Option(
      names = "--server",
      paramLabel = "HOST:PORT",
      description =
          "The admin API address: a seeder's seeder.admin-listen for preheat, ring,"
              + " seeder-blobs and seeder-evict; a tracker's tracker.admin-listen for swarms,"
              + " swarm-peers and tracker-health (a tracker does not forward seeder commands)."
              + " Default: $"
              + SERVER_ENV
              + ".")
  String server;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description =
          "The server's admin token (seeder.admin-token, tracker.admin-token). Other"
              + " users can see it in the process list: prefer --token-file or $"
              + TOKEN_ENV
              + ".")
  String token;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description = "Read the admin token from FILE (surrounding white space is ignored).")
  Path tokenFile;

  @Option(
      names = "--tls",
      description =
          "Connect with TLS, checking the server's certificate"
              + " against the system's CAs (or --ca): for a seeder or tracker with admin-tls-cert and"
              + " admin-tls-key set, or behind a TLS-terminating proxy.")
  boolean tls;

  @Option(
      names = "--ca",
      paramLabel = "FILE",
      description = "PEM file of the CA certificates to trust for --tls (implies --tls).")
  Path ca;

  @Option(names = "--json", description = "Print JSON with snake_case keys instead of a table.")
  boolean json;

  /** Environment lookups; tests replace it. */
  Function<String, String> environment = System::getenv;

  /** The kind of server a command talks to, for messages. */
  enum Role {
    SEEDER("seeder", "SeederAdmin"),
    TRACKER("tracker", "TrackerAdmin");

    final String name;
    final String service;

    Role(String name, String service) {
      this.name = name;
      this.service = service;
    }

    /** {@code seeder.admin-listen}. */
    String listenKey() {
      return name + ".admin-listen";
    }

    String tokenKey() {
      return name + ".admin-token";
    }
  }

  /** Where to connect, as the user wrote it. */
  record Target(String host, int port) {
    @Override
    public String toString() {
      return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }
  }

  interface Action {
    void run(ServiceChannels server) throws AdminException;
  }

  /**
   * Checks the options, connects, runs {@code action}, and turns failures into a message on stderr
   * and an exit code. Bad options throw {@link ParameterException} (exit code 2).
   */
  int run(CommandSpec spec, Role role, Action action) {
    Target target = target(spec, role);
    Optional<String> bearer = token(spec);
    Optional<Path> trust = Optional.ofNullable(ca);
    try (ServiceChannels channels =
        ServiceChannels.open(role, target, bearer, tls || ca != null, trust)) {
      action.run(channels);
      return EXIT_OK;
    } catch (ServiceException e) {
      error(spec, e.getMessage());
      return e.exitCode();
    } catch (AdminException e) {
      error(spec, e.getMessage());
      return EXIT_ERROR;
    }
  }

  Target target(CommandSpec spec, Role role) {
    String value = server;
    String source = "--server";
    if (value == null || value.isBlank()) {
      value = environment.apply(SERVER_ENV);
      source = "$" + SERVER_ENV;
    }
    if (value == null || value.isBlank()) {
      throw new ParameterException(
          spec.commandLine(),
          "--server HOST:PORT is required (or set $"
              + SERVER_ENV
              + "): the "
              + role.name
              + "'s admin address, its "
              + role.listenKey());
    }
    return parseTarget(spec, source, value.trim(), role);
  }

  private static Target parseTarget(CommandSpec spec, String source, String value, Role role) {
    String hint = "; write HOST:PORT as in the " + role.name + "'s " + role.listenKey();
    if (value.contains("://")) {
      throw new ParameterException(
          spec.commandLine(), source + ": '" + value + "' is a URL" + hint);
    }
    String host;
    String port;
    if (value.startsWith("[")) {
      int close = value.indexOf("]:");
      if (close < 0) {
        throw new ParameterException(
            spec.commandLine(), source + ": '" + value + "' has no port" + hint);
      }
      host = value.substring(1, close);
      port = value.substring(close + 2);
    } else {
      int colon = value.lastIndexOf(':');
      if (colon <= 0 || value.indexOf(':') != colon) {
        throw new ParameterException(
            spec.commandLine(), source + ": '" + value + "' is not" + " HOST:PORT" + hint);
      }
      host = value.substring(0, colon);
      port = value.substring(colon + 1);
    }
    int number;
    try {
      number = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      number = -1;
    }
    if (host.isEmpty() || number < 1 || number > 65_535) {
      throw new ParameterException(
          spec.commandLine(),
          source + ": '" + value + "' is not" + " HOST:PORT with a port from 1 to 65535" + hint);
    }
    return new Target(host, number);
  }

  Optional<String> token(CommandSpec spec) {
    if (token != null && tokenFile != null) {
      throw new ParameterException(spec.commandLine(), "--token and --token-file: pass one");
    }
    String value;
    String source;
    if (token != null) {
      value = token;
      source = "--token";
    } else if (tokenFile != null) {
      source = "--token-file " + tokenFile;
      try {
        value = Files.readString(tokenFile, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new ParameterException(
            spec.commandLine(),
            source
                + ": cannot read it: "
                + (e.getMessage() == null ? e.toString() : e.getMessage()));
      }
    } else {
      value = environment.apply(TOKEN_ENV);
      source = "$" + TOKEN_ENV;
      if (value == null || value.isBlank()) {
        return Optional.empty();
      }
    }
    value = value.strip();
    if (value.isEmpty()) {
      throw new ParameterException(spec.commandLine(), source + ": the token is empty");
    }
    if (!value.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new ParameterException(
          spec.commandLine(),
          source + ": a token is printable ASCII" + " without spaces, as the server's admin-token");
    }
    return Optional.of(value);
  }

  /** Prints {@code report} as JSON, or the table. */
  void print(CommandSpec spec, Object report, Supplier<String> table) {
    JsonReports.print(spec, json, report, table);
  }

  private static final java.util.regex.Pattern DURATION =
      java.util.regex.Pattern.compile("(\\d{1,9})(ms|s|m|h)");

  /** {@code 500ms}, {@code 90s}, {@code 30m}, {@code 2h}; empty when it is none of these. */
  static Optional<java.time.Duration> duration(String text) {
    java.util.regex.Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    long n = Long.parseLong(m.group(1));
    return Optional.of(
        switch (m.group(2)) {
          case "ms" -> java.time.Duration.ofMillis(n);
          case "s" -> java.time.Duration.ofSeconds(n);
          case "m" -> java.time.Duration.ofMinutes(n);
          default -> java.time.Duration.ofHours(n);
        });
  }

  static void error(CommandSpec spec, String message) {
    PrintWriter err = spec.commandLine().getErr();
    err.println("layerswarm " + spec.name() + ": " + message);
    err.flush();
  }
}
