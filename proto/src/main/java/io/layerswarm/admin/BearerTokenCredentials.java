package io.layerswarm.admin;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import java.util.concurrent.Executor;

/**
 * The client side of {@link BearerTokenInterceptor}: sends {@code authorization: Bearer <token>}
 * with every call it is attached to ({@code stub.withCallCredentials(...)}). Thread-safe.
 */
public final class BearerTokenCredentials extends CallCredentials {
  private final String header;

  public BearerTokenCredentials(String token) {
    this.header = "Bearer " + token;
  }

  @Override
  public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
    Metadata headers = new Metadata();
    headers.put(BearerTokenInterceptor.AUTHORIZATION, header);
    applier.apply(headers);
  }
}
