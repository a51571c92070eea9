package io.layerswarm.core.ring;

import io.layerswarm.core.auth.HttpAuth;
import io.layerswarm.core.auth.HttpSignature;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET <seeder>/ring}, signed with the cluster secret when there is one: the ring the seeder
 * holds, in {@link VersionedRing}'s text form. A body over {@link VersionedRing#MAX_TEXT_BYTES} or
 * one that does not parse fails the fetch. Thread-safe.
 */
public final class HttpRingSource implements RingSync.RingSource {
  /** The path on a seeder's control endpoint. */
  public static final String PATH = "/ring";

  private final HttpClient http;
  private final Duration timeout;
  private final HttpAuth auth;

  /**
   * @param http a client the caller owns
   * @param timeout for the whole request, connect included
   */
  public HttpRingSource(HttpClient http, Duration timeout, HttpAuth auth) {
    this.http = http;
    this.timeout = timeout;
    this.auth = auth;
  }

  @Override
  public CompletableFuture<VersionedRing.WithHistory> fetch(URI member) {
    URI uri = URI.create(SeederRing.memberId(member) + PATH);
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().timeout(timeout);
    auth.sign("GET", uri).ifPresent(s -> request.header(HttpSignature.HEADER, s));
    return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofInputStream())
        .orTimeout(timeout.toMillis() + 100, TimeUnit.MILLISECONDS)
        .thenApply(response -> read(uri, response));
  }

  private static VersionedRing.WithHistory read(URI uri, HttpResponse<InputStream> response) {
    try (InputStream body = response.body()) {
      if (response.statusCode() != 200) {
        throw new IOException("GET " + uri + " answered HTTP " + response.statusCode());
      }
      byte[] bytes = body.readNBytes(VersionedRing.MAX_TEXT_BYTES + 1);
      if (bytes.length > VersionedRing.MAX_TEXT_BYTES) {
        throw new IOException("GET " + uri + ": the ring is over the size limit");
      }
      return VersionedRing.parseWithHistory(new String(bytes, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new CompletionException(e);
    } catch (IllegalArgumentException e) {
      throw new CompletionException(new IOException("GET " + uri + ": " + e.getMessage(), e));
    }
  }
}
