package io.layerswarm.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.registry.client.InMemoryUpstreamRegistry;
import io.layerswarm.registry.client.Upstreams;
import io.layerswarm.testing.Await;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache budget end to end: origin-only agent, blobs pulled over HTTP. */
class AgentCacheTest {
  private static final RepositoryName REPO = new RepositoryName("test/app");

  @TempDir Path data;
  private InMemoryUpstreamRegistry origin;
  private AgentServer agent;

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close();
    }
  }

  private AgentServer start(long maxBytes) throws IOException {
    origin = new InMemoryUpstreamRegistry(URI.create("http://origin.test:5000"));
    return AgentServer.start(
        AgentConfig.defaults(data, List.of())
            .withListen(new InetSocketAddress("127.0.0.1", 0))
            .withPeerListen(new InetSocketAddress("127.0.0.1", 0))
            .withCache(maxBytes, 90, 75, Duration.ZERO),
        Upstreams.single(origin));
  }

  private Digest blob(int size, long seed) {
    byte[] content = new byte[size];
    new Random(seed).nextBytes(content);
    return origin.putBlob(REPO, content);
  }

  private Path blobFile(Digest digest) {
    return data.resolve("blobs").resolve("sha256").resolve(digest.hex());
  }

  private int pull(Digest digest) throws IOException {
    RawHttp.Response response = RawHttp.get(agent.address(), "/v2/" + REPO + "/blobs/" + digest);
    assertThat(Digest.sha256(response.body())).isEqualTo(digest);
    return response.status();
  }

  @Test
  void aNewBlobOverTheBudgetEvictsTheLeastRecentlyUsedOne() throws Exception {
    agent = start(1_000_000);
    Digest old = blob(600_000, 1);
    Digest fresh = blob(600_000, 2);
    assertThat(pull(old)).isEqualTo(200);
    Files.setLastModifiedTime(blobFile(old), FileTime.from(Instant.now().minusSeconds(3600)));

    assertThat(pull(fresh)).isEqualTo(200);

    Await.until("the janitor to evict the old blob", () -> !Files.exists(blobFile(old)));
    assertThat(blobFile(old)).as("evicted after the new blob arrived").doesNotExist();
    assertThat(blobFile(fresh)).exists();
    assertThat(agent.stats().cacheBytes()).isEqualTo(600_000);

    assertThat(pull(old)).as("an evicted blob is fetched again").isEqualTo(200);
    assertThat(origin.blobRequests()).isEqualTo(3);
  }

  @Test
  void aCacheHitRefreshesTheBlobsLastAccessOnDisk() throws Exception {
    agent = start(0);
    Digest digest = blob(10_000, 3);
    assertThat(pull(digest)).isEqualTo(200);
    FileTime longAgo = FileTime.from(Instant.parse("2001-01-01T00:00:00Z"));
    Files.setLastModifiedTime(blobFile(digest), longAgo);

    assertThat(pull(digest)).isEqualTo(200);

    assertThat(Files.getLastModifiedTime(blobFile(digest))).isGreaterThan(longAgo);
    assertThat(origin.blobRequests()).isEqualTo(1);
  }
}
