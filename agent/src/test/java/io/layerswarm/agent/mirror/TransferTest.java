package io.layerswarm.agent.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.agent.cache.BlobLeases;
import io.layerswarm.core.Digest;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.registry.client.InMemoryUpstreamRegistry;
import io.layerswarm.registry.store.FileBlobStore;
import io.layerswarm.testing.Await;
import io.layerswarm.testing.ManualClock;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stream of a blob whose origin copy does not match its digest gets the verification failure,
 * whenever it looks: each test stops the transfer's thread at one step of the failure (its file
 * deleted, its outcome not yet published) and reads there. Before, a stream looking at those steps
 * took the missing file or the empty store for a storage failure, and its client got 503 instead of
 * 502.
 */
class TransferTest {
  private static final RepositoryName REPO = new RepositoryName("test/app");
  private static final Digest CLAIMED =
      Digest.sha256("the real content".getBytes(StandardCharsets.UTF_8));
  private static final byte[] TAMPERED = "tampered content".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;
  private FileBlobStore store;
  private InMemoryUpstreamRegistry origin;
  private final AtomicReference<Thread> copier = new AtomicReference<>();
  private final ExecutorService copies =
      Executors.newSingleThreadExecutor(
          task -> {
            Thread thread = new Thread(task, "transfer-test-copy");
            copier.set(thread);
            return thread;
          });
  private final ExecutorService readers = Executors.newSingleThreadExecutor();

  @BeforeEach
  void setUp() throws IOException {
    store = new FileBlobStore(dir.resolve("store"));
    origin = new InMemoryUpstreamRegistry(URI.create("http://origin.test:5000"));
    origin.putCorruptBlob(REPO, CLAIMED, TAMPERED);
  }

  @AfterEach
  void tearDown() {
    copies.shutdownNow();
    readers.shutdownNow();
  }

  /** A transfer with no trackers, so it copies from the origin at once, on {@link #copier}. */
  private Transfer transfer(Consumer<Transfer> landing) {
    FakeSwarm swarm = new FakeSwarm();
    FetchContext context =
        new FetchContext(
            store,
            (host, repo, digest) -> {
              throw new AssertionError("no trackers are configured");
            },
            swarm,
            new CacheSeeder(store, swarm, dir.resolve("torrents"), List.of()),
            copies,
            new ManualClock(),
            dir.resolve("partial"),
            List.of(),
            Duration.ofSeconds(60),
            new SwarmRefusals(),
            new FetchCounters(),
            stored -> {},
            OriginLimits.DEFAULT);
    return new Transfer(
        context, landing, new UpstreamChoice("origin.test:5000", origin), REPO, CLAIMED);
  }

  private static InputStream stream(Transfer transfer) {
    long size = transfer.sized.getNow(-1L);
    assertThat(size).isEqualTo(TAMPERED.length);
    return new LiveBlob(transfer, size, new BlobLeases().acquire(CLAIMED)).open(0, size);
  }

  private long partialFiles() throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve("partial"))) {
      return files.count();
    }
  }

  private static void assertVerificationFailure(Throwable thrown) {
    assertThat(thrown).isInstanceOf(BlobReadException.class);
    assertThat(((BlobReadException) thrown).reason())
        .isInstanceOf(BlobVerificationException.class)
        .hasMessageContaining(CLAIMED.toString());
  }

  @Test
  void aStreamSentToTheOriginCopyAsTheCopyFailsGetsTheVerificationFailure() throws Exception {
    Transfer transfer = transfer(landed -> {});
    InputStream in;
    // Holding the transfer's monitor stops the failed copy at its first step that needs it; the
    // stream, on this thread, looks at the transfer right there.
    synchronized (transfer) {
      transfer.begin();
      Await.until(
          "the failed copy to wait for the transfer",
          () -> transfer.sized.isDone() && copier.get().getState() == Thread.State.BLOCKED);

      in = stream(transfer);
      // The copy's file is still there: the stream reads a byte that does not end its range.
      assertThat(in.read(new byte[1])).isEqualTo(1);
    }

    assertThatThrownBy(in::readAllBytes).satisfies(TransferTest::assertVerificationFailure);
    in.close();
    assertThat(transfer.done).isCompletedExceptionally();
    assertThat(store.contains(CLAIMED)).isFalse();
    assertThat(partialFiles()).isZero();
  }

  @Test
  void aStreamThatLooksWhileTheFailureIsPublishedWaitsForIt() throws Exception {
    CountDownLatch landed = new CountDownLatch(1);
    CountDownLatch publish = new CountDownLatch(1);
    // Landing the flight comes after the copy's file is gone and before the outcome is published.
    Transfer transfer =
        transfer(
            t -> {
              landed.countDown();
              try {
                publish.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    transfer.begin();
    assertThat(landed.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(partialFiles()).isZero();

    InputStream in = stream(transfer);
    AtomicReference<Thread> reader = new AtomicReference<>();
    Future<byte[]> read =
        readers.submit(
            () -> {
              reader.set(Thread.currentThread());
              return in.readAllBytes();
            });
    Await.until(
        "the stream to fail or wait for the transfer",
        () ->
            read.isDone()
                || (reader.get() != null && reader.get().getState() == Thread.State.WAITING));
    publish.countDown();

    assertThatThrownBy(() -> read.get(30, TimeUnit.SECONDS))
        .cause()
        .satisfies(TransferTest::assertVerificationFailure);
    in.close();
    assertThat(store.contains(CLAIMED)).isFalse();
  }
}
