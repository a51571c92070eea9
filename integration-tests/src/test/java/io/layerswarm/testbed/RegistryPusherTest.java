package io.layerswarm.testbed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Against a minimal in-process fake of the distribution API; OriginRegistryIT covers the real
 * registry.
 */
class RegistryPusherTest {

  private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger uploads = new AtomicInteger();
  private volatile int manifestStatus = 201;
  private HttpServer server;
  private URI base;

  @BeforeEach
  void startFakeRegistry() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
    base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  @AfterEach
  void stopFakeRegistry() {
    server.stop(0);
  }

  @Test
  void pushesMissingBlobsMonolithicallyThenTheManifestAndReturnsItsDigest() throws Exception {
    try (Image image = ImageBuilder.image().layers(2).totalBytes(5000).build()) {
      String digest = new RegistryPusher(base).push(image, "test/app", "v1");

      assertThat(digest).isEqualTo(image.manifestDigest());
      for (Blob blob : image.blobs()) {
        assertThat(blobs.get(blob.digest())).isEqualTo(blob.readAllBytes());
      }
      assertThat(requests).filteredOn(r -> r.startsWith("POST ")).hasSize(3);
      assertThat(requests)
          .filteredOn(r -> r.startsWith("PUT /upload/"))
          .allMatch(r -> r.contains("?digest=sha256"));
      assertThat(requests)
          .last()
          .isEqualTo("PUT /v2/test/app/manifests/v1 " + image.manifest().mediaType());
    }
  }

  @Test
  void blobsTheRegistryAlreadyHasAreNotUploadedAgain() throws Exception {
    try (Image image = ImageBuilder.image().layers(2).totalBytes(5000).build()) {
      Blob present = image.layers().get(0).blob();
      blobs.put(present.digest(), present.readAllBytes());

      new RegistryPusher(base).push(image, "test/app", "v1");

      assertThat(uploads).hasValue(2);
      assertThat(requests).noneMatch(r -> r.startsWith("PUT") && r.contains(present.digest()));
    }
  }

  @Test
  void aRejectedManifestNamesTheActionAndTheStatus() throws Exception {
    manifestStatus = 400;
    try (Image image = ImageBuilder.image().layers(1).totalBytes(10).build()) {
      assertThatThrownBy(() -> new RegistryPusher(base).push(image, "test/app", "v1"))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("push manifest test/app:v1 failed: HTTP 400")
          .hasMessageContaining("MANIFEST_INVALID");
    }
  }

  @Test
  void anUnreachableRegistryNamesTheActionAndAddress() {
    URI nobody = URI.create("http://127.0.0.1:" + FreePorts.pick());
    Blob blob = Blob.ofBytes("application/octet-stream", new byte[] {1});

    assertThatThrownBy(() -> new RegistryPusher(nobody).pushBlob("test/app", blob))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("HEAD blob " + blob.digest())
        .hasMessageContaining(nobody.toString());
  }

  private void handle(HttpExchange ex) throws IOException {
    String method = ex.getRequestMethod();
    String path = ex.getRequestURI().getPath();
    String query = ex.getRequestURI().getRawQuery();
    String contentType = ex.getRequestHeaders().getFirst("Content-Type");
    requests.add(
        method
            + " "
            + ex.getRequestURI()
            + (path.contains("/manifests/") ? " " + contentType : ""));
    byte[] body = ex.getRequestBody().readAllBytes();
    try (ex) {
      if (method.equals("HEAD") && path.contains("/blobs/")) {
        String digest = path.substring(path.lastIndexOf('/') + 1);
        ex.sendResponseHeaders(blobs.containsKey(digest) ? 200 : 404, -1);
      } else if (method.equals("POST") && path.endsWith("/blobs/uploads/")) {
        ex.getResponseHeaders()
            .add("Location", "/upload/" + uploads.incrementAndGet()); // relative, no query
        ex.sendResponseHeaders(202, -1);
      } else if (method.equals("PUT") && path.startsWith("/upload/")) {
        String digest =
            URLDecoder.decode(query.substring("digest=".length()), StandardCharsets.UTF_8);
        boolean ok = Digests.sha256(body).equals(digest);
        if (ok) {
          blobs.put(digest, body);
        }
        ex.sendResponseHeaders(ok ? 201 : 400, -1);
      } else if (method.equals("PUT") && path.contains("/manifests/")) {
        if (manifestStatus == 201) {
          ex.getResponseHeaders().add("Docker-Content-Digest", Digests.sha256(body));
          ex.sendResponseHeaders(201, -1);
        } else {
          byte[] err =
              "{\"errors\":[{\"code\":\"MANIFEST_INVALID\"}]}".getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(manifestStatus, err.length);
          ex.getResponseBody().write(err);
        }
      } else {
        ex.sendResponseHeaders(404, -1);
      }
    }
  }
}
