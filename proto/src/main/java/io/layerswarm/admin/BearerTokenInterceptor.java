package io.layerswarm.admin;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * Admits a call only with the metadata {@code authorization: Bearer <token>} (RFC 6750 section 2.1;
 * the scheme is case-insensitive). The comparison is over SHA-256 hashes of the two tokens with
 * {@link MessageDigest#isEqual}, so its time depends neither on where they differ nor on the
 * configured token's length. Other calls end with {@code UNAUTHENTICATED}. Thread-safe.
 */
public final class BearerTokenInterceptor implements ServerInterceptor {
  public static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final String SCHEME = "bearer ";

  private final byte[] expectedHash;
  private final String role;

  /**
   * @param role "seeder" or "tracker": names the config key in messages
   */
  public BearerTokenInterceptor(String token, String role) {
    this.role = role;
    if (token == null || token.isEmpty()) {
      throw new IllegalArgumentException(role + ".admin-token is empty");
    }
    this.expectedHash = sha256(token);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    if (authorized(headers.get(AUTHORIZATION))) {
      return next.startCall(call, headers);
    }
    call.close(
        Status.UNAUTHENTICATED.withDescription(
            "this "
                + role
                + "'s admin API needs \"authorization: Bearer <"
                + role
                + ".admin-token>\""),
        new Metadata());
    return new ServerCall.Listener<>() {};
  }

  boolean authorized(String header) {
    if (header == null
        || header.length() <= SCHEME.length()
        || !header.substring(0, SCHEME.length()).toLowerCase(Locale.ROOT).equals(SCHEME)) {
      return false;
    }
    String presented = header.substring(SCHEME.length()).strip();
    return MessageDigest.isEqual(expectedHash, sha256(presented));
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
