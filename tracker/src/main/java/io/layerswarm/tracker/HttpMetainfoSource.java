package io.layerswarm.tracker;

import io.layerswarm.registry.Digest;
import io.layerswarm.registry.RepositoryName;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets metainfo from the seeders over HTTP: {@code GET <seeder>/metainfo/sha256:<hex>?registry=
 * <host[:port]>&repo=<name>} on each seeder in the configured order.
 *
 * <ul>
 *   <li>200: the body is the metainfo (at most {@value #MAX_METAINFO_BYTES} bytes).
 *   <li>404: the blob does not exist; a definite answer, so no other seeder is asked.
 *   <li>anything else, a connection failure or a timeout: the next seeder is asked.
 *   <li>every seeder failed: {@link MetainfoUnavailableException#unavailable}.
 * </ul>
 *
 * <p>Timeouts. Connecting gives up after at most {@value #CONNECT_TIMEOUT_SECONDS} s, so a dead
 * seeder is skipped quickly. Waiting for the answer is bounded by {@code timeout}, which is long
 * by default ({@link #DEFAULT_TIMEOUT}, 10 minutes): on the first request for a large blob the
 * seeder pulls the whole blob from the origin, verifies it and hashes its pieces before it
 * answers. So the worst case of one call is the number of seeders times {@code timeout}.
 *
 * <p>Thread-safe; every call blocks its thread.
 */
public final class HttpMetainfoSource implements MetainfoSource {
  /** The default wait for one seeder's answer: time for a seeder to pull a large blob first. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);
  /** Larger bodies are not metainfo we made (a 10 GiB blob in 16 MiB pieces needs ~13 KiB). */
  public static final int MAX_METAINFO_BYTES = 16 * 1024 * 1024;
  static final int CONNECT_TIMEOUT_SECONDS = 5;
  private static final String USER_AGENT = "layerswarm-tracker/0.1.0";
  private static final Logger log = LoggerFactory.getLogger(HttpMetainfoSource.class);

  private final List<URI> seeders;
  private final Duration timeout;
  private final HttpClient client;

  /** With the {@link #DEFAULT_TIMEOUT} of 10 minutes. */
  public HttpMetainfoSource(List<URI> seeders) {
    this(seeders, DEFAULT_TIMEOUT);
  }

  /**
   * @param seeders base URIs of the seeders' HTTP endpoints, e.g. {@code http://seeder-1:8081}
   * @param timeout the wait for one seeder's answer, headers and body
   */
  public HttpMetainfoSource(List<URI> seeders, Duration timeout) {
    if (seeders == null) {
      throw new IllegalArgumentException("tracker.seeders must be set (it may be empty)");
    }
    for (URI seeder : seeders) {
      TrackerConfig.requireHttpUri("tracker.seeders", seeder);
    }
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("metainfo timeout must be > 0, got " + timeout);
    }
    this.seeders = List.copyOf(seeders);
    this.timeout = timeout;
    Duration connect = Duration.ofSeconds(CONNECT_TIMEOUT_SECONDS);
    this.client = HttpClient.newBuilder()
        .connectTimeout(timeout.compareTo(connect) < 0 ? timeout : connect)
        .followRedirects(HttpClient.Redirect.NEVER)
        .version(HttpClient.Version.HTTP_1_1)
        .build();
  }

  @Override
  public byte[] metainfo(Digest digest, String registry, RepositoryName repo)
      throws MetainfoUnavailableException {
    String what = "metainfo of " + digest + " in " + registry + "/" + repo;
    if (seeders.isEmpty()) {
      throw MetainfoUnavailableException.unavailable(
          "get " + what + ": no seeders are configured (tracker.seeders)", null);
    }
    List<String> failures = new ArrayList<>(seeders.size());
    List<IOException> causes = new ArrayList<>(seeders.size());
    for (URI seeder : seeders) {
      URI uri = requestUri(seeder, digest, registry, repo);
      try {
        HttpResponse<InputStream> response = client.send(
            HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Accept", "application/x-bittorrent")
                .header("User-Agent", USER_AGENT)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
          if (response.statusCode() == 200) {
            return readBounded(body, uri);
          }
          if (response.statusCode() == 404) {
            throw MetainfoUnavailableException.notFound(
                "get " + what + ": seeder " + seeder + " answered 404");
          }
          failures.add(seeder + " answered HTTP " + response.statusCode());
        }
      } catch (IOException e) {
        failures.add(seeder + ": " + e);
        causes.add(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw MetainfoUnavailableException.unavailable("get " + what + ": interrupted", e);
      }
    }
    log.warn("get {}: every seeder failed: {}", what, failures);
    MetainfoUnavailableException e = MetainfoUnavailableException.unavailable(
        "get " + what + ": every seeder failed: " + String.join("; ", failures), null);
    causes.forEach(e::addSuppressed);
    throw e;
  }

  static URI requestUri(URI seeder, Digest digest, String registry, RepositoryName repo) {
    String base = seeder.toString();
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return URI.create(base + "/metainfo/" + digest
        + "?registry=" + URLEncoder.encode(registry, StandardCharsets.UTF_8)
        + "&repo=" + URLEncoder.encode(repo.value(), StandardCharsets.UTF_8));
  }

  private static byte[] readBounded(InputStream body, URI uri) throws IOException {
    byte[] bytes = body.readNBytes(MAX_METAINFO_BYTES + 1);
    if (bytes.length > MAX_METAINFO_BYTES) {
      throw new IOException("metainfo from " + uri + " is larger than " + MAX_METAINFO_BYTES
          + " bytes");
    }
    return bytes;
  }
}
