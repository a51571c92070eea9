package io.layerswarm.testbed;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Debian's nginx in front of a registry, the way a private registry is often run: TLS with a
 * certificate of a private CA, HTTP basic auth at nginx ({@code auth_basic}), {@code Host} and
 * {@code X-Forwarded-Proto} passed on as the registry's docs ask. Blob requests that pass the
 * credentials check are redirected (307) to a second TLS server on 127.0.0.2, the "storage" host,
 * as a registry on object storage redirects to it. The storage host serves the blob without
 * credentials and refuses (403) any request that carries an {@code Authorization} header: a client
 * must not send the registry's credentials to another host. Its {@link #storageLog()} records
 * whether each request carried one.
 *
 * <p>The CA and the server certificate (for 127.0.0.1 and 127.0.0.2) are made with the {@code
 * openssl} command.
 */
public final class TlsFrontProxy implements AutoCloseable {
  private final DaemonProcess nginx;
  private final URI baseUri;
  private final URI storageUri;
  private final Path caFile;
  private final Path dir;

  private TlsFrontProxy(DaemonProcess nginx, URI baseUri, URI storageUri, Path caFile, Path dir) {
    this.nginx = nginx;
    this.baseUri = baseUri;
    this.storageUri = storageUri;
    this.caFile = caFile;
    this.dir = dir;
  }

  /**
   * Starts nginx with its files under {@code dir} in front of the plain-HTTP registry {@code
   * registry}, letting in {@code username}/{@code password} only.
   */
  public static TlsFrontProxy start(Path dir, URI registry, String username, String password)
      throws IOException, InterruptedException {
    ContainerRuntime.requireExecutable(TricklingProxy.BINARY, "nginx-light");
    Path abs = Files.createDirectories(dir.toAbsolutePath());
    Files.createDirectories(abs.resolve("logs"));
    Files.setPosixFilePermissions(
        Files.createDirectories(abs.resolve("temp")), PosixFilePermissions.fromString("rwxrwxrwx"));
    Path ca = makeCertificates(abs);
    CommandResult hash =
        CommandResult.run(
                List.of(HtpasswdRegistry.DEFAULT_HTPASSWD.toString(), "-nbm", username, password),
                Map.of(),
                Duration.ofSeconds(30))
            .requireSuccess();
    Files.writeString(abs.resolve("htpasswd"), hash.output().strip() + "\n");
    int[] ports = FreePorts.pick(3);
    String upstream = registry.getHost() + ":" + registry.getPort();
    String conf =
        """
        # The workers read the password file at request time; the test-bed directory is not open
        # to nginx's default user. (Ignored with a warning when not run as root.)
        user root;
        worker_processes 1;
        pid %1$s/nginx.pid;
        error_log %1$s/logs/error.log warn;
        events { worker_connections 128; }
        http {
          client_body_temp_path %1$s/temp/body;
          proxy_temp_path %1$s/temp/proxy;
          fastcgi_temp_path %1$s/temp/fastcgi;
          uwsgi_temp_path %1$s/temp/uwsgi;
          scgi_temp_path %1$s/temp/scgi;
          map $http_authorization $has_auth { "" no; default yes; }
          log_format authcheck '$request_method $uri $status auth=$has_auth';
          ssl_certificate %1$s/server.pem;
          ssl_certificate_key %1$s/server.key;
          proxy_http_version 1.1;
          proxy_max_temp_file_size 0;
          server {
            listen 127.0.0.1:%2$d ssl;
            access_log %1$s/logs/front.log;
            client_max_body_size 0;
            auth_basic "registry";
            auth_basic_user_file %1$s/htpasswd;
            add_header Docker-Distribution-Api-Version registry/2.0 always;
            location ~ "^/v2/.+/blobs/sha256:[0-9a-f]{64}$" {
              proxy_pass http://127.0.0.1:%4$d;
              proxy_redirect off;
            }
            location /v2/ {
              proxy_pass http://%5$s;
              proxy_set_header Host $http_host;
              proxy_set_header X-Forwarded-Proto $scheme;
              proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
              proxy_read_timeout 900;
            }
          }
          server {
            listen 127.0.0.1:%4$d;
            access_log off;
            location / { return 307 https://127.0.0.2:%3$d$request_uri; }
          }
          server {
            listen 127.0.0.2:%3$d ssl;
            access_log %1$s/logs/storage.log;
            access_log %1$s/logs/storage-auth.log authcheck;
            location ~ "^/v2/.+/blobs/sha256:[0-9a-f]{64}$" {
              if ($http_authorization) { return 403; }
              proxy_pass http://%5$s;
              proxy_set_header Host $http_host;
              proxy_set_header X-Forwarded-Proto $scheme;
            }
            location / { return 404; }
          }
        }
        """
            .formatted(abs, ports[0], ports[1], ports[2], upstream);
    Path file = Files.writeString(abs.resolve("nginx.conf"), conf);
    URI base = URI.create("https://127.0.0.1:" + ports[0]);
    DaemonProcess nginx =
        DaemonProcess.builder(
                "nginx-tls",
                List.of(
                    TricklingProxy.BINARY.toString(),
                    "-p",
                    abs.toString(),
                    "-c",
                    file.toString(),
                    "-g",
                    "daemon off;"))
            .logFile(abs.resolve("nginx.log"))
            // The plain redirector starts with the TLS servers; the JDK client would not trust
            // them.
            .readyWhenHttp(URI.create("http://127.0.0.1:" + ports[2] + "/"), s -> s == 307)
            .readyTimeout(Duration.ofSeconds(20))
            .start();
    return new TlsFrontProxy(nginx, base, URI.create("https://127.0.0.2:" + ports[1]), ca, abs);
  }

  /** A private CA, and a server certificate it signed for 127.0.0.1 and 127.0.0.2. */
  private static Path makeCertificates(Path dir) throws IOException, InterruptedException {
    String ca = dir.resolve("ca.pem").toString();
    String caKey = dir.resolve("ca.key").toString();
    String csr = dir.resolve("server.csr").toString();
    openssl("req", "-x509", newKey(caKey), "-out", ca, "-subj", "/CN=LayerSwarm test CA");
    openssl(
        "req", newKey(dir.resolve("server.key").toString()), "-out", csr, "-subj", "/CN=127.0.0.1");
    Path ext =
        Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,IP:127.0.0.2\n");
    openssl(
        "x509",
        "-req",
        "-in",
        csr,
        "-CA",
        ca,
        "-CAkey",
        caKey,
        "-CAcreateserial",
        "-out",
        dir.resolve("server.pem").toString(),
        "-days",
        "2",
        "-extfile",
        ext.toString());
    return dir.resolve("ca.pem");
  }

  /** The arguments that make a new P-256 key, unencrypted, into {@code keyFile}. */
  private static List<String> newKey(String keyFile) {
    return List.of(
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        keyFile,
        "-days",
        "2");
  }

  /** {@code openssl <args>}, each a string or a list of strings, within 30 s. */
  private static void openssl(Object... args) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of("openssl"));
    for (Object arg : args) {
      if (arg instanceof List<?> list) {
        list.forEach(a -> command.add((String) a));
      } else {
        command.add((String) arg);
      }
    }
    CommandResult.run(command, Map.of(), Duration.ofSeconds(30)).requireSuccess();
  }

  /** {@code https://127.0.0.1:<port>}: the registry as clients see it. */
  public URI baseUri() {
    return baseUri;
  }

  /** {@code https://127.0.0.2:<port>}: where blob requests are redirected. */
  public URI storageUri() {
    return storageUri;
  }

  /** The private CA's certificate (PEM), for {@code upstreams[].ca-file}. */
  public Path caFile() {
    return caFile;
  }

  /** The front server's access log (combined format). */
  public AccessLog frontLog() throws IOException {
    return AccessLog.parse(dir.resolve("logs/front.log"));
  }

  /** The storage host's access log (combined format). */
  public AccessLog storageLog() throws IOException {
    return AccessLog.parse(dir.resolve("logs/storage.log"));
  }

  /** One line per storage request: {@code <method> <path> <status> auth=yes|no}. */
  public List<String> storageAuthLines() throws IOException {
    Path log = dir.resolve("logs/storage-auth.log");
    return Files.exists(log) ? Files.readAllLines(log) : List.of();
  }

  @Override
  public void close() {
    nginx.close();
  }
}
