package io.layerswarm.testbed;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A child process (a LayerSwarm daemon JVM, docker-registry, ...) with its output appended to a log
 * file, started and awaited until ready, stopped by its own handle. Every instance is registered
 * with {@link ProcessReaper} so it dies with the test JVM.
 */
public final class DaemonProcess implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DaemonProcess.class);
  private static final long POLL_MILLIS = 100;

  private final String name;
  private final List<String> command;
  private final Process process;
  private final Path logFile;
  private final long logStartOffset;
  private final Duration stopTimeout;

  private DaemonProcess(
      String name,
      List<String> command,
      Process process,
      Path logFile,
      long logStartOffset,
      Duration stopTimeout) {
    this.name = name;
    this.command = command;
    this.process = process;
    this.logFile = logFile;
    this.logStartOffset = logStartOffset;
    this.stopTimeout = stopTimeout;
  }

  public static Builder builder(String name, List<String> command) {
    return new Builder(name, command);
  }

  /**
   * {@code java -cp <classpath> <jvmArgs...> <mainClass> <args...>} with the JVM running this code,
   * for starting daemons from the test classpath.
   */
  public static List<String> javaCommand(
      String classpath, List<String> jvmArgs, String mainClass, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(classpath);
    cmd.add(mainClass);
    cmd.addAll(args);
    return cmd;
  }

  /** As above with this JVM's own classpath and no extra JVM options. */
  public static List<String> javaCommand(String mainClass, String... args) {
    return javaCommand(System.getProperty("java.class.path"), List.of(), mainClass, List.of(args));
  }

  public String name() {
    return name;
  }

  public List<String> command() {
    return command;
  }

  public long pid() {
    return process.pid();
  }

  /**
   * Sends SIGHUP, as {@code systemctl reload} does.
   *
   * @throws IOException when {@code kill} fails, with its output
   */
  public void hangUp() throws IOException, InterruptedException {
    CommandResult kill =
        CommandResult.run(
            List.of("kill", "-HUP", String.valueOf(pid())), Map.of(), Duration.ofSeconds(10));
    if (!kill.ok()) {
      throw new IOException(kill.describe());
    }
  }

  public Path logFile() {
    return logFile;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Exit code once the process has ended. */
  public Optional<Integer> exitCode() {
    return process.isAlive() ? Optional.empty() : Optional.of(process.exitValue());
  }

  /**
   * What this run of the process has written so far (earlier runs appending to the same file
   * excluded).
   */
  public String output() throws IOException {
    return readLogFrom(logStartOffset);
  }

  /** The last {@code maxLines} lines of this run's output, for error messages. */
  public String outputTail(int maxLines) {
    try {
      String[] lines = output().split("\n", -1);
      int from = Math.max(0, lines.length - maxLines - 1);
      return String.join("\n", java.util.Arrays.copyOfRange(lines, from, lines.length))
          .stripTrailing();
    } catch (IOException e) {
      return "(could not read " + logFile + ": " + e.getMessage() + ")";
    }
  }

  /**
   * Waits until this run's output matches {@code pattern} (searched with find()), bounded by {@code
   * timeout}. Fails early if the process dies.
   */
  public void awaitOutput(Pattern pattern, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (pattern.matcher(output()).find()) {
        return;
      }
      failIfDead("while waiting for output /" + pattern + "/");
      if (System.nanoTime() > deadline) {
        throw new IOException(
            name
                + " did not print /"
                + pattern
                + "/ within "
                + timeout.toSeconds()
                + " s; see "
                + logFile
                + "; last output:\n"
                + outputTail(20));
      }
      Thread.sleep(POLL_MILLIS);
    }
  }

  /**
   * Waits until {@code url} answers with a status accepted by {@code statusOk}, bounded by {@code
   * timeout}.
   */
  public void awaitHttp(URI url, IntPredicate statusOk, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no answer yet";
    while (true) {
      try {
        HttpRequest req =
            HttpRequest.newBuilder(url)
                .timeout(Duration.ofSeconds(2))
                .header("User-Agent", Http.USER_AGENT)
                .GET()
                .build();
        int status = Http.CLIENT.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
        if (statusOk.test(status)) {
          return;
        }
        last = "HTTP " + status;
      } catch (IOException e) {
        last = e.toString();
      }
      failIfDead("before " + url + " answered");
      if (System.nanoTime() > deadline) {
        throw new IOException(
            name
                + " did not answer "
                + url
                + " within "
                + timeout.toSeconds()
                + " s (last: "
                + last
                + "); see "
                + logFile
                + "; last output:\n"
                + outputTail(20));
      }
      Thread.sleep(POLL_MILLIS);
    }
  }

  /**
   * Waits up to {@code timeout} for the process to end on its own; returns its exit code if it did.
   */
  public Optional<Integer> awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)
        ? Optional.of(process.exitValue())
        : Optional.empty();
  }

  /**
   * SIGTERM, up to the stop timeout (10 s by default) for a clean exit, then SIGKILL. Returns the
   * exit code.
   */
  public int stop() throws InterruptedException {
    try {
      if (process.isAlive()) {
        process.destroy();
        if (!process.waitFor(stopTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
          log.warn(
              "{} (pid {}) ignored SIGTERM for {} ms; killing it",
              name,
              pid(),
              stopTimeout.toMillis());
          process.destroyForcibly();
          process.waitFor(5, TimeUnit.SECONDS);
        }
      }
      return process.isAlive() ? -1 : process.exitValue();
    } finally {
      if (!process.isAlive()) {
        ProcessReaper.unregister(process);
      }
    }
  }

  /** SIGKILL, as a crash would: no shutdown hook runs. Waits up to 10 s for the process to go. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
    if (!process.isAlive()) {
      ProcessReaper.unregister(process);
    }
  }

  @Override
  public void close() {
    try {
      stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  @Override
  public String toString() {
    return name + "[pid " + pid() + ", log " + logFile + "]";
  }

  private void failIfDead(String when) throws IOException {
    if (!process.isAlive()) {
      ProcessReaper.unregister(process);
      throw new IOException(
          name
              + " exited with code "
              + process.exitValue()
              + " "
              + when
              + "; see "
              + logFile
              + "; last output:\n"
              + outputTail(20));
    }
  }

  private String readLogFrom(long offset) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(logFile.toFile(), "r")) {
      long len = raf.length() - offset;
      if (len <= 0) {
        return "";
      }
      if (len > Integer.MAX_VALUE - 16) {
        throw new IOException(logFile + " is too large to read: " + len + " bytes");
      }
      byte[] buf = new byte[(int) len];
      raf.seek(offset);
      raf.readFully(buf);
      return new String(buf, StandardCharsets.UTF_8);
    }
  }

  /** Configures and starts a {@link DaemonProcess}. */
  public static final class Builder {
    private final String name;
    private final List<String> command;
    private Path workingDir;
    private Path logFile;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final List<String> removedEnvPrefixes = new ArrayList<>();
    private URI readyUrl;
    private IntPredicate readyStatus = s -> s >= 200 && s < 300;
    private Pattern readyPattern;
    private Duration readyTimeout = Duration.ofSeconds(30);
    private Duration stopTimeout = Duration.ofSeconds(10);

    private Builder(String name, List<String> command) {
      this.name = Objects.requireNonNull(name, "name");
      if (command.isEmpty()) {
        throw new IllegalArgumentException("empty command for " + name);
      }
      this.command = List.copyOf(command);
    }

    public Builder workingDir(Path dir) {
      this.workingDir = dir;
      return this;
    }

    /**
     * Output (stdout and stderr) is appended here; defaults to {@code <workingDir or
     * tmp>/<name>.log}.
     */
    public Builder logFile(Path file) {
      this.logFile = file;
      return this;
    }

    public Builder env(String key, String value) {
      environment.put(key, value);
      return this;
    }

    /**
     * Drops inherited variables with this prefix, e.g. REGISTRY_ which would override a registry
     * config.
     */
    public Builder removeEnvPrefix(String prefix) {
      removedEnvPrefixes.add(prefix);
      return this;
    }

    /** Ready once GET {@code url} answers 2xx. */
    public Builder readyWhenHttpOk(URI url) {
      return readyWhenHttp(url, s -> s >= 200 && s < 300);
    }

    /**
     * Ready once GET {@code url} answers a status accepted by {@code statusOk} (e.g. any status: s
     * -> true).
     */
    public Builder readyWhenHttp(URI url, IntPredicate statusOk) {
      this.readyUrl = url;
      this.readyStatus = statusOk;
      return this;
    }

    /** Ready once the output matches {@code pattern}. */
    public Builder readyWhenOutputMatches(Pattern pattern) {
      this.readyPattern = pattern;
      return this;
    }

    public Builder readyWhenOutputContains(String text) {
      return readyWhenOutputMatches(Pattern.compile(Pattern.quote(text)));
    }

    public Builder readyTimeout(Duration timeout) {
      this.readyTimeout = timeout;
      return this;
    }

    public Builder stopTimeout(Duration timeout) {
      this.stopTimeout = timeout;
      return this;
    }

    /**
     * Starts the process and waits for the readiness conditions (both, if both are set). If it
     * doesn't become ready the process is stopped and the IOException names the log file and quotes
     * its tail.
     */
    public DaemonProcess start() throws IOException, InterruptedException {
      Path dir = workingDir != null ? workingDir : Path.of(System.getProperty("java.io.tmpdir"));
      Files.createDirectories(dir);
      Path logPath =
          (logFile != null
                  ? logFile
                  : dir.resolve(name.replaceAll("[^A-Za-z0-9._-]", "_") + ".log"))
              .toAbsolutePath();
      Files.createDirectories(logPath.getParent());
      if (!Files.exists(logPath)) {
        Files.createFile(logPath);
      }
      long offset = Files.size(logPath);
      ProcessBuilder pb =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logPath.toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      Map<String, String> env = pb.environment();
      env.keySet().removeIf(k -> removedEnvPrefixes.stream().anyMatch(k::startsWith));
      env.putAll(environment);
      Process process;
      try {
        process = pb.start();
      } catch (IOException e) {
        throw new IOException(
            "could not start " + name + " (" + command.get(0) + "): " + e.getMessage(), e);
      }
      ProcessReaper.register(name, process);
      DaemonProcess daemon =
          new DaemonProcess(name, command, process, logPath, offset, stopTimeout);
      log.info("started {} pid {} (log {})", name, process.pid(), logPath);
      try {
        long started = System.nanoTime();
        if (readyPattern != null) {
          daemon.awaitOutput(readyPattern, readyTimeout);
        }
        if (readyUrl != null) {
          // Both conditions share one budget.
          Duration left = readyTimeout.minusNanos(System.nanoTime() - started);
          daemon.awaitHttp(readyUrl, readyStatus, left.isNegative() ? Duration.ZERO : left);
        }
        return daemon;
      } catch (IOException | InterruptedException | RuntimeException e) {
        daemon.close();
        throw e;
      }
    }
  }
}
