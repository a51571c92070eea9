package io.layerswarm.seeder.ring;

import io.layerswarm.core.Digest;
import io.layerswarm.core.auth.HttpAuth;
import io.layerswarm.core.auth.HttpSignature;
import io.layerswarm.core.ring.RingMembership;
import io.layerswarm.core.ring.SeederRing;
import io.layerswarm.registry.client.BlobStream;
import io.layerswarm.seeder.seeding.PeerBlobs;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The previous owners of a blob ({@link RingMembership#previousOwners}), asked with {@code GET
 * <seeder>/blobs/<digest>}, signed with the cluster secret when there is one. The body is read by
 * the caller, whose stall watchdog bounds it; the headers must come within {@code timeout}. At most
 * {@link #MAX_HOLDERS} seeders are tried for one blob. Thread-safe.
 */
public final class HttpPeerBlobs implements PeerBlobs {
  /** Seeders tried for one blob before the origin. */
  public static final int MAX_HOLDERS = 4;

  private final RingMembership membership;
  private final URI self;
  private final HttpClient http;
  private final Duration timeout;
  private final HttpAuth auth;

  /**
   * @param http a client the caller owns, with a short connect timeout: a gone seeder is skipped
   * @param timeout until the response headers
   */
  public HttpPeerBlobs(
      RingMembership membership, URI self, HttpClient http, Duration timeout, HttpAuth auth) {
    this.membership = Objects.requireNonNull(membership, "membership");
    this.self = SeederRing.memberId(self);
    this.http = Objects.requireNonNull(http, "http");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.auth = Objects.requireNonNull(auth, "auth");
  }

  @Override
  public List<URI> holders(Digest digest) {
    List<URI> owners = membership.previousOwners(digest, self);
    return owners.size() <= MAX_HOLDERS ? owners : owners.subList(0, MAX_HOLDERS);
  }

  @Override
  public Optional<BlobStream> open(URI seeder, Digest digest) throws IOException {
    URI uri = URI.create(SeederRing.memberId(seeder) + "/blobs/" + digest);
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().timeout(timeout);
    auth.sign("GET", uri).ifPresent(s -> request.header(HttpSignature.HEADER, s));
    HttpResponse<InputStream> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while asking " + seeder + " for " + digest, e);
    }
    if (response.statusCode() == 404) {
      response.body().close();
      return Optional.empty();
    }
    if (response.statusCode() != 200) {
      response.body().close();
      throw new IOException("GET " + uri + " answered HTTP " + response.statusCode());
    }
    long size = response.headers().firstValueAsLong("Content-Length").orElse(-1);
    return Optional.of(new BlobStream(response.body(), size, 0));
  }
}
