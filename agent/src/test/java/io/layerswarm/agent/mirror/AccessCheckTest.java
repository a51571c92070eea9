package io.layerswarm.agent.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.agent.cache.BlobLeases;
import io.layerswarm.core.Digest;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.registry.client.DeniedException;
import io.layerswarm.registry.client.RegistryUnavailableException;
import io.layerswarm.registry.client.TooManyRequestsException;
import io.layerswarm.registry.client.Upstreams;
import io.layerswarm.registry.store.FileBlobStore;
import io.layerswarm.testing.ManualClock;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's access check before the swarm fails closed: a blob goes to the swarm only when the
 * upstream says yes now, or said yes for the repository recently and is unavailable now. "Goes to
 * the swarm" shows as a metainfo request to the (scripted) trackers.
 */
class AccessCheckTest {
  private static final RepositoryName REPO = new RepositoryName("team/private");
  private static final RepositoryName OTHER_REPO = new RepositoryName("team/other");

  @TempDir Path dir;
  private final ManualClock clock = new ManualClock();
  private final ScriptedMetainfo metainfo = new ScriptedMetainfo();
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final FaultyUpstream upstream = new FaultyUpstream(URI.create("http://o"));
  private final Random random = new Random(5);
  private PullThroughMirror mirror;

  @BeforeEach
  void start() throws IOException {
    FileBlobStore store = new FileBlobStore(dir.resolve("store"));
    FakeSwarm swarm = new FakeSwarm();
    List<URI> announce = List.of(URI.create("http://tracker.test/announce"));
    CacheSeeder seeder = new CacheSeeder(store, swarm, dir.resolve("torrents"), announce);
    BlobFetcher fetcher =
        new BlobFetcher(
            store,
            metainfo,
            swarm,
            seeder,
            executor,
            clock,
            dir.resolve("partial"),
            announce,
            Duration.ofSeconds(60));
    mirror =
        new PullThroughMirror(
            Upstreams.single(upstream),
            store,
            fetcher,
            executor,
            PullThroughMirror.DEFAULT_MANIFEST_CACHE_BYTES,
            new BlobLeases(),
            clock);
  }

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  /**
   * Opens a new blob of {@code repo}: each is its own transfer, so a request the check lets through
   * makes one metainfo request (left unanswered).
   */
  private CompletableFuture<BlobBody> open(RepositoryName repo) {
    byte[] content = new byte[10_000];
    random.nextBytes(content);
    Digest digest = upstream.origin.putBlob(repo, content);
    return mirror.openBlob(new BlobRequest(Optional.empty(), repo, digest));
  }

  /** Opens a blob while the upstream is up, so it grants the repository; the swarm is asked. */
  private void grantedWhileUp(RepositoryName repo) throws Exception {
    int before = metainfo.calls.size();
    open(repo);
    metainfo.nextCall();
    assertThat(metainfo.calls).hasSize(before + 1);
  }

  private static Throwable failure(CompletableFuture<BlobBody> body) {
    try {
      body.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return Futures.unwrap(e);
    } catch (Exception e) {
      throw new AssertionError("expected a failure, got " + e, e);
    }
    throw new AssertionError("expected a failure, got a body");
  }

  @Test
  void aDenialKeepsTheBlobFromTheSwarm() {
    upstream.failHeadsWith(() -> new DeniedException("denied", 403, "DENIED"));

    assertThat(failure(open(REPO))).isInstanceOf(UpstreamDeniedException.class);
    assertThat(metainfo.calls).isEmpty();
  }

  @Test
  void anUnavailableUpstreamWithoutARecentGrantIsRefusedWithAClearMessage() {
    upstream.failHeadsWith(() -> new RegistryUnavailableException("HTTP 503", 503, null));

    assertThat(failure(open(REPO)))
        .isInstanceOf(UpstreamUnavailableException.class)
        .hasMessageContaining("did not grant this agent's credentials " + REPO)
        .hasMessageContaining("not served from the swarm");
    assertThat(metainfo.calls).isEmpty();
  }

  @Test
  void aTimeoutWithoutARecentGrantIsRefused() {
    upstream.failHeadsWith(
        () ->
            new RegistryUnavailableException(
                "HEAD timed out", 0, null, new java.net.http.HttpTimeoutException("timed out")));

    assertThat(failure(open(REPO))).isInstanceOf(UpstreamUnavailableException.class);
    assertThat(metainfo.calls).isEmpty();
  }

  @Test
  void aThrottledUpstreamWithoutARecentGrantIsRefusedAs429() {
    upstream.failHeadsWith(
        () -> new TooManyRequestsException("slow down", "TOOMANYREQUESTS", null));

    assertThat(failure(open(REPO))).isInstanceOf(UpstreamThrottledException.class);
    assertThat(metainfo.calls).isEmpty();
  }

  @Test
  void anOutageAfterAGrantStillServesTheSameRepositoryFromTheSwarm() throws Exception {
    grantedWhileUp(REPO);
    upstream.failHeadsWith(() -> new RegistryUnavailableException("HTTP 502", 502, null));
    clock.advance(AccessGrants.LENGTH.minusSeconds(1));

    open(REPO);

    metainfo.nextCall();
    assertThat(metainfo.calls).hasSize(2);
  }

  @Test
  void aGrantCoversOnlyItsRepository() throws Exception {
    grantedWhileUp(OTHER_REPO);
    upstream.failHeadsWith(() -> new RegistryUnavailableException("HTTP 503", 503, null));

    assertThat(failure(open(REPO))).isInstanceOf(UpstreamUnavailableException.class);
    assertThat(metainfo.calls).hasSize(1);
  }

  @Test
  void aGrantEndsAfterItsLength() throws Exception {
    grantedWhileUp(REPO);
    upstream.failHeadsWith(() -> new RegistryUnavailableException("HTTP 503", 503, null));
    clock.advance(AccessGrants.LENGTH);

    assertThat(failure(open(REPO))).isInstanceOf(UpstreamUnavailableException.class);
    assertThat(metainfo.calls).hasSize(1);
  }

  @Test
  void aDenialRevokesAnEarlierGrant() throws Exception {
    grantedWhileUp(REPO);
    upstream.failHeadsWith(() -> new DeniedException("denied", 403, "DENIED"));
    assertThat(failure(open(REPO))).isInstanceOf(UpstreamDeniedException.class);
    upstream.failHeadsWith(() -> new RegistryUnavailableException("HTTP 503", 503, null));

    assertThat(failure(open(REPO))).isInstanceOf(UpstreamUnavailableException.class);
    assertThat(metainfo.calls).hasSize(1);
  }
}
