package io.layerswarm.seeder.preheat;

import io.layerswarm.core.Digest;
import io.layerswarm.core.auth.HttpAuth;
import io.layerswarm.core.auth.HttpSignature;
import io.layerswarm.core.auth.LogSafe;
import io.layerswarm.core.ring.SeederRing;
import io.layerswarm.registry.RegistryHost;
import io.layerswarm.registry.RepositoryName;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * {@code GET <seeder>/metainfo/<digest>?registry=&repo=} on another seeder: it answers once it
 * holds and seeds the blob (fetching it from the origin if needed). The request is signed with the
 * cluster secret, if there is one, as the other seeder requires. Thread-safe.
 */
public final class HttpRemoteSeeder implements RingWarmer.RemoteSeeder {
  private static final int MAX_ERROR_CHARS = 300;

  private final HttpClient http;
  private final Duration timeout;
  private final HttpAuth auth;

  /**
   * @param http a client the caller owns
   * @param timeout for the whole request: long enough for the other seeder's origin fetch
   * @param auth signs the request; {@link HttpAuth#open()}: unsigned
   */
  public HttpRemoteSeeder(HttpClient http, Duration timeout, HttpAuth auth) {
    this.http = http;
    this.timeout = timeout;
    this.auth = auth;
  }

  @Override
  public void warm(URI seeder, Digest digest, RegistryHost registry, RepositoryName repo)
      throws PreheatException {
    URI uri =
        URI.create(
            SeederRing.memberId(seeder)
                + "/metainfo/"
                + digest
                + "?registry="
                + URLEncoder.encode(registry.value(), StandardCharsets.UTF_8)
                + "&repo="
                + URLEncoder.encode(repo.value(), StandardCharsets.UTF_8));
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri).GET().timeout(timeout);
    auth.sign("GET", uri).ifPresent(signature -> builder.header(HttpSignature.HEADER, signature));
    HttpRequest request = builder.build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new PreheatException("GET " + LogSafe.uri(uri) + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PreheatException("interrupted while asking " + seeder + " for " + digest, e);
    }
    if (response.statusCode() != 200) {
      String body = response.body() == null ? "" : response.body().strip();
      throw new PreheatException(
          "GET "
              + LogSafe.uri(uri)
              + " answered HTTP "
              + response.statusCode()
              + (body.isEmpty()
                  ? ""
                  : ": "
                      + (body.length() > MAX_ERROR_CHARS
                          ? body.substring(0, MAX_ERROR_CHARS) + "..."
                          : body)));
    }
  }
}
