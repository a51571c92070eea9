package io.layerswarm.testbed;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

/**
 * Debian's nginx as a reverse proxy in front of a registry that sends blob bodies at a trickle
 * ({@code limit_rate}), everything else at full speed: an origin that is up, answers, and then
 * takes forever. Listens on 127.0.0.1 only.
 */
public final class TricklingProxy implements AutoCloseable {
  public static final Path BINARY = Path.of("/usr/sbin/nginx");

  private final DaemonProcess nginx;
  private final URI baseUri;

  private TricklingProxy(DaemonProcess nginx, URI baseUri) {
    this.nginx = nginx;
    this.baseUri = baseUri;
  }

  /**
   * Starts nginx with its files under {@code dir}, proxying to {@code upstream} and sending blob
   * bodies ({@code GET /v2/.../blobs/...}) at {@code bytesPerSecond}.
   */
  public static TricklingProxy start(Path dir, URI upstream, int bytesPerSecond)
      throws IOException, InterruptedException {
    if (!Files.isExecutable(BINARY)) {
      throw new IOException(BINARY + " is missing: apt-get install nginx-light (install-deps.sh)");
    }
    Files.createDirectories(dir.resolve("logs"));
    // nginx's workers drop root; the bodies they buffer go here.
    Files.setPosixFilePermissions(
        Files.createDirectories(dir.resolve("temp")), PosixFilePermissions.fromString("rwxrwxrwx"));
    int port = FreePorts.pick();
    String upstreamHost = upstream.getHost() + ":" + upstream.getPort();
    String conf =
        """
        worker_processes 1;
        pid %1$s/nginx.pid;
        error_log %1$s/logs/error.log warn;
        events { worker_connections 64; }
        http {
          access_log %1$s/logs/access.log;
          client_body_temp_path %1$s/temp/body;
          proxy_temp_path %1$s/temp/proxy;
          fastcgi_temp_path %1$s/temp/fastcgi;
          uwsgi_temp_path %1$s/temp/uwsgi;
          scgi_temp_path %1$s/temp/scgi;
          server {
            listen 127.0.0.1:%2$d;
            proxy_set_header Host %3$s;
            proxy_http_version 1.1;
            # Buffer in memory only: nginx then reads the registry as fast as the client drains.
            proxy_max_temp_file_size 0;
            location ~ ^/v2/.+/blobs/ {
              limit_rate %4$d;
              proxy_pass http://%3$s;
            }
            location / {
              proxy_pass http://%3$s;
            }
          }
        }
        """
            .formatted(dir.toAbsolutePath(), port, upstreamHost, bytesPerSecond);
    Path file = Files.writeString(dir.resolve("nginx.conf"), conf);
    URI base = URI.create("http://127.0.0.1:" + port);
    DaemonProcess nginx =
        DaemonProcess.builder(
                "nginx",
                List.of(
                    BINARY.toString(),
                    "-p",
                    dir.toAbsolutePath().toString(),
                    "-c",
                    file.toAbsolutePath().toString(),
                    "-g",
                    "daemon off;"))
            .logFile(dir.resolve("nginx.log"))
            .readyWhenHttp(base.resolve("/v2/"), status -> status > 0)
            .readyTimeout(Duration.ofSeconds(20))
            .start();
    return new TricklingProxy(nginx, base);
  }

  /** {@code http://127.0.0.1:<port>}. */
  public URI baseUri() {
    return baseUri;
  }

  @Override
  public void close() {
    nginx.close();
  }
}
