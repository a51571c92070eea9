package io.layerswarm.testbed;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes an {@link Image} to a registry with the plain distribution API: per blob a HEAD (skip if
 * present), then a monolithic POST + PUT upload; finally the manifest by tag. No auth; meant for
 * local test registries.
 */
public final class RegistryPusher {

  /** The pusher's default User-Agent, so egress measurements can leave push traffic out. */
  public static final String USER_AGENT = Http.USER_AGENT;

  private static final Logger log = LoggerFactory.getLogger(RegistryPusher.class);

  private final URI base;
  private final HttpClient client;
  private final String userAgent;
  private Duration blobTimeout = Duration.ofMinutes(10);

  /**
   * @param registryBase e.g. {@code http://127.0.0.1:5000} (a trailing slash is ignored)
   */
  public RegistryPusher(URI registryBase) {
    this(registryBase, Http.CLIENT, Http.USER_AGENT);
  }

  public RegistryPusher(URI registryBase, HttpClient client, String userAgent) {
    String s = registryBase.toString();
    this.base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    this.client = Objects.requireNonNull(client, "client");
    this.userAgent = Objects.requireNonNull(userAgent, "userAgent");
  }

  /** Upper bound for one blob upload (default 10 min). */
  public RegistryPusher blobTimeout(Duration timeout) {
    this.blobTimeout = timeout;
    return this;
  }

  /** Pushes config, layers and manifest; returns the manifest digest as the registry reports it. */
  public String push(Image image, String repository, String tag)
      throws IOException, InterruptedException {
    for (Blob blob : image.blobs()) {
      pushBlob(repository, blob);
    }
    String digest = pushManifest(repository, tag, image.manifest());
    log.info(
        "pushed {}/{}:{} = {} ({} layer bytes)",
        base,
        repository,
        tag,
        digest,
        image.totalLayerBytes());
    return digest;
  }

  public boolean blobExists(String repository, String digest)
      throws IOException, InterruptedException {
    URI uri = uri("/v2/" + repository + "/blobs/" + digest);
    HttpResponse<Void> r =
        send(
            HttpRequest.newBuilder(uri).method("HEAD", HttpRequest.BodyPublishers.noBody()),
            HttpResponse.BodyHandlers.discarding(),
            Duration.ofSeconds(30),
            "HEAD blob " + digest);
    if (r.statusCode() == 200) {
      return true;
    }
    if (r.statusCode() == 404) {
      return false;
    }
    throw new IOException(
        "HEAD blob "
            + digest
            + " in "
            + repository
            + " at "
            + uri
            + " answered HTTP "
            + r.statusCode());
  }

  /** Uploads {@code blob} unless the registry already has it. Returns true if it was uploaded. */
  public boolean pushBlob(String repository, Blob blob) throws IOException, InterruptedException {
    if (blobExists(repository, blob.digest())) {
      return false;
    }
    String startAction = "start upload of blob " + blob.digest() + " to " + repository;
    HttpResponse<String> start =
        send(
            HttpRequest.newBuilder(uri("/v2/" + repository + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()),
            HttpResponse.BodyHandlers.ofString(),
            Duration.ofSeconds(30),
            startAction);
    if (start.statusCode() != 202) {
      throw failure(startAction, start);
    }
    String location =
        start
            .headers()
            .firstValue("Location")
            .orElseThrow(
                () -> new IOException(startAction + ": HTTP 202 without a Location header"));
    URI uploadUri = base.resolve(location); // Location may be relative
    String sep = uploadUri.getRawQuery() == null ? "?" : "&";
    URI putUri =
        URI.create(
            uploadUri + sep + "digest=" + URLEncoder.encode(blob.digest(), StandardCharsets.UTF_8));
    String action =
        "upload blob " + blob.digest() + " (" + blob.size() + " bytes) to " + repository;
    HttpResponse<String> put =
        send(
            HttpRequest.newBuilder(putUri)
                .header("Content-Type", "application/octet-stream")
                .PUT(blob.bodyPublisher()),
            HttpResponse.BodyHandlers.ofString(),
            blobTimeout,
            action);
    if (put.statusCode() != 201) {
      throw failure(action, put);
    }
    return true;
  }

  /**
   * PUTs the manifest under {@code reference} (tag or digest); returns the digest the registry
   * computed.
   */
  public String pushManifest(String repository, String reference, Blob manifest)
      throws IOException, InterruptedException {
    String action = "push manifest " + repository + ":" + reference;
    HttpResponse<String> r =
        send(
            HttpRequest.newBuilder(uri("/v2/" + repository + "/manifests/" + reference))
                .header("Content-Type", manifest.mediaType())
                .PUT(manifest.bodyPublisher()),
            HttpResponse.BodyHandlers.ofString(),
            Duration.ofSeconds(30),
            action);
    if (r.statusCode() != 201) {
      throw failure(action, r);
    }
    String digest = r.headers().firstValue("Docker-Content-Digest").orElse(manifest.digest());
    if (!digest.equals(manifest.digest())) {
      throw new IOException(
          action
              + ": registry computed digest "
              + digest
              + " but the manifest hashes to "
              + manifest.digest());
    }
    return digest;
  }

  private URI uri(String path) {
    return URI.create(base + path);
  }

  private <T> HttpResponse<T> send(
      HttpRequest.Builder request,
      HttpResponse.BodyHandler<T> handler,
      Duration timeout,
      String action)
      throws IOException, InterruptedException {
    try {
      return client.send(request.header("User-Agent", userAgent).timeout(timeout).build(), handler);
    } catch (IOException e) {
      throw new IOException(action + " at " + base + " failed: " + e, e);
    }
  }

  private static IOException failure(String action, HttpResponse<String> r) {
    String body = r.body() == null ? "" : r.body().strip();
    if (body.length() > 500) {
      body = body.substring(0, 500) + "…";
    }
    return new IOException(
        action
            + " failed: HTTP "
            + r.statusCode()
            + " from "
            + r.uri()
            + (body.isEmpty() ? "" : ": " + body));
  }
}
