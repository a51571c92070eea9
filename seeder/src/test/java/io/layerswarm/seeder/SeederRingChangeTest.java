package io.layerswarm.seeder;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.Digest;
import io.layerswarm.core.auth.HttpAuth;
import io.layerswarm.core.ring.HttpRingSource;
import io.layerswarm.core.ring.SeederRing;
import io.layerswarm.core.ring.VersionedRing;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.registry.client.InMemoryUpstreamRegistry;
import io.layerswarm.registry.client.Upstreams;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Two real seeders: a ring change makes one a new owner, which copies from the old one. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SeederRingChangeTest {
  private static final RepositoryName REPO = new RepositoryName("library/app");
  private static final String REGISTRY = "registry.test:5000";
  private static final List<URI> ANNOUNCE = List.of(URI.create("http://127.0.0.1:1/announce"));

  @TempDir Path dataDir;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private InMemoryUpstreamRegistry upstream;
  private byte[] content;
  private Digest digest;
  private SeederServer a;
  private SeederServer b;

  @BeforeEach
  void start() throws Exception {
    upstream = new InMemoryUpstreamRegistry(URI.create("http://" + REGISTRY));
    content = new byte[200 * 1024 + 5];
    new Random(11).nextBytes(content);
    digest = upstream.putBlob(REPO, content);
    a =
        SeederServer.start(
            SeederConfig.defaults(dataDir.resolve("a"), ANNOUNCE), Upstreams.single(upstream));
    b =
        SeederServer.start(
            SeederConfig.defaults(dataDir.resolve("b"), ANNOUNCE), Upstreams.single(upstream));
  }

  @AfterEach
  void stop() {
    b.close();
    a.close();
  }

  private int metainfo(SeederServer seeder) throws Exception {
    URI uri =
        seeder.baseUri().resolve("/metainfo/" + digest + "?registry=" + REGISTRY + "&repo=" + REPO);
    return http.send(
            HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  @Test
  void aNewOwnerCopiesTheBlobFromThePreviousOwnerNotTheOrigin() throws Exception {
    assertThat(metainfo(a)).isEqualTo(200);
    assertThat(upstream.blobRequests()).isEqualTo(1);
    // B's ring goes from "A alone" (R = 1: A owns everything) to A and B: B is a new owner of
    // every digest it ranks first for, and of the others when asked, and A held them before.
    b.liveRing().set(List.of(a.self()), 1);
    b.liveRing().set(List.of(a.self(), b.self()), 1);

    assertThat(metainfo(b)).isEqualTo(200);

    assertThat(upstream.blobRequests()).as("the origin was asked once, by A").isEqualTo(1);
    assertThat(Files.readAllBytes(heldFile(b))).isEqualTo(content);
    String metrics =
        http.send(
                HttpRequest.newBuilder(b.baseUri().resolve("/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    assertThat(metrics).contains("seeder_copied_blobs_total 1.0");
  }

  @Test
  void aSeederServesTheRingItHoldsAfterAChange() throws Exception {
    b.liveRing().set(List.of(a.self(), b.self()), 2);

    VersionedRing served =
        new HttpRingSource(http, Duration.ofSeconds(10), HttpAuth.open())
            .fetch(b.baseUri())
            .get(10, TimeUnit.SECONDS)
            .ring();

    VersionedRing held = b.liveRing().membership().current();
    assertThat(served.version()).isEqualTo(held.version());
    assertThat(served.fingerprint()).isEqualTo(held.fingerprint());
    assertThat(served.version()).isPositive();
    assertThat(served.sameMembers(SeederRing.of(List.of(b.self(), a.self()), 2))).isTrue();
    assertThat(b.ring().ring().members()).as("health follows").contains(a.self());
  }

  private Path heldFile(SeederServer seeder) {
    return dataDir
        .resolve(seeder == a ? "a" : "b")
        .resolve("blobs")
        .resolve("sha256")
        .resolve(digest.hex());
  }
}
