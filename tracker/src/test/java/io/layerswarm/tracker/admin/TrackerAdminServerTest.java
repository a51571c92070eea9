package io.layerswarm.tracker.admin;

import static io.layerswarm.tracker.testing.TrackerHttp.announcePath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.layerswarm.admin.BearerTokenCredentials;
import io.layerswarm.core.Digest;
import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.proto.admin.TrackerAdminGrpc;
import io.layerswarm.proto.admin.TrackerHealth;
import io.layerswarm.proto.admin.TrackerHealthRequest;
import io.layerswarm.proto.admin.TrackerPeer;
import io.layerswarm.proto.admin.TrackerPeerList;
import io.layerswarm.proto.admin.TrackerPeersRequest;
import io.layerswarm.proto.admin.TrackerSwarmList;
import io.layerswarm.proto.admin.TrackerSwarmsRequest;
import io.layerswarm.testing.ManualClock;
import io.layerswarm.tracker.TrackerConfig;
import io.layerswarm.tracker.TrackerServer;
import io.layerswarm.tracker.peerstore.AnnounceEvent;
import io.layerswarm.tracker.peerstore.InMemoryPeerStore;
import io.layerswarm.tracker.peerstore.Peer;
import io.layerswarm.tracker.peerstore.PeerStore;
import io.layerswarm.tracker.peerstore.PeerStoreFullException;
import io.layerswarm.tracker.peerstore.PeerStoreUnavailableException;
import io.layerswarm.tracker.peerstore.RedisPeerStore;
import io.layerswarm.tracker.peerstore.StoreStats;
import io.layerswarm.tracker.peerstore.SwarmCounts;
import io.layerswarm.tracker.testing.KnownMetainfo;
import io.layerswarm.tracker.testing.Peers;
import io.layerswarm.tracker.testing.RedisServer;
import io.layerswarm.tracker.testing.TrackerHttp;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The admin API of a real tracker: its swarms and peers after real HTTP announces. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TrackerAdminServerTest {
  private static final String TOKEN = "tr4cker-token";
  private static final byte[] HASH = "admin-api-swarm-0001".getBytes();
  private static final byte[] SMALL = "admin-api-swarm-0002".getBytes();

  @TempDir Path dir;
  private final ManualClock clock = new ManualClock();
  private final TrackerHttp http = new TrackerHttp();
  private PeerStore store = new InMemoryPeerStore();
  private TrackerServer server;
  private ManagedChannel channel;
  private byte[] torrent;
  private Digest digest;

  private void start(PeerStore peers, Optional<String> token) throws Exception {
    store = peers;
    Path blob = dir.resolve("blob");
    Files.write(blob, new byte[100_000]);
    digest = Digest.sha256(Files.readAllBytes(blob));
    torrent =
        Metainfo.create(blob, digest.hex(), List.of(URI.create("http://t/announce")), 16 * 1024)
            .encode();
    server =
        TrackerServer.start(
            TrackerConfig.defaults(new InetSocketAddress("127.0.0.1", 0))
                .withAdmin(new InetSocketAddress("127.0.0.1", 0), token),
            store,
            KnownMetainfo.of(digest, torrent),
            clock);
    channel =
        NettyChannelBuilder.forAddress(server.adminAddress().orElseThrow()).usePlaintext().build();
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

  private TrackerAdminGrpc.TrackerAdminBlockingStub admin() {
    return TrackerAdminGrpc.newBlockingStub(channel)
        .withCallCredentials(new BearerTokenCredentials(TOKEN))
        .withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  private void announce(byte[] hash, String peer, int port, long left, String extra)
      throws Exception {
    Object failure =
        http.bencoded(
                TrackerHttp.base(server.address()), announcePath("", hash, peer, port, left, extra))
            .get("failure reason");
    assertThat(failure).isNull();
  }

  @Test
  void swarmsListsTheAnnouncedSwarmsMostPeersFirst() throws Exception {
    start(new InMemoryPeerStore(), Optional.of(TOKEN));
    announce(SMALL, "solo", 7000, 10, "");
    announce(HASH, "alice", 7001, 0, "&event=completed");
    announce(HASH, "bob", 7002, 10, "&zone=eu-1&rack=r7");

    TrackerSwarmList list = admin().swarms(TrackerSwarmsRequest.getDefaultInstance());

    assertThat(list.getPeerStore()).isEqualTo("memory");
    assertThat(list.getTotalSwarms()).isEqualTo(2);
    assertThat(list.getNowMillis()).isEqualTo(clock.instant().toEpochMilli());
    assertThat(list.getSwarmsList())
        .extracting(s -> s.getInfoHash())
        .containsExactly(HexFormat.of().formatHex(HASH), HexFormat.of().formatHex(SMALL));
    assertThat(list.getSwarms(0).getSeeds()).isEqualTo(1);
    assertThat(list.getSwarms(0).getLeechers()).isEqualTo(1);
    assertThat(list.getSwarms(0).getDownloaded()).isEqualTo(1);
    assertThat(list.getSwarms(0).getDigest()).isEmpty();
    assertThat(
            admin().swarms(TrackerSwarmsRequest.newBuilder().setLimit(1).build()).getSwarmsList())
        .hasSize(1);
  }

  @Test
  void peersShowsAddressRoleTopologyAndTimeLeft() throws Exception {
    start(new InMemoryPeerStore(), Optional.of(TOKEN));
    announce(HASH, "alice", 7001, 0, "");
    clock.advance(Duration.ofSeconds(30));
    announce(HASH, "bob", 7002, 10, "&zone=eu-1&rack=r7");

    TrackerPeerList list =
        admin()
            .peers(
                TrackerPeersRequest.newBuilder()
                    .setInfoHash(HexFormat.of().formatHex(HASH).toUpperCase())
                    .build());

    assertThat(list.getInfoHash()).isEqualTo(HexFormat.of().formatHex(HASH));
    assertThat(list.getTotalPeers()).isEqualTo(2);
    assertThat(list.getPeersList())
        .extracting(TrackerPeer::getPeerId)
        .containsExactly(
            HexFormat.of().formatHex(Peers.id("alice").bytes()),
            HexFormat.of().formatHex(Peers.id("bob").bytes()));
    TrackerPeer alice = list.getPeers(0);
    TrackerPeer bob = list.getPeers(1);
    assertThat(alice.getAddress()).isEqualTo("127.0.0.1:7001");
    assertThat(alice.getComplete()).isTrue();
    assertThat(alice.getZone()).isEmpty();
    assertThat(alice.getExpiresInMillis()).isEqualTo(60_000); // TTL 90 s, announced 30 s ago
    assertThat(bob.getComplete()).isFalse();
    assertThat(bob.getZone()).isEqualTo("eu-1");
    assertThat(bob.getRack()).isEqualTo("r7");
    assertThat(bob.getExpiresInMillis()).isEqualTo(90_000);
  }

  @Test
  void aDigestNamesTheSwarmOnceTheTrackerServedItsMetainfo() throws Exception {
    start(new InMemoryPeerStore(), Optional.of(TOKEN));
    InfoHash infoHash = Metainfo.parse(torrent).infoHash();
    TrackerPeersRequest byDigest =
        TrackerPeersRequest.newBuilder().setDigest(digest.toString()).build();
    assertThatThrownBy(() -> admin().peers(byDigest))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
              assertThat(e.getStatus().getDescription())
                  .contains(digest.toString())
                  .contains("info hash");
            });

    assertThat(
            http.get(
                    TrackerHttp.base(server.address()),
                    "/metainfo/" + digest + "?registry=r.test&repo=app")
                .statusCode())
        .isEqualTo(200);
    announce(infoHash.bytes(), "carol", 7003, 0, "");

    TrackerPeerList peers = admin().peers(byDigest);
    assertThat(peers.getInfoHash()).isEqualTo(infoHash.hex());
    assertThat(peers.getDigest()).isEqualTo(digest.toString());
    assertThat(peers.getPeersList())
        .singleElement()
        .satisfies(p -> assertThat(p.getAddress()).isEqualTo("127.0.0.1:7003"));
    assertThat(admin().swarms(TrackerSwarmsRequest.getDefaultInstance()).getSwarms(0).getDigest())
        .isEqualTo(digest.toString());
  }

  @Test
  void anUnknownSwarmHasNoPeersAndBadArgumentsAreRefused() throws Exception {
    start(new InMemoryPeerStore(), Optional.of(TOKEN));

    assertThat(
            admin()
                .peers(TrackerPeersRequest.newBuilder().setInfoHash("ab".repeat(20)).build())
                .getPeersList())
        .isEmpty();
    for (TrackerPeersRequest bad :
        List.of(
            TrackerPeersRequest.getDefaultInstance(),
            TrackerPeersRequest.newBuilder().setInfoHash("xyz").build(),
            TrackerPeersRequest.newBuilder().setDigest("sha256:12").build(),
            TrackerPeersRequest.newBuilder()
                .setInfoHash("ab".repeat(20))
                .setDigest(Digest.sha256(new byte[1]).toString())
                .build(),
            TrackerPeersRequest.newBuilder()
                .setInfoHash("ab".repeat(20))
                .setLimit(10_001)
                .build())) {
      assertThatThrownBy(() -> admin().peers(bad))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    }
  }

  @Test
  void everyCallNeedsTheToken() throws Exception {
    start(new InMemoryPeerStore(), Optional.of(TOKEN));
    TrackerAdminGrpc.TrackerAdminBlockingStub anonymous = TrackerAdminGrpc.newBlockingStub(channel);
    TrackerAdminGrpc.TrackerAdminBlockingStub wrong =
        TrackerAdminGrpc.newBlockingStub(channel)
            .withCallCredentials(new BearerTokenCredentials(TOKEN + "x"));

    for (TrackerAdminGrpc.TrackerAdminBlockingStub stub : List.of(anonymous, wrong)) {
      assertThatThrownBy(() -> stub.health(TrackerHealthRequest.getDefaultInstance()))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                assertThat(e.getStatus().getDescription()).contains("tracker.admin-token");
              });
    }
  }

  @Test
  void withoutATokenNoneIsNeeded() throws Exception {
    start(new InMemoryPeerStore(), Optional.empty());

    TrackerHealth health =
        TrackerAdminGrpc.newBlockingStub(channel).health(TrackerHealthRequest.getDefaultInstance());

    assertThat(health.getUp()).isTrue();
    assertThat(health.getPeerStore()).isEqualTo("memory");
    assertThat(health.getListen()).isEqualTo("127.0.0.1:" + server.address().getPort());
    assertThat(health.getSignatureRequired()).isFalse();
  }

  @Test
  void withRedisTheListsComeFromRedisAndHealthNamesItWithoutThePassword() throws Exception {
    RedisServer.assumeInstalled();
    try (RedisServer redis = RedisServer.startOnFreePort();
        RedisPeerStore shared = RedisPeerStore.connect(redis.uri())) {
      start(shared, Optional.of(TOKEN));
      announce(HASH, "alice", 7001, 0, "&event=completed");
      announce(HASH, "bob", 7002, 10, "&zone=eu-1");

      TrackerSwarmList swarms = admin().swarms(TrackerSwarmsRequest.getDefaultInstance());
      TrackerPeerList peers =
          admin()
              .peers(
                  TrackerPeersRequest.newBuilder()
                      .setInfoHash(HexFormat.of().formatHex(HASH))
                      .build());
      TrackerHealth health = admin().health(TrackerHealthRequest.getDefaultInstance());

      assertThat(swarms.getPeerStore()).isEqualTo("redis");
      assertThat(swarms.getSwarmsList())
          .singleElement()
          .satisfies(
              s -> {
                assertThat(s.getSeeds()).isEqualTo(1);
                assertThat(s.getLeechers()).isEqualTo(1);
                assertThat(s.getDownloaded()).isEqualTo(1);
              });
      assertThat(peers.getPeersList())
          .extracting(TrackerPeer::getAddress)
          .containsExactly("127.0.0.1:7001", "127.0.0.1:7002");
      assertThat(peers.getPeers(1).getZone()).isEqualTo("eu-1");
      assertThat(peers.getPeers(0).getExpiresInMillis()).isEqualTo(90_000);
      assertThat(health.getUp()).isTrue();
      assertThat(health.getPeerStore()).isEqualTo("redis");
      assertThat(health.getPeerStoreLocation()).startsWith("redis://127.0.0.1:");
      assertThat(health.getSwarms()).isEqualTo(1);
      assertThat(health.getPeers()).isEqualTo(2);
      server.close();
      server = null;
    }
  }

  /** A store that is down for everything, as Redis is when unreachable. */
  private static final class DownStore implements PeerStore {
    @Override
    public void announce(
        InfoHash infoHash, Peer peer, AnnounceEvent event, Instant now, Instant expiresAt)
        throws PeerStoreUnavailableException {
      throw down();
    }

    @Override
    public List<Peer> select(InfoHash infoHash, Peer asker, int numwant, Instant now)
        throws PeerStoreUnavailableException {
      throw down();
    }

    @Override
    public SwarmCounts counts(InfoHash infoHash, Instant now) throws PeerStoreUnavailableException {
      throw down();
    }

    @Override
    public int sweep(Instant now) throws PeerStoreUnavailableException {
      throw down();
    }

    @Override
    public StoreStats stats(Instant now) throws PeerStoreUnavailableException {
      throw down();
    }

    @Override
    public void check() throws PeerStoreUnavailableException {
      throw down();
    }

    private static PeerStoreUnavailableException down() {
      return new PeerStoreUnavailableException(
          "ping in redis://10.9.9.9:6379/0 failed:" + " Connection refused", null);
    }
  }

  @Test
  void aStoreThatIsDownIsReportedByHealthAndFailsListsAsUnavailable() throws Exception {
    start(new DownStore(), Optional.of(TOKEN));

    TrackerHealth health = admin().health(TrackerHealthRequest.getDefaultInstance());

    assertThat(health.getUp()).isFalse();
    assertThat(health.getReason())
        .isEqualTo(
            "peer store unavailable: ping in"
                + " redis://10.9.9.9:6379/0 failed: Connection refused");
    assertThat(health.getPeerStore()).isEqualTo("DownStore");
    // A store without the listing methods (written before them) is UNIMPLEMENTED for Swarms.
    assertThatThrownBy(() -> admin().swarms(TrackerSwarmsRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
  }

  /** A real store that fails every call while {@code down} is set. */
  private static final class FlakyStore implements PeerStore {
    private final InMemoryPeerStore real = new InMemoryPeerStore();
    volatile boolean down;

    private void check(String action) throws PeerStoreUnavailableException {
      if (down) {
        throw new PeerStoreUnavailableException(action + " in flaky store failed", null);
      }
    }

    @Override
    public void announce(
        InfoHash infoHash, Peer peer, AnnounceEvent event, Instant now, Instant expiresAt)
        throws PeerStoreUnavailableException, PeerStoreFullException {
      check("announce");
      real.announce(infoHash, peer, event, now, expiresAt);
    }

    @Override
    public List<Peer> select(InfoHash infoHash, Peer asker, int numwant, Instant now)
        throws PeerStoreUnavailableException {
      check("select");
      return real.select(infoHash, asker, numwant, now);
    }

    @Override
    public SwarmCounts counts(InfoHash infoHash, Instant now) throws PeerStoreUnavailableException {
      check("counts");
      return real.counts(infoHash, now);
    }

    @Override
    public int sweep(Instant now) throws PeerStoreUnavailableException {
      check("sweep");
      return real.sweep(now);
    }

    @Override
    public StoreStats stats(Instant now) throws PeerStoreUnavailableException {
      check("stats");
      return real.stats(now);
    }

    @Override
    public List<io.layerswarm.tracker.peerstore.SwarmSummary> swarms(Instant now)
        throws PeerStoreUnavailableException {
      check("list swarms");
      return real.swarms(now);
    }
  }

  @Test
  void listsFailAsUnavailableWithTheTrailerWhileTheStoreIsDown() throws Exception {
    FlakyStore flaky = new FlakyStore();
    start(flaky, Optional.of(TOKEN));
    announce(HASH, "alice", 7001, 0, "");
    flaky.down = true;

    assertThatThrownBy(() -> admin().swarms(TrackerSwarmsRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
              assertThat(e.getStatus().getDescription())
                  .isEqualTo("peer store unavailable: list swarms in flaky store failed");
              assertThat(e.getTrailers().get(TrackerAdminService.UNAVAILABLE_KEY))
                  .isEqualTo("peer-store");
            });
    flaky.down = false;
    assertThat(admin().swarms(TrackerSwarmsRequest.getDefaultInstance()).getTotalSwarms())
        .isEqualTo(1);
  }
}
