package io.layerswarm.testbed;

import java.io.IOException;
import java.net.Authenticator;
import java.net.PasswordAuthentication;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private registry: Debian's {@code docker-registry} with htpasswd (HTTP basic) authentication,
 * on a free port of 127.0.0.1. The bcrypt password file is made with {@code htpasswd -B} from
 * apache2-utils (the JDK has no bcrypt). Every request without valid credentials gets 401 with
 * {@code WWW-Authenticate: Basic realm="<realm>"}; the access log records the user name of each
 * request.
 */
public final class HtpasswdRegistry implements AutoCloseable {

  public static final Path DEFAULT_HTPASSWD = Path.of("/usr/bin/htpasswd");
  private static final Logger log = LoggerFactory.getLogger(HtpasswdRegistry.class);

  private final DaemonProcess process;
  private final int port;
  private final String username;
  private final String password;

  private HtpasswdRegistry(DaemonProcess process, int port, String username, String password) {
    this.process = process;
    this.port = port;
    this.username = username;
    this.password = password;
  }

  /** Starts a registry under {@code dir} that lets in {@code username}/{@code password} only. */
  public static HtpasswdRegistry start(Path dir, String username, String password)
      throws IOException, InterruptedException {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    ContainerRuntime.requireExecutable(OriginRegistry.DEFAULT_BINARY, "docker-registry");
    ContainerRuntime.requireExecutable(DEFAULT_HTPASSWD, "apache2-utils");
    Path abs = Files.createDirectories(dir.toAbsolutePath());
    Path data = Files.createDirectories(abs.resolve("data"));
    Path htpasswd = abs.resolve("htpasswd");
    // -n: print instead of writing a file, -b: password from the command line, -B: bcrypt, -C 5:
    // cheap cost
    CommandResult hash =
        CommandResult.run(
                List.of(DEFAULT_HTPASSWD.toString(), "-nbB", "-C", "5", username, password),
                Map.of(),
                Duration.ofSeconds(30))
            .requireSuccess();
    String line = hash.output().strip();
    if (!line.startsWith(username + ":$2")) {
      throw new IOException("htpasswd printed no bcrypt entry: " + line);
    }
    Files.writeString(htpasswd, line + "\n");
    byte[] secret = new byte[16];
    new SecureRandom().nextBytes(secret);
    Path configFile = abs.resolve("config.yml");
    IOException last = null;
    for (int attempt = 1; attempt <= 3; attempt++) {
      int port = FreePorts.pick();
      String config =
          OriginRegistry.config(
                  data, port, "registry-private", HexFormat.of().formatHex(secret), null)
              + "auth:\n"
              + "  htpasswd:\n"
              + "    realm: layerswarm-private\n"
              + "    path: '"
              + htpasswd.toString().replace("'", "''")
              + "'\n";
      Files.writeString(configFile, config);
      URI base = URI.create("http://127.0.0.1:" + port);
      try {
        DaemonProcess process =
            DaemonProcess.builder(
                    "docker-registry-htpasswd:" + port,
                    List.of(
                        OriginRegistry.DEFAULT_BINARY.toString(), "serve", configFile.toString()))
                .workingDir(abs)
                .logFile(abs.resolve("registry.log"))
                .removeEnvPrefix("REGISTRY_")
                .readyWhenHttp(base.resolve("/v2/"), status -> status == 401)
                .readyTimeout(Duration.ofSeconds(15))
                .start();
        HtpasswdRegistry registry = new HtpasswdRegistry(process, port, username, password);
        log.info("private registry ready: {}", registry);
        return registry;
      } catch (IOException e) {
        last = e;
        if (!String.valueOf(e.getMessage()).contains("address already in use")) {
          break;
        }
        log.info("port {} was taken before docker-registry could bind it; retrying", port);
      }
    }
    throw new IOException(
        "private docker-registry did not come up in " + abs + ": " + last.getMessage(), last);
  }

  public URI baseUri() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public String hostPort() {
    return "127.0.0.1:" + port;
  }

  public String username() {
    return username;
  }

  public String password() {
    return password;
  }

  public Path logFile() {
    return process.logFile();
  }

  public AccessLog accessLog() throws IOException {
    return AccessLog.parse(process.output());
  }

  /**
   * A pusher that answers the registry's basic-auth challenges with this registry's credentials.
   */
  public RegistryPusher pusher() {
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .authenticator(
                new Authenticator() {
                  @Override
                  protected PasswordAuthentication getPasswordAuthentication() {
                    return new PasswordAuthentication(username, password.toCharArray());
                  }
                })
            .build();
    return new RegistryPusher(baseUri(), client, Http.USER_AGENT);
  }

  @Override
  public void close() {
    process.close();
  }

  @Override
  public String toString() {
    return "HtpasswdRegistry["
        + baseUri()
        + ", user "
        + username
        + ", pid "
        + process.pid()
        + ", log "
        + logFile()
        + "]";
  }
}
