package io.layerswarm.agent.mirror;

import io.layerswarm.core.Digest;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.MetainfoException;
import io.layerswarm.registry.RepositoryName;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Asks the trackers for a blob's metainfo, {@code GET <tracker>/metainfo/sha256:<hex>
 * ?registry=<host>&repo=<name>}, trying them in order until one answers 200 with a parsable
 * .torrent. The body is read only up to {@link #MAX_METAINFO_BYTES}, and redirects are not followed
 * (a redirect is a failed answer): the agent only ever talks to the trackers it is configured with.
 * Non-blocking (java.net.http async); thread-safe.
 */
public final class TrackerMetainfoSource implements MetainfoSource {
  /** A metainfo of 2000 pieces is about 40 KiB; anything near this is not one of ours. */
  static final int MAX_METAINFO_BYTES = 4 * 1024 * 1024;

  private final HttpClient client;
  private final List<URI> trackers;
  private final Duration timeout;
  private final String userAgent;

  /** An HTTP client for the trackers: no redirects, {@code connectTimeout} to connect. */
  public static HttpClient httpClient(Duration connectTimeout) {
    return HttpClient.newBuilder()
        .connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  /**
   * @param client from {@link #httpClient}, or any client that does not follow redirects
   * @param trackers tracker base URLs, for example {@code http://127.0.0.1:6969}
   * @param timeout per tracker request
   */
  public TrackerMetainfoSource(
      HttpClient client, List<URI> trackers, Duration timeout, String userAgent) {
    this.client = client;
    this.trackers = List.copyOf(trackers);
    this.timeout = timeout;
    this.userAgent = userAgent;
  }

  /** The metainfo URL on one tracker; values are URL-encoded. */
  static URI metainfoUri(URI tracker, String registryHost, RepositoryName repo, Digest digest) {
    String base = tracker.toString();
    if (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return URI.create(
        base
            + "/metainfo/"
            + digest
            + "?registry="
            + URLEncoder.encode(registryHost, StandardCharsets.UTF_8)
            + "&repo="
            + URLEncoder.encode(repo.value(), StandardCharsets.UTF_8));
  }

  @Override
  public CompletableFuture<Metainfo> fetch(
      String registryHost, RepositoryName repo, Digest digest) {
    CompletableFuture<Metainfo> result = new CompletableFuture<>();
    tryTracker(0, registryHost, repo, digest, new ArrayList<>(), result);
    return result;
  }

  private void tryTracker(
      int index,
      String registryHost,
      RepositoryName repo,
      Digest digest,
      List<String> failures,
      CompletableFuture<Metainfo> result) {
    if (result.isDone()) {
      return; // cancelled by the caller
    }
    if (index >= trackers.size()) {
      result.completeExceptionally(
          new MetainfoUnavailableException(
              "no metainfo for "
                  + digest
                  + " (repo "
                  + repo
                  + ", registry "
                  + registryHost
                  + "): "
                  + (failures.isEmpty() ? "no trackers configured" : String.join("; ", failures))));
      return;
    }
    URI uri = metainfoUri(trackers.get(index), registryHost, repo, digest);
    HttpRequest request =
        HttpRequest.newBuilder(uri).timeout(timeout).header("User-Agent", userAgent).GET().build();
    CompletableFuture<HttpResponse<byte[]>> call;
    try {
      call = client.sendAsync(request, new LimitedBody(MAX_METAINFO_BYTES));
    } catch (RuntimeException e) {
      failures.add(uri + ": " + e);
      tryTracker(index + 1, registryHost, repo, digest, failures, result);
      return;
    }
    // Abandon the HTTP exchange when the caller gives up on the lookup.
    result.whenComplete((m, e) -> call.cancel(true));
    call.whenComplete(
        (response, error) -> {
          if (error != null) {
            Throwable cause = Futures.unwrap(error);
            failures.add(
                uri
                    + ": "
                    + (cause instanceof LimitedBody.TooLargeException
                        ? "metainfo too large: " + cause.getMessage()
                        : cause.toString()));
          } else if (response.statusCode() != 200) {
            failures.add(uri + ": HTTP " + response.statusCode());
          } else {
            try {
              result.complete(Metainfo.parse(response.body()));
              return;
            } catch (MetainfoException | RuntimeException e) {
              failures.add(uri + ": bad metainfo: " + e.getMessage());
            }
          }
          tryTracker(index + 1, registryHost, repo, digest, failures, result);
        });
  }
}
