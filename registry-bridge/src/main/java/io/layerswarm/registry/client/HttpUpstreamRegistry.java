package io.layerswarm.registry.client;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.Manifest;
import io.layerswarm.registry.RepositoryName;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * The OCI Distribution API over HTTP(S), with java.net.http (HTTP/1.1). The public front of the
 * client: each operation is one package-private endpoint class ({@link PingChecker}, {@link
 * ManifestPuller}, {@link ManifestChecker}, {@link BlobChecker}, {@link BlobPuller}) sent by {@link
 * RegistryEndpointCaller}, which translates statuses into {@link RegistryException}s, follows
 * redirects, authenticates (Basic and the token flow) and retries idempotent calls. Thread-safe;
 * share one instance per upstream.
 */
public final class HttpUpstreamRegistry implements UpstreamRegistry {
  private final URI baseUri;
  private final RegistryEndpointCaller caller;

  /**
   * @param baseUri for example {@code http://127.0.0.1:5000}
   * @param userAgent sent on every request, so origin logs tell seeders and agents apart
   */
  public HttpUpstreamRegistry(URI baseUri, String userAgent) {
    this(builder(baseUri).userAgent(userAgent));
  }

  /** Same, with credentials for Basic auth and the token flow. */
  public HttpUpstreamRegistry(URI baseUri, String userAgent, Credentials credentials) {
    this(builder(baseUri).userAgent(userAgent).credentials(credentials));
  }

  private HttpUpstreamRegistry(Builder b) {
    this.baseUri = b.baseUri;
    HttpClient.Builder http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER) // the caller follows them, see there
            .connectTimeout(b.connectTimeout);
    if (b.sslContext != null) {
      http.sslContext(b.sslContext);
    }
    HttpClient client = http.build();
    RegistryAuthenticator authenticator =
        new RegistryAuthenticator(
            client, b.userAgent, Optional.ofNullable(b.credentials), b.clock, b.requestTimeout);
    this.caller =
        new RegistryEndpointCaller(
            client,
            baseUri,
            b.userAgent,
            authenticator,
            new RetryPolicy(b.maxAttempts, b.retryBackoff),
            b.requestTimeout,
            b.sleeper);
  }

  /** A builder for everything beyond base URI and user agent. */
  public static Builder builder(URI baseUri) {
    return new Builder(baseUri);
  }

  @Override
  public URI baseUri() {
    return baseUri;
  }

  @Override
  public void ping() throws RegistryException {
    caller.call(new PingChecker());
  }

  /**
   * @param accept forwarded one header line each; {@link #DEFAULT_ACCEPT} when empty
   * @throws IllegalArgumentException when {@code reference} is neither a tag nor a digest
   */
  @Override
  public Manifest getManifest(RepositoryName repo, String reference, List<String> accept)
      throws RegistryException {
    return caller.call(new ManifestPuller(repo, reference, orDefault(accept)));
  }

  /**
   * Falls back to a GET when the upstream's HEAD answer lacks the digest, type or length.
   *
   * @throws IllegalArgumentException when {@code reference} is neither a tag nor a digest
   */
  @Override
  public ManifestHead headManifest(RepositoryName repo, String reference, List<String> accept)
      throws RegistryException {
    Optional<ManifestHead> head =
        caller.call(new ManifestChecker(repo, reference, orDefault(accept)));
    if (head.isPresent()) {
      return head.get();
    }
    Manifest manifest = getManifest(repo, reference, accept);
    return new ManifestHead(manifest.mediaType(), manifest.digest(), manifest.size());
  }

  @Override
  public long blobSize(RepositoryName repo, Digest digest) throws RegistryException {
    return caller.call(new BlobChecker(repo, digest));
  }

  /**
   * The body is verified while it is read: count always, sha256 from offset 0. Failures while
   * reading surface as IOExceptions from the stream ({@link DigestMismatchException} for content);
   * the caller resumes with a larger offset.
   *
   * @throws IllegalArgumentException when {@code offset} is negative
   */
  @Override
  public BlobStream openBlob(RepositoryName repo, Digest digest, long offset)
      throws RegistryException {
    BlobPuller.Opened opened = caller.call(new BlobPuller(repo, digest, offset));
    long size;
    try {
      size = opened.size().isPresent() ? opened.size().getAsLong() : blobSize(repo, digest);
    } catch (RegistryException | RuntimeException e) {
      RegistryEndpointCaller.closeQuietly(opened.body());
      throw e;
    }
    return new BlobStream(
        new DigestVerifyingInputStream(opened.body(), digest, offset == 0, size - offset),
        size,
        offset);
  }

  private static List<String> orDefault(List<String> accept) {
    return accept == null || accept.isEmpty() ? DEFAULT_ACCEPT : accept;
  }

  @Override
  public String toString() {
    return "HttpUpstreamRegistry[" + baseUri + "]";
  }

  /** Options for {@link HttpUpstreamRegistry}; defaults are applied here and nowhere else. */
  public static final class Builder {
    private final URI baseUri;
    private String userAgent = "layerswarm";
    private Credentials credentials;
    private SSLContext sslContext;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(60);
    private int maxAttempts = 3;
    private Duration retryBackoff = Duration.ofMillis(200);
    private InstantSource clock = InstantSource.system();
    private RegistryEndpointCaller.Sleeper sleeper = d -> Thread.sleep(d.toMillis());

    private Builder(URI baseUri) {
      Objects.requireNonNull(baseUri, "baseUri");
      String scheme = baseUri.getScheme();
      if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
        throw new IllegalArgumentException("registry URI must be http or https: " + baseUri);
      }
      if (baseUri.getHost() == null) {
        throw new IllegalArgumentException("registry URI has no host: " + baseUri);
      }
      if (baseUri.getRawQuery() != null || baseUri.getRawFragment() != null) {
        throw new IllegalArgumentException(
            "registry URI must not have a query or fragment: " + baseUri);
      }
      String s = baseUri.toString();
      this.baseUri = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    }

    /** Sent on every request, for example {@code layerswarm-seeder/0.1.0}. */
    public Builder userAgent(String userAgent) {
      if (userAgent == null || userAgent.isBlank()) {
        throw new IllegalArgumentException("user agent must not be blank");
      }
      this.userAgent = userAgent;
      return this;
    }

    /** Username and password for Basic auth and the token flow; anonymous when not set. */
    public Builder credentials(Credentials credentials) {
      this.credentials = Objects.requireNonNull(credentials, "credentials");
      return this;
    }

    /** TLS trust for a registry with its own CA; the JDK's default trust when not set. */
    public Builder sslContext(SSLContext sslContext) {
      this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
      return this;
    }

    /** Default 10 s. */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = positive(connectTimeout, "connectTimeout");
      return this;
    }

    /** Time until the response headers arrive, per request. Default 60 s. */
    public Builder requestTimeout(Duration requestTimeout) {
      this.requestTimeout = positive(requestTimeout, "requestTimeout");
      return this;
    }

    /**
     * Idempotent calls are sent up to {@code maxAttempts} times on connect errors and 5xx, waiting
     * {@code backoff}, then twice that, and so on. Default 3 attempts, 200 ms.
     */
    public Builder retries(int maxAttempts, Duration backoff) {
      RetryPolicy checked = new RetryPolicy(maxAttempts, backoff);
      this.maxAttempts = checked.maxAttempts();
      this.retryBackoff = checked.backoff();
      return this;
    }

    /** The clock for token expiry. Default the system clock. */
    public Builder clock(InstantSource clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public HttpUpstreamRegistry build() {
      return new HttpUpstreamRegistry(this);
    }

    private static Duration positive(Duration d, String name) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + d);
      }
      return d;
    }
  }
}
