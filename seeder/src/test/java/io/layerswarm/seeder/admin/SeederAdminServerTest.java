package io.layerswarm.seeder.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.layerswarm.admin.AdminGrpcServer;
import io.layerswarm.admin.BearerTokenCredentials;
import io.layerswarm.core.Digest;
import io.layerswarm.core.ring.HealthChecker;
import io.layerswarm.core.ring.SeederRing;
import io.layerswarm.proto.admin.PreheatProgress;
import io.layerswarm.proto.admin.PreheatRequest;
import io.layerswarm.proto.admin.SeederAdminGrpc;
import io.layerswarm.proto.admin.SeederBlobList;
import io.layerswarm.proto.admin.SeederBlobsRequest;
import io.layerswarm.proto.admin.SeederEvictRequest;
import io.layerswarm.proto.admin.SeederEvictResponse;
import io.layerswarm.proto.admin.SeederRingRequest;
import io.layerswarm.proto.admin.SeederRingStatus;
import io.layerswarm.registry.Manifest;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.registry.client.InMemoryUpstreamRegistry;
import io.layerswarm.registry.client.Upstreams;
import io.layerswarm.registry.image.MediaTypes;
import io.layerswarm.seeder.evict.EvictOutcome;
import io.layerswarm.seeder.evict.EvictionSettings;
import io.layerswarm.seeder.evict.EvictionTarget;
import io.layerswarm.seeder.preheat.BlobWarmer;
import io.layerswarm.seeder.preheat.PreheatService;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SeederAdminServerTest {
  private static final String TOKEN = "s3cret-token";
  private static final String HOST = "registry.test:5000";
  private static final RepositoryName REPO = new RepositoryName("team/app");
  private static final URI SELF = URI.create("http://10.0.0.1:6970");
  private static final URI PEER = URI.create("http://10.0.0.2:6970");
  private static final Digest HELD = Digest.sha256("held".getBytes());

  private final InMemoryUpstreamRegistry upstream =
      new InMemoryUpstreamRegistry(URI.create("http://" + HOST));
  private final List<Digest> warmed = new ArrayList<>();
  private final List<Digest> evicted = new ArrayList<>();
  private AdminGrpcServer server;
  private ManagedChannel channel;

  /** One blob, evictable once. */
  private final BlobCatalog catalog =
      new BlobCatalog() {
        @Override
        public List<Entry> blobs() {
          return evicted.contains(HELD)
              ? List.of()
              : List.of(
                  new Entry(
                      HELD,
                      1234,
                      Optional.of("ab".repeat(20)),
                      true,
                      2,
                      5000,
                      Optional.of(Instant.ofEpochMilli(42))));
        }

        @Override
        public EvictionTarget.Result evict(Digest digest) {
          if (!digest.equals(HELD) || evicted.contains(digest)) {
            return new EvictionTarget.Result(EvictOutcome.NOT_HELD, 0);
          }
          evicted.add(digest);
          return new EvictionTarget.Result(EvictOutcome.EVICTED, 1234);
        }

        @Override
        public EvictionSettings evictionSettings() {
          return new EvictionSettings(1000, 900, Duration.ofHours(1), Duration.ZERO);
        }
      };

  @BeforeEach
  void start() throws Exception {
    BlobWarmer warmer =
        (digest, registry, repo) -> {
          synchronized (warmed) {
            warmed.add(digest);
          }
          return "held by the test";
        };
    PreheatService preheat =
        new PreheatService(Upstreams.single(upstream), warmer, Runnable::run, e -> {});
    HealthChecker ring =
        new HealthChecker(
            SeederRing.of(List.of(SELF, PEER), 2),
            member -> CompletableFuture.completedFuture(null),
            () -> Instant.ofEpochMilli(7));
    server =
        AdminGrpcServer.start(
            "seeder",
            new InetSocketAddress("127.0.0.1", 0),
            Optional.of(TOKEN),
            Optional.empty(),
            SeederAdminService.THREADS,
            new SeederAdminService(preheat, catalog, ring, SELF));
    channel = NettyChannelBuilder.forAddress(server.address()).usePlaintext().build();
  }

  @AfterEach
  void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.close();
    }
  }

  private SeederAdminGrpc.SeederAdminBlockingStub admin() {
    return SeederAdminGrpc.newBlockingStub(channel)
        .withCallCredentials(new BearerTokenCredentials(TOKEN))
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  @Test
  void callsWithoutTheRightTokenAreUnauthenticated() {
    SeederAdminGrpc.SeederAdminBlockingStub anonymous = SeederAdminGrpc.newBlockingStub(channel);
    SeederAdminGrpc.SeederAdminBlockingStub wrong =
        SeederAdminGrpc.newBlockingStub(channel)
            .withCallCredentials(new BearerTokenCredentials("s3cret-tokeN"));

    for (SeederAdminGrpc.SeederAdminBlockingStub stub : List.of(anonymous, wrong)) {
      assertThatThrownBy(() -> stub.listBlobs(SeederBlobsRequest.getDefaultInstance()))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
    }
    assertThat(evicted).isEmpty();
  }

  @Test
  void listBlobsShowsTheHeldBlobsAndTheEvictionSettings() {
    SeederBlobList list = admin().listBlobs(SeederBlobsRequest.getDefaultInstance());

    assertThat(list.getBlobsList())
        .singleElement()
        .satisfies(
            blob -> {
              assertThat(blob.getDigest()).isEqualTo(HELD.toString());
              assertThat(blob.getSize()).isEqualTo(1234);
              assertThat(blob.getInfoHash()).isEqualTo("ab".repeat(20));
              assertThat(blob.getSeeding()).isTrue();
              assertThat(blob.getPeers()).isEqualTo(2);
              assertThat(blob.getUploadedBytes()).isEqualTo(5000);
              assertThat(blob.getLastAccessMillis()).isEqualTo(42);
            });
    assertThat(list.getStoredBytes()).isEqualTo(1234);
    assertThat(list.getDiskHighWatermark()).isEqualTo(1000);
    assertThat(list.getDiskLowWatermark()).isEqualTo(900);
    assertThat(list.getTimeToIdleMillis()).isEqualTo(3_600_000);
  }

  @Test
  void evictEvictsOnceThenSaysNotHeldAndRejectsABadDigest() {
    SeederEvictResponse first =
        admin().evict(SeederEvictRequest.newBuilder().setDigest(HELD.toString()).build());
    SeederEvictResponse second =
        admin().evict(SeederEvictRequest.newBuilder().setDigest(HELD.toString()).build());

    assertThat(first.getEvicted()).isTrue();
    assertThat(first.getBytesFreed()).isEqualTo(1234);
    assertThat(second.getEvicted()).isFalse();
    assertThat(second.getReason()).isEqualTo("not held");
    assertThatThrownBy(
            () -> admin().evict(SeederEvictRequest.newBuilder().setDigest("sha256:xyz").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
  }

  @Test
  void preheatStreamsProgressUntilTheImageIsComplete() {
    byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
    byte[] layer = new byte[5000];
    Digest configDigest = upstream.putBlob(REPO, config);
    Digest layerDigest = upstream.putBlob(REPO, layer);
    byte[] json =
        ("{\"schemaVersion\":2,\"mediaType\":\""
                + MediaTypes.OCI_MANIFEST
                + "\","
                + "\"config\":{\"mediaType\":\"c\",\"size\":2,\"digest\":\""
                + configDigest
                + "\"},"
                + "\"layers\":[{\"mediaType\":\"l\",\"size\":5000,\"digest\":\""
                + layerDigest
                + "\"}]}")
            .getBytes(StandardCharsets.UTF_8);
    upstream.putManifest(
        REPO, "1", new Manifest(json, MediaTypes.OCI_MANIFEST, Digest.sha256(json)));

    List<PreheatProgress> progress = new ArrayList<>();
    Iterator<PreheatProgress> stream =
        admin().preheat(PreheatRequest.newBuilder().addImages(HOST + "/team/app:1").build());
    stream.forEachRemaining(progress::add);

    assertThat(progress)
        .extracting(PreheatProgress::getState)
        .containsExactly("resolved", "fetching", "done", "fetching", "done", "complete");
    assertThat(progress.get(0).getBytesTotal()).isEqualTo(5002);
    assertThat(progress.get(5).getBytesDone()).isEqualTo(5002);
    assertThat(progress.get(5).getDigest()).isEqualTo(Digest.sha256(json).toString());
    assertThat(progress).allMatch(p -> p.getImage().equals(HOST + "/team/app:1"));
    assertThat(warmed).containsExactly(configDigest, layerDigest);
  }

  @Test
  void aMalformedImageOrPlatformIsAnInvalidArgumentBeforeAnyWork() {
    for (PreheatRequest request :
        List.of(
            PreheatRequest.newBuilder().addImages("Bad Name").build(),
            PreheatRequest.newBuilder().build(),
            PreheatRequest.newBuilder()
                .addImages(HOST + "/team/app:1")
                .setPlatform("linux")
                .build())) {
      assertThatThrownBy(() -> admin().preheat(request).forEachRemaining(p -> {}))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    }
    assertThat(warmed).isEmpty();
  }

  @Test
  void ringShowsTheMembersTheirHealthAndTheOwnersOfADigest() {
    SeederRingStatus status =
        admin().ring(SeederRingRequest.newBuilder().setDigest(HELD.toString()).build());

    assertThat(status.getSelf()).isEqualTo(SELF.toString());
    assertThat(status.getReplicas()).isEqualTo(2);
    assertThat(status.getMembersList())
        .extracting(m -> m.getId())
        .containsExactly(SELF.toString(), PEER.toString());
    assertThat(status.getMembersList()).allMatch(m -> m.getAlive());
    assertThat(status.getOwnersList()).containsExactlyInAnyOrder(SELF.toString(), PEER.toString());
    assertThat(status.getLiveOwnersList()).isEqualTo(status.getOwnersList());
  }
}
