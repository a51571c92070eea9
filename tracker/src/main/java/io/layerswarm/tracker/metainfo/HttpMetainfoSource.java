package io.layerswarm.tracker.metainfo;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import io.layerswarm.core.Digest;
import io.layerswarm.core.auth.HttpAuth;
import io.layerswarm.core.auth.HttpSignature;
import io.layerswarm.core.auth.LogSafe;
import io.layerswarm.core.ring.HealthChecker;
import io.layerswarm.core.ring.SeederRing;
import io.layerswarm.registry.RepositoryName;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets metainfo from the seeders over HTTP: {@code GET <seeder>/metainfo/sha256:<hex>?registry=
 * <host[:port]>&repo=<name>}, asking the seeders one after another in ring order for the digest.
 *
 * <p>Order. The seeders form a {@link SeederRing} (rendezvous hashing, R owners per digest, the
 * same members and R as the seeders' {@code seeder.ring} and {@code seeder.ring-replicas}), so the
 * tracker asks the seeders that a preheat warmed and that already hold the blob, and every tracker
 * replica asks the same ones. With a {@link HealthChecker} ({@link #HttpMetainfoSource(
 * HealthChecker, Duration)}, what the launcher uses), the order is {@link
 * HealthChecker#candidates}: the live owners, then the other live members, then the dead ones
 * (health can be wrong; a request is better than none). Without one, it is the ring's rank.
 *
 * <p>Replicas. When a seeder answered 200, the other owners of the digest (the live ones, up to R
 * in all) are asked for the same metainfo in the background, without waiting for them: each fetches
 * the blob once and seeds it, so every blob ends up on R seeders, as a preheat leaves it. The
 * origin then sends each blob R times, and a pull whose seeder dies goes on from the other owners
 * in the swarm instead of stalling until the agent falls back to the origin. A warm-up already done
 * in the last {@link #WARM_MEMORY} is not repeated; at most {@value #MAX_WARMING} run at once (more
 * are skipped). R = 1 turns this off.
 *
 * <ul>
 *   <li>200: the body is the metainfo (at most {@value #MAX_METAINFO_BYTES} bytes).
 *   <li>404: the blob (or the registry) is unknown; a definite answer, so no other seeder is asked.
 *       Every seeder asks the same origin, so one seeder's "unknown" is every seeder's.
 *   <li>any other status, a connection failure or a timeout: the next seeder is asked. A failure to
 *       connect or a connection that broke is also reported to the health checker, so a seeder that
 *       died is taken out without waiting for two probe rounds.
 *   <li>every seeder failed: {@link MetainfoUnavailableException#unavailable}.
 * </ul>
 *
 * <p>Timeouts. Connecting gives up after at most {@value #CONNECT_TIMEOUT_SECONDS} s, so a dead
 * seeder is skipped quickly. Waiting for the answer is bounded by {@code timeout}, which is long by
 * default ({@link #DEFAULT_TIMEOUT}, 10 minutes): on the first request for a large blob the seeder
 * pulls the whole blob from the origin, verifies it and hashes its pieces before it answers. So the
 * worst case of one call is the number of seeders times {@code timeout}; a seeder killed while it
 * fetches breaks the connection, which counts at once.
 *
 * <p>Members. With a cluster secret, every request carries the tracker's {@link HttpSignature}: a
 * seeder with the secret answers only signed requests. A seeder's 401 counts as a failure (the next
 * seeder is asked), and its reason is logged.
 *
 * <p>Thread-safe; every call blocks its thread.
 */
public final class HttpMetainfoSource implements MetainfoSource {
  /** The default wait for one seeder's answer: time for a seeder to pull a large blob first. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

  /** Larger bodies are not metainfo we made (a 10 GiB blob in 16 MiB pieces needs ~13 KiB). */
  public static final int MAX_METAINFO_BYTES = 16 * 1024 * 1024;

  static final int CONNECT_TIMEOUT_SECONDS = 5;

  /** How long a replica warm-up is remembered, so that it is not repeated for every agent. */
  public static final Duration WARM_MEMORY = Duration.ofMinutes(10);

  /** Replica warm-ups in flight at most; more are skipped (a later request warms them). */
  public static final int MAX_WARMING = 32;

  private static final int WARM_MEMORY_ENTRIES = 100_000;
  private static final String USER_AGENT = "layerswarm-tracker/0.1.0";
  private static final Logger log = LoggerFactory.getLogger(HttpMetainfoSource.class);

  /** The seeders to ask for a digest, in order; empty when none are configured. */
  private final Function<Digest, List<URI>> order;

  /** The seeders that should hold a digest: the (live) owners. */
  private final Function<Digest, List<URI>> owners;

  /** Null without health tracking. */
  private final HealthChecker health;

  private final Duration timeout;
  private final HttpClient client;
  private final HttpAuth auth;

  /** Warm-ups started recently (and not failed), by request and seeder. */
  private final Cache<WarmKey, Boolean> warmed =
      CacheBuilder.newBuilder()
          .maximumSize(WARM_MEMORY_ENTRIES)
          .expireAfterWrite(WARM_MEMORY)
          .build();

  private final Semaphore warming = new Semaphore(MAX_WARMING);

  /** Warm-up requests sent since this source was made. */
  private final AtomicLong warmUpsStarted = new AtomicLong();

  private record WarmKey(URI seeder, Digest digest, String registry, RepositoryName repo) {}

  /** Ring order over {@code seeders} with R = {@link SeederRing#DEFAULT_REPLICAS}, no health. */
  public HttpMetainfoSource(List<URI> seeders) {
    this(seeders, DEFAULT_TIMEOUT);
  }

  /**
   * Ring order over {@code seeders} with R = {@link SeederRing#DEFAULT_REPLICAS} and no health
   * tracking: every call tries the seeders by their rank for the digest.
   *
   * @param seeders base URIs of the seeders' HTTP endpoints, e.g. {@code http://seeder-1:6970}; may
   *     be empty (every call is then unavailable)
   * @param timeout the wait for one seeder's answer, headers and body
   */
  public HttpMetainfoSource(List<URI> seeders, Duration timeout) {
    this(ring(seeders), timeout);
  }

  private HttpMetainfoSource(SeederRing ring, Duration timeout) {
    this(
        ring == null ? digest -> List.of() : ring::rank,
        ring == null ? digest -> List.of() : ring::owners,
        null,
        timeout,
        HttpAuth.open());
  }

  /**
   * Asks {@link HealthChecker#candidates} in order: live owners of the digest first, dead members
   * last. Connection failures are {@linkplain HealthChecker#reportFailure reported} to {@code
   * health}. The caller runs (and closes) the health checks; see {@link SeederCluster}.
   */
  public HttpMetainfoSource(HealthChecker health, Duration timeout) {
    this(health, timeout, HttpAuth.open());
  }

  /**
   * As {@link #HttpMetainfoSource(HealthChecker, Duration)}, signing every request with {@code
   * auth}.
   */
  public HttpMetainfoSource(HealthChecker health, Duration timeout, HttpAuth auth) {
    this(
        Objects.requireNonNull(health, "health")::candidates,
        health::liveOwners,
        health,
        timeout,
        auth);
  }

  private HttpMetainfoSource(
      Function<Digest, List<URI>> order,
      Function<Digest, List<URI>> owners,
      HealthChecker health,
      Duration timeout,
      HttpAuth auth) {
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("metainfo timeout must be > 0, got " + timeout);
    }
    this.order = order;
    this.owners = owners;
    this.health = health;
    this.timeout = timeout;
    this.auth = Objects.requireNonNull(auth, "auth");
    Duration connect = Duration.ofSeconds(CONNECT_TIMEOUT_SECONDS);
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(timeout.compareTo(connect) < 0 ? timeout : connect)
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  /** Null for no seeders. */
  private static SeederRing ring(List<URI> seeders) {
    if (seeders == null) {
      throw new IllegalArgumentException("tracker.seeders must be set (it may be empty)");
    }
    for (URI seeder : seeders) {
      requireHttpUri("tracker.seeders", seeder);
    }
    return seeders.isEmpty() ? null : SeederRing.of(seeders, SeederRing.DEFAULT_REPLICAS);
  }

  @Override
  public byte[] metainfo(Digest digest, String registry, RepositoryName repo)
      throws MetainfoUnavailableException {
    String what = "metainfo of " + digest + " in " + registry + "/" + repo;
    List<URI> seeders = order.apply(digest);
    if (seeders.isEmpty()) {
      throw MetainfoUnavailableException.unavailable(
          "get " + what + ": no seeders are configured (tracker.seeders)", null);
    }
    List<String> failures = new ArrayList<>(seeders.size());
    List<IOException> causes = new ArrayList<>(seeders.size());
    List<URI> failed = new ArrayList<>(seeders.size());
    for (URI seeder : seeders) {
      URI uri = requestUri(seeder, digest, registry, repo);
      HttpResponse<InputStream> response;
      try {
        response = client.send(request(uri), HttpResponse.BodyHandlers.ofInputStream());
      } catch (IOException e) {
        failures.add(seeder + ": " + e);
        causes.add(e);
        failed.add(seeder);
        if (health != null && isConnectionFailure(e)) {
          health.reportFailure(seeder, e);
        }
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw MetainfoUnavailableException.unavailable("get " + what + ": interrupted", e);
      }
      try (InputStream body = response.body()) {
        if (response.statusCode() == 200) {
          byte[] metainfo = readBounded(body, uri);
          if (!failures.isEmpty()) {
            log.info("got {} from seeder {} after: {}", what, seeder, failures);
          }
          warmReplicas(digest, registry, repo, seeder, failed);
          return metainfo;
        }
        if (response.statusCode() == 401) {
          failures.add(
              seeder
                  + " refused the tracker's request (HTTP 401): "
                  + new String(body.readNBytes(1024), StandardCharsets.UTF_8));
          failed.add(seeder);
          continue;
        }
        if (response.statusCode() == 404) {
          throw MetainfoUnavailableException.notFound(
              "get " + what + ": seeder " + seeder + " answered 404");
        }
        failures.add(seeder + " answered HTTP " + response.statusCode());
        failed.add(seeder);
      } catch (IOException e) {
        failures.add(seeder + ": " + e);
        causes.add(e);
        failed.add(seeder);
      }
    }
    log.warn("get {}: every seeder failed: {}", what, failures);
    MetainfoUnavailableException e =
        MetainfoUnavailableException.unavailable(
            "get " + what + ": every seeder failed: " + String.join("; ", failures), null);
    causes.forEach(e::addSuppressed);
    throw e;
  }

  /**
   * Has the owners of {@code digest} other than {@code holder} (and other than those that just
   * failed) fetch and seed it, in the background.
   */
  private void warmReplicas(
      Digest digest, String registry, RepositoryName repo, URI holder, List<URI> failed) {
    for (URI owner : owners.apply(digest)) {
      if (owner.equals(holder) || failed.contains(owner)) {
        continue;
      }
      WarmKey key = new WarmKey(owner, digest, registry, repo);
      if (warmed.asMap().putIfAbsent(key, Boolean.TRUE) != null) {
        continue;
      }
      if (!warming.tryAcquire()) {
        warmed.invalidate(key);
        log.debug("not warming {} on {}: {} warm-ups already run", digest, owner, MAX_WARMING);
        continue;
      }
      log.debug("warming {} on replica {}", digest, owner);
      warmUpsStarted.incrementAndGet();
      CompletableFuture<HttpResponse<Void>> answer;
      try {
        answer =
            client.sendAsync(
                request(requestUri(owner, digest, registry, repo)),
                HttpResponse.BodyHandlers.discarding());
      } catch (RuntimeException e) {
        warming.release();
        warmed.invalidate(key);
        log.warn("warming {} on {} failed to start: {}", digest, owner, e.toString());
        continue;
      }
      answer.whenComplete(
          (response, error) -> {
            if (error == null && response.statusCode() == 200) {
              warming.release();
              log.debug("replica {} holds {}", owner, digest);
              return;
            }
            // Forgotten before the permit goes back, so once none runs a new request warms again.
            warmed.invalidate(key);
            warming.release();
            Throwable cause =
                error instanceof CompletionException && error.getCause() != null
                    ? error.getCause()
                    : error;
            log.info(
                "warming {} on replica {} failed: {}",
                digest,
                owner,
                cause == null ? "HTTP " + response.statusCode() : cause.toString());
            if (health != null && cause instanceof IOException io && isConnectionFailure(io)) {
              health.reportFailure(owner, io);
            }
          });
    }
  }

  /** A GET of {@code uri}, signed when the tracker has a cluster secret. */
  private HttpRequest request(URI uri) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header("Accept", "application/x-bittorrent")
            .header("User-Agent", USER_AGENT)
            .GET();
    auth.sign("GET", uri).ifPresent(signature -> request.header(HttpSignature.HEADER, signature));
    return request.build();
  }

  /** How many replica warm-ups were sent; each is sent before {@link #metainfo} returns. */
  long warmUpsStarted() {
    return warmUpsStarted.get();
  }

  /** How many replica warm-ups wait for their answer now. */
  int warmUpsRunning() {
    return MAX_WARMING - warming.availablePermits();
  }

  /**
   * Refused, reset, closed before the answer, or no connection within the connect timeout: the
   * seeder is likely gone. A response timeout is not: a live seeder may take that long to pull a
   * large blob from the origin.
   */
  private static boolean isConnectionFailure(IOException e) {
    return e instanceof HttpConnectTimeoutException || !(e instanceof HttpTimeoutException);
  }

  /**
   * Checks a seeder URL from the config: absolute {@code http} or {@code https}, with a host and no
   * query or fragment.
   *
   * @throws IllegalArgumentException naming {@code key}
   */
  public static void requireHttpUri(String key, URI uri) {
    if (uri == null
        || !uri.isAbsolute()
        || uri.getHost() == null
        || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
      throw new IllegalArgumentException(
          key + " entries must be absolute http(s) URIs, got " + uri);
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException(
          key + " entries must have no query or fragment, got " + uri);
    }
  }

  static URI requestUri(URI seeder, Digest digest, String registry, RepositoryName repo) {
    String base = seeder.toString();
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return URI.create(
        base
            + "/metainfo/"
            + digest
            + "?registry="
            + URLEncoder.encode(registry, StandardCharsets.UTF_8)
            + "&repo="
            + URLEncoder.encode(repo.value(), StandardCharsets.UTF_8));
  }

  private static byte[] readBounded(InputStream body, URI uri) throws IOException {
    byte[] bytes = body.readNBytes(MAX_METAINFO_BYTES + 1);
    if (bytes.length > MAX_METAINFO_BYTES) {
      throw new IOException(
          "metainfo from " + LogSafe.uri(uri) + " is larger than " + MAX_METAINFO_BYTES + " bytes");
    }
    return bytes;
  }
}
