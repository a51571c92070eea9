package io.layerswarm.tracker.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.layerswarm.core.auth.ClusterSecret;
import io.layerswarm.core.auth.HttpAuth;
import io.layerswarm.core.bencode.Bencode;
import io.layerswarm.proto.admin.FleetAgentProgress;
import io.layerswarm.proto.admin.FleetPreheatProgress;
import io.layerswarm.proto.admin.FleetPreheatRequest;
import io.layerswarm.proto.admin.TrackerAdminGrpc;
import io.layerswarm.testing.ManualClock;
import io.layerswarm.tracker.TrackerConfig;
import io.layerswarm.tracker.TrackerServer;
import io.layerswarm.tracker.peerstore.InMemoryPeerStore;
import io.layerswarm.tracker.testing.KnownMetainfo;
import io.layerswarm.tracker.testing.TrackerHttp;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real tracker with a cluster secret and its admin API: agents' polls on {@code /fleet} (signed
 * like announces) and the {@code FleetPreheat} stream.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FleetEndpointTest {
  private static final String POLL = "/fleet?port=7001&interval=15&zone=a";

  private final ClusterSecret secret = ClusterSecret.random();
  private final ManualClock clock = new ManualClock();
  private final TrackerHttp member = new TrackerHttp(HttpAuth.of(Optional.of(secret), clock));
  private final TrackerHttp stranger = new TrackerHttp();
  private TrackerServer server;
  private ManagedChannel channel;
  private URI base;

  @BeforeEach
  void start() throws Exception {
    server =
        TrackerServer.start(
            TrackerConfig.defaults(new InetSocketAddress("127.0.0.1", 0))
                .withClusterSecret(secret)
                .withAdmin(new InetSocketAddress("127.0.0.1", 0), Optional.empty()),
            new InMemoryPeerStore(),
            KnownMetainfo.of(new io.layerswarm.core.Digest("sha256", "1".repeat(64)), new byte[1]),
            clock);
    base = TrackerHttp.base(server.address());
    channel =
        NettyChannelBuilder.forAddress(server.adminAddress().orElseThrow()).usePlaintext().build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.close();
  }

  private Iterator<FleetPreheatProgress> preheat(String zone) {
    return TrackerAdminGrpc.newBlockingStub(channel)
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .fleetPreheat(
            FleetPreheatRequest.newBuilder()
                .setImage("registry.test/team/app:1")
                .setZone(zone)
                .setMaxParallel(1)
                .build());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> job(Map<String, Object> reply) {
    return (Map<String, Object>) reply.get("job");
  }

  private static String string(Map<String, Object> dict, String key) {
    return new String((byte[]) dict.get(key), StandardCharsets.UTF_8);
  }

  @Test
  void anAgentIsHandedTheJobReportsItDoneAndTheStreamEndsWithItsProgress() throws Exception {
    assertThat(member.bencoded(base, POLL)).isEmpty();
    Iterator<FleetPreheatProgress> stream = preheat("a");

    FleetPreheatProgress first = stream.next();
    assertThat(first.getTotalAgents()).isEqualTo(1);
    assertThat(first.getAgentsList())
        .extracting(FleetAgentProgress::getAgent, FleetAgentProgress::getZone)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("127.0.0.1:7001", "a"));

    Map<String, Object> order = job(member.bencoded(base, POLL));
    assertThat(string(order, "image")).isEqualTo("registry.test/team/app:1");
    String id = string(order, "id");
    assertThat(id).isEqualTo(first.getJobId());
    assertThat(
            member.bencoded(
                base, POLL + "&job=" + id + "&state=done&blobs=4&of=4&bytes=4096&total=4096"))
        .isEmpty();

    List<FleetPreheatProgress> rest = new ArrayList<>();
    stream.forEachRemaining(rest::add);
    FleetPreheatProgress last = rest.get(rest.size() - 1);
    assertThat(last.getEnded()).isTrue();
    assertThat(last.getDone()).isEqualTo(1);
    assertThat(last.getBytesLocal()).isEqualTo(4096);
  }

  @Test
  void anUnsignedOrWronglySignedPollGets401AndNeitherAJobNorAPlaceInTheFleet() throws Exception {
    member.bencoded(base, POLL);
    Iterator<FleetPreheatProgress> stream = preheat("a");
    assertThat(stream.next().getWaiting()).isEqualTo(1);
    TrackerHttp other = new TrackerHttp(HttpAuth.of(Optional.of(ClusterSecret.random()), clock));

    HttpResponse<byte[]> unsigned = stranger.get(base, POLL);
    HttpResponse<byte[]> wrong = other.get(base, "/fleet?port=7002&interval=15&zone=a");

    for (HttpResponse<byte[]> refused : List.of(unsigned, wrong)) {
      assertThat(refused.statusCode()).isEqualTo(401);
      @SuppressWarnings("unchecked")
      Map<String, Object> body = (Map<String, Object>) Bencode.decode(refused.body());
      assertThat(body).containsOnlyKeys("failure reason");
    }
    assertThat(TrackerHttp.text(stranger.get(base, "/metrics")))
        .contains("tracker_fleet_agents 1.0")
        .contains("tracker_unsigned_requests_total{endpoint=\"fleet\"} 2.0");
    // Still the member's: nobody else was handed it.
    assertThat(job(member.bencoded(base, POLL))).isNotNull();
  }

  @Test
  void aBadPollIs400AndAPreheatThatMatchesNoAgentFailsAtOnce() throws Exception {
    HttpResponse<byte[]> bad = member.get(base, "/fleet?port=0&interval=15");
    assertThat(bad.statusCode()).isEqualTo(400);
    member.bencoded(base, POLL);

    assertThatThrownBy(() -> preheat("b").next())
        .isInstanceOf(StatusRuntimeException.class)
        .satisfies(
            e ->
                assertThat(((StatusRuntimeException) e).getStatus().getCode())
                    .isEqualTo(Status.Code.FAILED_PRECONDITION))
        .hasMessageContaining("zone b");
    assertThatThrownBy(
            () ->
                TrackerAdminGrpc.newBlockingStub(channel)
                    .fleetPreheat(FleetPreheatRequest.newBuilder().setImage("Not An Image").build())
                    .next())
        .hasMessageContaining("INVALID_ARGUMENT")
        .hasMessageContaining("image");
  }
}
