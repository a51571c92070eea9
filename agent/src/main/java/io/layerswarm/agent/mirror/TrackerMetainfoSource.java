package io.layerswarm.agent.mirror;

import io.layerswarm.core.Digest;
import io.layerswarm.core.auth.HttpAuth;
import io.layerswarm.core.auth.HttpSignature;
import io.layerswarm.core.auth.LogSafe;
import io.layerswarm.core.metainfo.MetainfoAnswer;
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
 * .torrent (with a tiny blob's bytes, when the seeder inlined them: {@link MetainfoAnswer}). The
 * body is read only up to {@link #MAX_METAINFO_BYTES}, and redirects are not followed (a redirect
 * is a failed answer): the agent only ever talks to the trackers it is configured with. With a
 * cluster secret, each request carries the agent's {@link HttpSignature}. Failures name each
 * tracker by {@link LogSafe#uri} (no query, no user info), since they end up in the agent's
 * fallback warning. Non-blocking (java.net.http async); thread-safe.
 */
public final class TrackerMetainfoSource implements MetainfoSource {
  /** A metainfo of 2000 pieces is about 40 KiB; anything near this is not one of ours. */
  static final int MAX_METAINFO_BYTES = 4 * 1024 * 1024;

  private final HttpClient client;
  private final List<URI> trackers;
  private final Duration timeout;
  private final String userAgent;
  private final HttpAuth auth;

  /** In open mode: requests are not signed. */
  public TrackerMetainfoSource(
      HttpClient client, List<URI> trackers, Duration timeout, String userAgent) {
    this(client, trackers, timeout, userAgent, HttpAuth.open());
  }

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
   * @param auth signs each request with the cluster secret; {@link HttpAuth#open()}: unsigned
   */
  public TrackerMetainfoSource(
      HttpClient client, List<URI> trackers, Duration timeout, String userAgent, HttpAuth auth) {
    this.client = client;
    this.trackers = List.copyOf(trackers);
    this.timeout = timeout;
    this.userAgent = userAgent;
    this.auth = auth;
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
  public CompletableFuture<MetainfoAnswer> fetch(
      String registryHost, RepositoryName repo, Digest digest) {
    CompletableFuture<MetainfoAnswer> result = new CompletableFuture<>();
    tryTracker(0, registryHost, repo, digest, new ArrayList<>(), result);
    return result;
  }

  private void tryTracker(
      int index,
      String registryHost,
      RepositoryName repo,
      Digest digest,
      List<String> failures,
      CompletableFuture<MetainfoAnswer> result) {
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
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(uri).timeout(timeout).header("User-Agent", userAgent).GET();
    auth.sign("GET", uri).ifPresent(signature -> builder.header(HttpSignature.HEADER, signature));
    HttpRequest request = builder.build();
    String where = LogSafe.uri(uri);
    CompletableFuture<HttpResponse<byte[]>> call;
    try {
      call = client.sendAsync(request, new LimitedBody(MAX_METAINFO_BYTES));
    } catch (RuntimeException e) {
      failures.add(where + ": " + e);
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
                where
                    + ": "
                    + (cause instanceof LimitedBody.TooLargeException
                        ? "metainfo too large: " + cause.getMessage()
                        : cause.toString()));
          } else if (response.statusCode() == 401) {
            failures.add(where + ": HTTP 401: " + refusal(response.body()));
          } else if (response.statusCode() != 200) {
            failures.add(where + ": HTTP " + response.statusCode());
          } else {
            try {
              result.complete(MetainfoAnswer.parse(response.body()));
              return;
            } catch (MetainfoException | RuntimeException e) {
              failures.add(where + ": bad metainfo: " + e.getMessage());
            }
          }
          tryTracker(index + 1, registryHost, repo, digest, failures, result);
        });
  }

  /** The tracker's reason for a 401 (a short JSON message), printable and cut to 300 chars. */
  private static String refusal(byte[] body) {
    String text = new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8);
    return text.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
