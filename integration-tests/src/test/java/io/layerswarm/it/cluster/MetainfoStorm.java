package io.layerswarm.it.cluster;

import io.layerswarm.core.auth.HttpAuth;
import io.layerswarm.core.auth.HttpSignature;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.MetainfoException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A loopback load generator for the metainfo storm: {@code requests} requests for the metainfo of
 * one digest, started evenly over {@code spread} and spread round robin over the trackers, each
 * signed as the agent's {@code TrackerMetainfoSource} signs it. One process stands for many hosts:
 * requests in flight at once each have their own connection, as each host's would.
 */
final class MetainfoStorm {
  /** The longest one request may take; a request that takes longer counts as an error. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(120);

  /**
   * What one request got.
   *
   * @param status the HTTP status, or -1 when the exchange failed (then {@code problem} says how)
   * @param retryAfter the Retry-After header, if any
   * @param length the blob length of the metainfo a 200 carried, else -1
   */
  record Outcome(int status, long nanos, String retryAfter, long length, String problem) {
    boolean isMetainfo() {
      return status == 200 && length >= 0;
    }

    /** A clear retry: 429 or 503 with a Retry-After. */
    boolean isRetry() {
      return (status == 429 || status == 503) && retryAfter != null;
    }
  }

  /** The outcomes of a storm, in the order the requests were started. */
  record Result(List<Outcome> outcomes, double seconds) {
    long metainfo() {
      return outcomes.stream().filter(Outcome::isMetainfo).count();
    }

    long retries() {
      return outcomes.stream().filter(Outcome::isRetry).count();
    }

    /** Neither metainfo nor a clear retry: status (or problem) and how many. */
    Map<String, Long> errors() {
      Map<String, Long> errors = new TreeMap<>();
      for (Outcome o : outcomes) {
        if (!o.isMetainfo() && !o.isRetry()) {
          errors.merge(o.status() < 0 ? o.problem() : "HTTP " + o.status(), 1L, Long::sum);
        }
      }
      return errors;
    }

    /** The {@code q} quantile (0..1) of the requests' latency, in milliseconds. */
    double latencyMillis(double q) {
      long[] nanos = outcomes.stream().mapToLong(Outcome::nanos).sorted().toArray();
      if (nanos.length == 0) {
        return Double.NaN;
      }
      int index = (int) Math.min(nanos.length - 1, Math.ceil(q * nanos.length) - 1);
      return nanos[Math.max(0, index)] / 1e6;
    }
  }

  private MetainfoStorm() {}

  /**
   * Runs the storm and returns when every request has its answer (or its timeout).
   *
   * @param registry the {@code registry} parameter, the origin's {@code host:port}
   */
  static Result run(
      List<String> trackers,
      String digest,
      String registry,
      String repo,
      int requests,
      Duration spread,
      HttpAuth auth)
      throws InterruptedException {
    ExecutorService executor = Executors.newFixedThreadPool(4);
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30))
            .executor(executor)
            .build();
    try {
      List<CompletableFuture<Outcome>> pending = new ArrayList<>(requests);
      long start = System.nanoTime();
      for (int i = 0; i < requests; i++) {
        long due = start + spread.toNanos() * i / requests;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        URI uri =
            URI.create(
                trackers.get(i % trackers.size())
                    + "/metainfo/"
                    + digest
                    + "?registry="
                    + URLEncoder.encode(registry, StandardCharsets.UTF_8)
                    + "&repo="
                    + URLEncoder.encode(repo, StandardCharsets.UTF_8));
        pending.add(send(client, auth, uri));
      }
      List<Outcome> outcomes = new ArrayList<>(requests);
      for (CompletableFuture<Outcome> outcome : pending) {
        outcomes.add(outcome.join());
      }
      return new Result(outcomes, (System.nanoTime() - start) / 1e9);
    } finally {
      executor.shutdownNow();
      executor.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  private static CompletableFuture<Outcome> send(HttpClient client, HttpAuth auth, URI uri) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(uri)
            .timeout(REQUEST_TIMEOUT)
            .header("User-Agent", "layerswarm-storm/1")
            .GET();
    auth.sign("GET", uri).ifPresent(signature -> builder.header(HttpSignature.HEADER, signature));
    long sent = System.nanoTime();
    return client
        .sendAsync(builder.build(), HttpResponse.BodyHandlers.ofByteArray())
        .handle(
            (response, error) -> {
              long nanos = System.nanoTime() - sent;
              if (error != null) {
                Throwable cause = error.getCause() != null ? error.getCause() : error;
                return new Outcome(-1, nanos, null, -1, cause.getClass().getSimpleName());
              }
              return new Outcome(
                  response.statusCode(),
                  nanos,
                  response.headers().firstValue("Retry-After").orElse(null),
                  response.statusCode() == 200 ? length(response.body()) : -1,
                  null);
            });
  }

  /** The blob length a torrent describes, or -1 when it is not a torrent. */
  private static long length(byte[] torrent) {
    try {
      return Metainfo.parse(torrent).length();
    } catch (MetainfoException e) {
      return -1;
    }
  }

  /** Latencies of the quantiles, for a report line. */
  static String latencies(Result result) {
    return Arrays.stream(new double[] {0.5, 0.99, 1.0})
        .mapToObj(q -> String.format("%.0f", result.latencyMillis(q)))
        .reduce((a, b) -> a + "/" + b)
        .orElse("");
  }
}
