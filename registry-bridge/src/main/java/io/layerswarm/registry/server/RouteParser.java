package io.layerswarm.registry.server;

/** Parses request method and URI (path plus query) into a {@link Route}, pull side only. */
public final class RouteParser {
  private RouteParser() {}

  /**
   * @throws RegistryApiException NAME_INVALID, DIGEST_INVALID, MANIFEST_INVALID (bad tag),
   *     UNSUPPORTED (push methods, other endpoints), each with a message naming the bad part
   */
  public static Route parse(String method, String uri) throws RegistryApiException {
    throw new UnsupportedOperationException("TODO");
  }
}
