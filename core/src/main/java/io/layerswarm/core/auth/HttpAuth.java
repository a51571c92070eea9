package io.layerswarm.core.auth;

import java.net.URI;
import java.time.InstantSource;
import java.util.Optional;

/**
 * One daemon's side of {@link HttpSignature}: signs the requests it sends to other members and
 * checks the ones it receives, at the time of its clock. Without a cluster secret (open mode) it
 * signs nothing and lets every request in. Immutable and thread-safe.
 */
public final class HttpAuth {
  private static final HttpAuth OPEN = new HttpAuth(Optional.empty(), InstantSource.system());

  private final Optional<HttpSignature> signature;
  private final InstantSource clock;

  private HttpAuth(Optional<HttpSignature> signature, InstantSource clock) {
    this.signature = signature;
    this.clock = clock;
  }

  /** Open mode: no signatures made or required. */
  public static HttpAuth open() {
    return OPEN;
  }

  /** Signs and checks with {@code secret}'s HTTP key when present; open mode otherwise. */
  public static HttpAuth of(Optional<ClusterSecret> secret, InstantSource clock) {
    return secret.isEmpty() ? OPEN : new HttpAuth(secret.map(HttpSignature::of), clock);
  }

  /** Whether requests must be signed: a cluster secret is configured. */
  public boolean required() {
    return signature.isPresent();
  }

  /** The {@value HttpSignature#HEADER} value for a request to {@code uri}; empty in open mode. */
  public Optional<String> sign(String method, URI uri) {
    return signature.map(s -> s.sign(method, HttpSignature.target(uri), clock.instant()));
  }

  /**
   * Whether a received request may pass: always in open mode, else when its {@value
   * HttpSignature#HEADER} (null when absent) is valid for the method and target as received.
   */
  public HttpSignature.Check check(String method, String target, String header) {
    return signature
        .map(s -> s.verify(method, target, header, clock.instant()))
        .orElse(HttpSignature.Check.VALID);
  }

  @Override
  public String toString() {
    return required() ? "HttpAuth[signed]" : "HttpAuth[open]";
  }
}
