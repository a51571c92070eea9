package io.layerswarm.seeder.preheat;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.RegistryHost;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.registry.client.InMemoryUpstreamRegistry;
import io.layerswarm.registry.client.Upstreams;
import io.layerswarm.registry.image.MediaTypes;
import io.layerswarm.registry.notify.NotificationEnvelope;
import io.layerswarm.registry.notify.NotificationEvent;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

class NotificationQueueTest {
  private static final String HOST = "registry.test:5000";
  private static final String OTHER = "mirror.test:5001";
  private static final RepositoryName REPO = new RepositoryName("team/app");

  private final InMemoryUpstreamRegistry upstream =
      new InMemoryUpstreamRegistry(URI.create("http://" + HOST));
  private final InMemoryUpstreamRegistry other =
      new InMemoryUpstreamRegistry(URI.create("http://" + OTHER));
  private final Upstreams upstreams = Upstreams.of(HOST, Map.of(HOST, upstream, OTHER, other));
  private final RecordingWarmer warmer = new RecordingWarmer();
  private final PreheatService preheat =
      new PreheatService(upstreams, warmer, Runnable::run, e -> {});

  /** The worker runs when the test says so. */
  private final ArrayDeque<Runnable> worker = new ArrayDeque<>();

  private final Executor manual = worker::add;
  private final List<String> results = new ArrayList<>();

  private NotificationQueue queue(int capacity) {
    return new NotificationQueue(preheat, upstreams, manual, capacity, results::add);
  }

  private void runWorker() {
    while (!worker.isEmpty()) {
      worker.poll().run();
    }
  }

  private static NotificationEvent push(Digest digest, String mediaType, Optional<String> host) {
    return new NotificationEvent(
        "push",
        Optional.of(mediaType),
        Optional.of(digest),
        Optional.of(REPO),
        Optional.of("1"),
        Optional.empty(),
        host);
  }

  private static NotificationEnvelope envelope(NotificationEvent... events) {
    return new NotificationEnvelope(List.of(events));
  }

  @Test
  void aManifestPushIsPreheatedByDigestOnTheWorkerNotOnTheCaller() {
    TestImages.Pushed image = TestImages.image(upstream, REPO, "1", "x", 10, 20);
    NotificationQueue queue = queue(8);

    NotificationQueue.Accepted accepted =
        queue.accept(envelope(push(image.manifest(), MediaTypes.OCI_MANIFEST, Optional.of(HOST))));

    assertThat(accepted).isEqualTo(new NotificationQueue.Accepted(1, 0, 0, 0));
    assertThat(warmer.calls).isEmpty();
    assertThat(queue.waiting()).isEqualTo(1);
    runWorker();
    assertThat(warmer.digests()).containsExactlyElementsOf(image.blobs());
    assertThat(queue.waiting()).isZero();
    assertThat(results).containsExactly("queued");
  }

  @Test
  void theSamePushTwiceIsCoalescedUntilItHasRun() {
    TestImages.Pushed image = TestImages.image(upstream, REPO, "1", "x", 10);
    NotificationQueue queue = queue(8);
    NotificationEvent event = push(image.manifest(), MediaTypes.DOCKER_MANIFEST, Optional.empty());

    queue.accept(envelope(event, event));
    NotificationQueue.Accepted again = queue.accept(envelope(event));
    runWorker();
    NotificationQueue.Accepted after = queue.accept(envelope(event));

    assertThat(again.coalesced()).isEqualTo(1);
    assertThat(after.queued()).isEqualTo(1);
    assertThat(results).containsExactly("queued", "coalesced", "coalesced", "queued");
    assertThat(warmer.calls).hasSize(image.blobs().size());
  }

  @Test
  void beyondTheCapacityNewJobsAreDropped() {
    NotificationQueue queue = queue(1);
    Digest first = Digest.sha256("one".getBytes());
    Digest second = Digest.sha256("two".getBytes());

    NotificationQueue.Accepted accepted =
        queue.accept(
            envelope(
                push(first, MediaTypes.OCI_INDEX, Optional.empty()),
                push(second, MediaTypes.OCI_INDEX, Optional.empty())));

    assertThat(accepted).isEqualTo(new NotificationQueue.Accepted(1, 0, 1, 0));
    assertThat(results).containsExactly("queued", "dropped");
  }

  @Test
  void pullsBlobPushesAndDeletesAreIgnored() {
    NotificationQueue queue = queue(8);
    Digest digest = Digest.sha256("x".getBytes());

    NotificationQueue.Accepted accepted =
        queue.accept(
            envelope(
                push(digest, "application/octet-stream", Optional.empty()),
                new NotificationEvent(
                    "pull",
                    Optional.of(MediaTypes.OCI_MANIFEST),
                    Optional.of(digest),
                    Optional.of(REPO),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty()),
                new NotificationEvent(
                    "delete",
                    Optional.empty(),
                    Optional.of(digest),
                    Optional.of(REPO),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty())));

    assertThat(accepted).isEqualTo(new NotificationQueue.Accepted(0, 0, 0, 3));
    assertThat(worker).isEmpty();
  }

  @Test
  void theUpstreamIsTheOneTheRequestHostOrUrlNamesElseTheDefault() {
    TestImages.Pushed onOther = TestImages.image(other, REPO, "1", "o", 10);
    TestImages.Pushed viaUrl = TestImages.image(other, REPO, "2", "u", 11);
    TestImages.Pushed onDefault = TestImages.image(upstream, REPO, "1", "d", 12);
    NotificationQueue queue = queue(8);

    queue.accept(
        envelope(
            push(onOther.manifest(), MediaTypes.OCI_MANIFEST, Optional.of(OTHER)),
            new NotificationEvent(
                "push",
                Optional.of(MediaTypes.OCI_MANIFEST),
                Optional.of(viaUrl.manifest()),
                Optional.of(REPO),
                Optional.empty(),
                Optional.of("http://" + OTHER + "/v2/team/app/manifests/" + viaUrl.manifest()),
                Optional.of("unknown.host:1")),
            push(onDefault.manifest(), MediaTypes.OCI_MANIFEST, Optional.of("Weird Host!"))));
    runWorker();

    assertThat(warmer.calls)
        .filteredOn(c -> c.registry().equals(RegistryHost.of(OTHER)))
        .extracting(RecordingWarmer.Call::digest)
        .containsExactlyInAnyOrderElementsOf(concat(onOther.blobs(), viaUrl.blobs()));
    assertThat(warmer.calls)
        .filteredOn(c -> c.registry().equals(RegistryHost.of(HOST)))
        .extracting(RecordingWarmer.Call::digest)
        .containsExactlyInAnyOrderElementsOf(onDefault.blobs());
  }

  @Test
  void aFailedPreheatDoesNotStopTheQueue() {
    TestImages.Pushed good = TestImages.image(upstream, REPO, "1", "g", 10);
    NotificationQueue queue = queue(8);

    queue.accept(
        envelope(
            push(Digest.sha256("missing".getBytes()), MediaTypes.OCI_MANIFEST, Optional.empty()),
            push(good.manifest(), MediaTypes.OCI_MANIFEST, Optional.empty())));
    runWorker();

    assertThat(warmer.digests()).containsExactlyElementsOf(good.blobs());
  }

  private static List<Digest> concat(List<Digest> a, List<Digest> b) {
    List<Digest> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
