package io.layerswarm.testbed;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real OCI registry (Debian's distribution 2.8 {@code docker-registry}) as a child process on
 * 127.0.0.1, with filesystem storage and its access log in {@code <dir>/registry.log}. Serves as
 * the origin whose egress LayerSwarm is meant to cut, or as a pull-through cache with {@link
 * Builder#proxy}.
 *
 * <p>Observed distribution 2.8.2 proxy behaviour worth knowing for benchmarks: on a cache miss the
 * proxy fetches each blob from its remote twice (once to serve the client, once in the background
 * to store it), then serves later pulls locally.
 *
 * <pre>{@code
 * try (OriginRegistry origin = OriginRegistry.start(dir)) {
 *     new RegistryPusher(origin.baseUri()).push(image, "test/app", "v1");
 * }
 * }</pre>
 */
public final class OriginRegistry implements AutoCloseable {

  public static final Path DEFAULT_BINARY = Path.of("/usr/bin/docker-registry");
  private static final Logger log = LoggerFactory.getLogger(OriginRegistry.class);
  private static final int PORT_ATTEMPTS = 3;

  private final DaemonProcess process;
  private final Path dir;
  private final Path dataDir;
  private final Path configFile;
  private final int port;
  private final URI proxyRemote;

  private OriginRegistry(
      DaemonProcess process, Path dir, Path dataDir, Path configFile, int port, URI proxyRemote) {
    this.process = process;
    this.dir = dir;
    this.dataDir = dataDir;
    this.configFile = configFile;
    this.port = port;
    this.proxyRemote = proxyRemote;
  }

  /** A plain (push-able) registry on a free port, storing under {@code dir/data}. */
  public static OriginRegistry start(Path dir) throws IOException, InterruptedException {
    return builder(dir).start();
  }

  public static Builder builder(Path dir) {
    return new Builder(dir);
  }

  /** {@code http://127.0.0.1:<port>}, without trailing slash. */
  public URI baseUri() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** {@code 127.0.0.1:<port>}, as image references and skopeo want it. */
  public String hostPort() {
    return "127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public Path dir() {
    return dir;
  }

  public Path dataDir() {
    return dataDir;
  }

  public Path configFile() {
    return configFile;
  }

  public Path logFile() {
    return process.logFile();
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public boolean isProxy() {
    return proxyRemote != null;
  }

  /**
   * Whether the registry's filesystem storage holds a committed blob. For a proxy this tells when a
   * pulled-through blob has been cached (distribution 2.8 stores it in the background, after
   * serving).
   */
  public boolean hasBlob(String digest) {
    String hex = Digests.hex(digest);
    return Files.isRegularFile(
        dataDir.resolve(
            Path.of(
                "docker", "registry", "v2", "blobs", "sha256", hex.substring(0, 2), hex, "data")));
  }

  /** Access-log entries of this run (earlier runs appending to the same log file are excluded). */
  public AccessLog accessLog() throws IOException {
    return AccessLog.parse(process.output());
  }

  /**
   * Polls the access log until {@code condition} holds. The registry writes a line only after the
   * response is complete, so a client may finish reading before the line appears.
   */
  public AccessLog awaitAccessLog(Predicate<AccessLog> condition, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      AccessLog current = accessLog();
      if (condition.test(current)) {
        return current;
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(
            "registry access log did not reach the expected state within "
                + timeout.toMillis()
                + " ms; "
                + current.entries().size()
                + " entries so far in "
                + logFile());
      }
      Thread.sleep(50);
    }
  }

  /**
   * Stops the registry process (SIGTERM, then SIGKILL after 10 s). Data and log stay in {@link
   * #dir()}.
   */
  public void stop() throws InterruptedException {
    process.stop();
  }

  @Override
  public void close() {
    process.close();
  }

  @Override
  public String toString() {
    return "OriginRegistry["
        + baseUri()
        + (isProxy() ? " proxy of " + proxyRemote : "")
        + ", pid "
        + pid()
        + ", log "
        + logFile()
        + "]";
  }

  static String config(Path dataDir, int port, String service, String secret, URI proxyRemote) {
    StringBuilder y =
        new StringBuilder()
            .append("version: 0.1\n")
            .append("log:\n")
            .append("  level: info\n")
            .append("  accesslog:\n")
            .append("    disabled: false\n")
            .append("  fields:\n")
            .append("    service: ")
            .append(service)
            .append('\n')
            .append("storage:\n")
            .append("  cache:\n")
            .append("    blobdescriptor: inmemory\n")
            .append("  filesystem:\n")
            .append("    rootdirectory: ")
            .append(yamlQuote(dataDir.toString()))
            .append('\n')
            .append("  delete:\n")
            .append("    enabled: true\n")
            .append("  maintenance:\n")
            .append("    uploadpurging:\n")
            .append("      enabled: false\n")
            .append("http:\n")
            .append("  addr: 127.0.0.1:")
            .append(port)
            .append('\n')
            // A fixed secret silences the "generated random secret" warning; uploads never span
            // instances here.
            .append("  secret: ")
            .append(secret)
            .append('\n');
    if (proxyRemote != null) {
      y.append("proxy:\n")
          .append("  remoteurl: ")
          .append(yamlQuote(proxyRemote.toString()))
          .append('\n');
    }
    return y.toString();
  }

  private static String yamlQuote(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  /** Configures and starts an {@link OriginRegistry}. */
  public static final class Builder {
    private final Path dir;
    private Path binary = DEFAULT_BINARY;
    private Integer port;
    private URI proxyRemote;
    private String service = "registry-origin";
    private Duration startupTimeout = Duration.ofSeconds(15);
    private URI notificationsUrl;
    private String authSection;

    private Builder(Path dir) {
      this.dir = Objects.requireNonNull(dir, "dir").toAbsolutePath();
    }

    public Builder binary(Path binary) {
      this.binary = Objects.requireNonNull(binary, "binary");
      return this;
    }

    /** Fixed port; by default a free one is picked (and re-picked if it was taken meanwhile). */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /**
     * Pull-through cache mode: blobs and manifests not held locally are fetched from {@code
     * remoteUrl}.
     */
    public Builder proxy(URI remoteUrl) {
      this.proxyRemote = remoteUrl;
      return this;
    }

    /** The {@code service} log field, to tell registries apart in mixed logs. */
    public Builder serviceName(String service) {
      this.service = Objects.requireNonNull(service, "service");
      return this;
    }

    public Builder startupTimeout(Duration timeout) {
      this.startupTimeout = timeout;
      return this;
    }

    /**
     * Registry webhooks: the registry POSTs its event envelopes (pushes, pulls) to {@code url},
     * e.g. a seeder's {@code http://127.0.0.1:<port>/notifications}, as endpoint {@code layerswarm}
     * with timeout 5 s, threshold 3 and backoff 1 s. Delivery is asynchronous and retried while the
     * endpoint fails.
     */
    public Builder notifications(URI url) {
      this.notificationsUrl = Objects.requireNonNull(url, "url");
      return this;
    }

    /**
     * An {@code auth:} section (htpasswd or token), appended to the config as given. The registry
     * is then ready when {@code /v2/} answers 401.
     */
    public Builder auth(String yaml) {
      if (!yaml.startsWith("auth:\n")) {
        throw new IllegalArgumentException("an auth section starts with 'auth:', got " + yaml);
      }
      this.authSection = yaml;
      return this;
    }

    static String notificationsConfig(URI url) {
      return "notifications:\n"
          + "  endpoints:\n"
          + "    - name: layerswarm\n"
          + "      url: "
          + yamlQuote(url.toString())
          + "\n"
          + "      timeout: 5s\n"
          + "      threshold: 3\n"
          + "      backoff: 1s\n";
    }

    public OriginRegistry start() throws IOException, InterruptedException {
      if (!Files.isExecutable(binary)) {
        throw new IOException(
            "docker-registry not found at "
                + binary
                + "; install the Debian package docker-registry (apt-get install -y docker-registry)");
      }
      Files.createDirectories(dir);
      Path dataDir = Files.createDirectories(dir.resolve("data"));
      Path configFile = dir.resolve("config.yml");
      byte[] secretBytes = new byte[16];
      new SecureRandom().nextBytes(secretBytes);
      String secret = HexFormat.of().formatHex(secretBytes);
      IOException lastFailure = null;
      int attempts = port != null ? 1 : PORT_ATTEMPTS;
      for (int attempt = 1; attempt <= attempts; attempt++) {
        int p = port != null ? port : FreePorts.pick();
        Files.writeString(
            configFile,
            config(dataDir, p, service, secret, proxyRemote)
                + (notificationsUrl == null ? "" : notificationsConfig(notificationsUrl))
                + (authSection == null ? "" : authSection));
        URI base = URI.create("http://127.0.0.1:" + p);
        try {
          DaemonProcess process =
              DaemonProcess.builder(
                      "docker-registry:" + p,
                      List.of(binary.toString(), "serve", configFile.toString()))
                  .workingDir(dir)
                  .logFile(dir.resolve("registry.log"))
                  // REGISTRY_* variables in our environment would silently override the config
                  // file.
                  .removeEnvPrefix("REGISTRY_")
                  .readyWhenHttp(
                      base.resolve("/v2/"),
                      authSection == null ? s -> s >= 200 && s < 300 : s -> s == 401)
                  .readyTimeout(startupTimeout)
                  .start();
          OriginRegistry registry =
              new OriginRegistry(process, dir, dataDir, configFile, p, proxyRemote);
          log.info("registry ready: {}", registry);
          return registry;
        } catch (IOException e) {
          lastFailure = e;
          if (!String.valueOf(e.getMessage()).contains("address already in use")) {
            break;
          }
          log.info("port {} was taken before docker-registry could bind it; retrying", p);
        }
      }
      throw new IOException(
          "docker-registry did not come up in "
              + dir
              + " (log: "
              + dir.resolve("registry.log")
              + "): "
              + lastFailure.getMessage(),
          lastFailure);
    }
  }
}
