package io.layerswarm.testbed;

import java.net.http.HttpClient;
import java.time.Duration;

/**
 * One shared client: HTTP/1.1 (registries speak plain HTTP here, no h2c upgrade dance), no proxy.
 */
final class Http {

  static final String USER_AGENT = "layerswarm-testbed/0.1";

  static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  private Http() {}
}
