package io.layerswarm.seeder.preheat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.RegistryHost;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.registry.client.InMemoryUpstreamRegistry;
import io.layerswarm.registry.client.Upstreams;
import io.layerswarm.registry.image.Platform;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class PreheatServiceTest {
  private static final String HOST = "registry.test:5000";
  private static final RepositoryName REPO = new RepositoryName("team/app");

  private final InMemoryUpstreamRegistry upstream =
      new InMemoryUpstreamRegistry(URI.create("http://" + HOST));
  private final RecordingWarmer warmer = new RecordingWarmer();
  private final List<PreheatEvent> observed = new ArrayList<>();
  private final PreheatService service =
      new PreheatService(Upstreams.single(upstream), warmer, Runnable::run, observed::add);

  /** Collects the events of one preheat. */
  private static class Events implements PreheatListener {
    final List<PreheatEvent> events = new ArrayList<>();
    int cancelAfter = Integer.MAX_VALUE;

    @Override
    public synchronized void progress(PreheatEvent event) {
      events.add(event);
    }

    @Override
    public synchronized boolean cancelled() {
      return events.size() >= cancelAfter;
    }

    List<String> states() {
      List<String> states = new ArrayList<>();
      events.forEach(e -> states.add(e.state().label()));
      return states;
    }

    PreheatEvent last() {
      return events.get(events.size() - 1);
    }
  }

  @Test
  void aTaggedMultiPlatformImageHasEveryPlatformsConfigAndLayersWarmedOnce() {
    Digest shared = TestImages.sharedLayer(upstream, REPO);
    TestImages.Pushed amd64 =
        TestImages.image(upstream, REPO, "amd64", "amd64", List.of(shared), 1000, 2000);
    TestImages.Pushed arm64 =
        TestImages.image(upstream, REPO, "arm64", "arm64", List.of(shared), 1500);
    Digest index =
        TestImages.index(
            upstream, REPO, "1.0", List.of(amd64, arm64), List.of("linux/amd64", "linux/arm64/v8"));
    Events events = new Events();

    boolean complete = service.preheat(List.of(HOST + "/team/app:1.0"), Optional.empty(), events);

    assertThat(complete).isTrue();
    List<Digest> expected = new ArrayList<>(amd64.blobs());
    arm64.blobs().stream().filter(d -> !expected.contains(d)).forEach(expected::add);
    assertThat(warmer.digests()).containsExactlyElementsOf(expected).doesNotHaveDuplicates();
    assertThat(warmer.calls)
        .allMatch(c -> c.repo().equals(REPO) && c.registry().equals(RegistryHost.of(HOST)));
    PreheatEvent resolved = events.events.get(0);
    assertThat(resolved.state()).isEqualTo(PreheatEvent.State.RESOLVED);
    assertThat(resolved.digest()).contains(index);
    assertThat(resolved.message())
        .contains(expected.size() + " blobs")
        .contains("linux/amd64")
        .contains("linux/arm64/v8");
    long total = amd64.bytes() + arm64.bytes() - TestImages.SHARED_SIZE;
    assertThat(resolved.bytesTotal()).isEqualTo(total);
    assertThat(events.last().state()).isEqualTo(PreheatEvent.State.COMPLETE);
    assertThat(events.last().bytesDone()).isEqualTo(total);
    assertThat(events.last().image()).isEqualTo(HOST + "/team/app:1.0");
    assertThat(events.states()).filteredOn("done"::equals).hasSize(expected.size());
    assertThat(observed).isEqualTo(events.events);
  }

  @Test
  void aPlatformSelectsOneManifestOfTheIndex() {
    TestImages.Pushed amd64 = TestImages.image(upstream, REPO, "amd64", "amd64", 1000);
    TestImages.Pushed arm64 = TestImages.image(upstream, REPO, "arm64", "arm64", 1500);
    TestImages.index(
        upstream, REPO, "1.0", List.of(amd64, arm64), List.of("linux/amd64", "linux/arm64"));

    assertThat(
            service.preheat(
                List.of(HOST + "/team/app:1.0"),
                Optional.of(Platform.parse("linux/arm64")),
                new Events()))
        .isTrue();

    assertThat(warmer.digests()).containsExactlyElementsOf(arm64.blobs());
  }

  @Test
  void aPlatformTheIndexLacksFailsTheImageNamingWhatItHas() {
    TestImages.Pushed amd64 = TestImages.image(upstream, REPO, "amd64", "amd64", 1000);
    TestImages.index(upstream, REPO, "1.0", List.of(amd64), List.of("linux/amd64"));
    Events events = new Events();

    assertThat(
            service.preheat(
                List.of(HOST + "/team/app:1.0"),
                Optional.of(Platform.parse("linux/s390x")),
                events))
        .isFalse();

    assertThat(events.states()).containsExactly("failed");
    assertThat(events.last().message()).contains("linux/s390x").contains("linux/amd64");
    assertThat(warmer.calls).isEmpty();
  }

  @Test
  void aSinglePlatformManifestByDigestIsWarmedAsIs() {
    TestImages.Pushed image = TestImages.image(upstream, REPO, "x", "x", 10, 20, 30);
    Events events = new Events();

    assertThat(
            service.preheat(
                List.of(HOST + "/team/app@" + image.manifest()), Optional.empty(), events))
        .isTrue();

    assertThat(warmer.digests()).containsExactlyElementsOf(image.blobs());
    assertThat(events.states())
        .startsWith("resolved")
        .endsWith("complete")
        .filteredOn("fetching"::equals)
        .hasSize(4);
  }

  @Test
  void aNameWithoutHostUsesTheDefaultUpstreamAndDockerHubsLibrary() {
    InMemoryUpstreamRegistry hub =
        new InMemoryUpstreamRegistry(URI.create("https://registry-1.docker.io"));
    TestImages.Pushed alpine =
        TestImages.image(hub, new RepositoryName("library/alpine"), "3", "alpine", 100);
    PreheatService onHub =
        new PreheatService(
            Upstreams.of("docker.io", Map.of("docker.io", hub)), warmer, Runnable::run, e -> {});

    assertThat(onHub.preheat(List.of("alpine:3"), Optional.empty(), new Events())).isTrue();

    assertThat(warmer.digests()).containsExactlyElementsOf(alpine.blobs());
    assertThat(warmer.calls)
        .allMatch(
            c ->
                c.registry().equals(RegistryHost.DOCKER_HUB)
                    && c.repo().value().equals("library/alpine"));
  }

  @Test
  void anUnknownRegistryOrManifestFailsTheImageWithoutWarmingAnything() {
    Events unknownHost = new Events();
    Events unknownTag = new Events();

    assertThat(service.preheat(List.of("other.example/team/app:1"), Optional.empty(), unknownHost))
        .isFalse();
    assertThat(service.preheat(List.of(HOST + "/team/app:missing"), Optional.empty(), unknownTag))
        .isFalse();

    assertThat(unknownHost.events)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.state()).isEqualTo(PreheatEvent.State.FAILED);
              assertThat(e.message()).contains("unknown upstream registry other.example");
            });
    assertThat(unknownTag.events)
        .singleElement()
        .satisfies(
            e -> assertThat(e.message()).contains("MANIFEST_UNKNOWN").contains("team/app:missing"));
    assertThat(warmer.calls).isEmpty();
  }

  @Test
  void aBlobThatCannotBeWarmedIsAnErrorTheOthersStillGetWarmedAndTheImageFails() {
    TestImages.Pushed image = TestImages.image(upstream, REPO, "1", "x", 10, 20);
    Digest bad = image.blobs().get(1);
    warmer.failing.add(bad);
    Events events = new Events();

    assertThat(service.preheat(List.of(HOST + "/team/app:1"), Optional.empty(), events)).isFalse();

    assertThat(warmer.digests()).containsExactlyElementsOf(image.blobs());
    assertThat(events.events)
        .filteredOn(e -> e.state() == PreheatEvent.State.ERROR)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.digest()).contains(bad);
              assertThat(e.message()).contains("503");
            });
    assertThat(events.last().state()).isEqualTo(PreheatEvent.State.FAILED);
    assertThat(events.last().message()).startsWith("1 of 3 blobs failed").contains(bad.toString());
  }

  @Test
  void aMalformedReferenceFailsTheWholeRequestBeforeAnyWork() {
    TestImages.image(upstream, REPO, "1", "x", 10);

    assertThatThrownBy(
            () ->
                service.preheat(
                    List.of(HOST + "/team/app:1", "Bad Name"), Optional.empty(), new Events()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Bad Name");
    assertThat(warmer.calls).isEmpty();
    assertThatThrownBy(() -> PreheatService.parse(List.of())).hasMessageContaining("no images");
  }

  @Test
  void aCancelledPreheatStartsNoMoreBlobs() {
    TestImages.image(upstream, REPO, "1", "x", 10, 20, 30, 40);
    Events events = new Events();
    events.cancelAfter = 3; // resolved, fetching, done

    assertThat(
            service.preheat(
                List.of(HOST + "/team/app:1", HOST + "/team/app:1"), Optional.empty(), events))
        .isFalse();

    assertThat(warmer.calls).hasSize(1);
    assertThat(events.last().state()).isEqualTo(PreheatEvent.State.FAILED);
    assertThat(events.last().message()).contains("cancelled");
  }

  @Test
  void blobsWarmedInParallelReportToTheListenerOneAtATime() throws Exception {
    TestImages.Pushed image = TestImages.image(upstream, REPO, "1", "x", 1, 2, 3, 4, 5, 6, 7, 8);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      PreheatService parallel =
          new PreheatService(Upstreams.single(upstream), warmer, pool, e -> {});
      Events events =
          new Events() {
            private boolean inside;

            @Override
            public void progress(PreheatEvent event) {
              assertThat(inside).as("listener entered twice at once").isFalse();
              inside = true;
              super.progress(event);
              Thread.yield();
              inside = false;
            }
          };

      assertThat(parallel.preheat(List.of(HOST + "/team/app:1"), Optional.empty(), events))
          .isTrue();

      assertThat(new HashSet<>(warmer.digests()))
          .containsExactlyInAnyOrderElementsOf(image.blobs());
      assertThat(events.states()).filteredOn("done"::equals).hasSize(image.blobs().size());
      assertThat(events.last().state()).isEqualTo(PreheatEvent.State.COMPLETE);
    } finally {
      pool.shutdownNow();
    }
  }
}
