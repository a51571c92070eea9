package io.layerswarm.agent.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.layerswarm.agent.AgentConfig;
import io.layerswarm.agent.AgentServer;
import io.layerswarm.agent.mirror.TransferProgress;
import io.layerswarm.agent.mirror.TransferProgress.Phase;
import io.layerswarm.core.Digest;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.PeerId;
import io.layerswarm.core.topology.Location;
import io.layerswarm.proto.admin.AgentAdminGrpc;
import io.layerswarm.proto.admin.AgentDrainProgress;
import io.layerswarm.proto.admin.AgentDrainRequest;
import io.layerswarm.proto.admin.AgentEvictRequest;
import io.layerswarm.proto.admin.AgentStatus;
import io.layerswarm.proto.admin.StatusRequest;
import io.layerswarm.proto.admin.TorrentInfo;
import io.layerswarm.proto.admin.TorrentPeer;
import io.layerswarm.proto.admin.TorrentPeers;
import io.layerswarm.proto.admin.TorrentPeersRequest;
import io.layerswarm.proto.admin.TorrentsRequest;
import io.layerswarm.proto.admin.Transfer;
import io.layerswarm.registry.client.InMemoryUpstreamRegistry;
import io.layerswarm.registry.client.Upstreams;
import io.layerswarm.swarm.PeerSnapshot;
import io.layerswarm.swarm.Torrent;
import io.layerswarm.swarm.Traffic;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminServerTest {
  private static final InetSocketAddress LISTEN = new InetSocketAddress("127.0.0.1", 5050);
  private static final InetSocketAddress PEERS = new InetSocketAddress("0.0.0.0", 6882);

  @TempDir Path dir;
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  /** A view with fixed answers; {@code failure} makes snapshots fail as a broken store would. */
  private static final class FixedView implements AgentView {
    AgentSnapshot snapshot;
    List<Torrent> torrents = List.of();
    RuntimeException failure;
    Drain drain;

    @Override
    public Optional<Drain> drain() {
      return Optional.ofNullable(drain);
    }

    @Override
    public AgentSnapshot snapshot() {
      if (failure != null) {
        throw failure;
      }
      return snapshot;
    }

    @Override
    public Collection<Torrent> torrents() {
      return torrents;
    }
  }

  private static AgentSnapshot snapshot(List<TransferProgress> transfers) {
    return new AgentSnapshot(
        "0.1.0",
        Duration.ofSeconds(90),
        3L << 20,
        2,
        transfers,
        5000,
        700,
        new Traffic(30_000, 20_000, 512),
        LISTEN,
        PEERS);
  }

  private AdminServer start(Path socket, AgentView view) throws IOException {
    AdminServer server = AdminServer.start(socket, view);
    open.add(server);
    return server;
  }

  private AgentAdminGrpc.AgentAdminBlockingStub client(Path socket) {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    ManagedChannel channel =
        NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
            .channelType(EpollDomainSocketChannel.class)
            .withOption(ChannelOption.SO_KEEPALIVE, null)
            .eventLoopGroup(group)
            .usePlaintext()
            .build();
    open.add(() -> group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2000));
    open.add(() -> channel.shutdownNow().awaitTermination(2, TimeUnit.SECONDS));
    return AgentAdminGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  @Test
  void statusReportsTheSnapshotWithTheTotalsAndEachTransfersPeers() throws IOException {
    Metainfo downloading = StaticTorrent.metainfo(dir, new byte[40_000]);
    Metainfo seeding = StaticTorrent.metainfo(dir, new byte[10_000]);
    Digest downloadingDigest = new Digest("sha256", downloading.name());
    Digest waiting = Digest.sha256(new byte[] {1});
    FixedView view = new FixedView();
    view.snapshot =
        snapshot(
            List.of(
                new TransferProgress(waiting, Phase.METAINFO, 0, OptionalLong.empty()),
                new TransferProgress(
                    downloadingDigest, Phase.SWARM, 16_384, OptionalLong.of(40_000))));
    view.torrents =
        List.of(
            new StaticTorrent(downloading, 16_384, 3, 0, 20_000),
            new StaticTorrent(seeding, 10_000, 2, 30_000, 0));
    Path socket = dir.resolve("agent.sock");
    start(socket, view);

    AgentStatus status = client(socket).status(StatusRequest.getDefaultInstance());

    assertThat(status.getVersion()).isEqualTo("0.1.0");
    assertThat(status.getUptimeMillis()).isEqualTo(90_000);
    assertThat(status.getCacheBytes()).isEqualTo(3L << 20);
    assertThat(status.getCachedBlobs()).isEqualTo(2);
    assertThat(status.getSwarmBytes()).isEqualTo(5000);
    assertThat(status.getOriginFallbackBytes()).isEqualTo(700);
    assertThat(status.getUploadedBytes()).isEqualTo(30_000);
    assertThat(status.getDownloadedBytes()).isEqualTo(20_000);
    assertThat(status.getDuplicateBytes()).isEqualTo(512);
    assertThat(status.getPeerConnections()).isEqualTo(5);
    assertThat(status.getTorrents()).isEqualTo(2);
    assertThat(status.getListen()).isEqualTo("127.0.0.1:5050");
    assertThat(status.getPeerPort()).isEqualTo(6882);
    List<Transfer> byDigest =
        status.getTransfersList().stream()
            .sorted(java.util.Comparator.comparing(Transfer::getDigest))
            .toList();
    assertThat(status.getTransfersList()).isEqualTo(byDigest);
    Transfer swarm =
        status.getTransfersList().stream()
            .filter(t -> t.getDigest().equals(downloadingDigest.toString()))
            .findFirst()
            .orElseThrow();
    assertThat(swarm.getState()).isEqualTo("swarm");
    assertThat(swarm.hasSize()).isTrue();
    assertThat(swarm.getSize()).isEqualTo(40_000);
    assertThat(swarm.getVerifiedBytes()).isEqualTo(16_384);
    assertThat(swarm.getPeers()).isEqualTo(3);
    Transfer metainfo =
        status.getTransfersList().stream()
            .filter(t -> t.getDigest().equals(waiting.toString()))
            .findFirst()
            .orElseThrow();
    assertThat(metainfo.getState()).isEqualTo("metainfo");
    assertThat(metainfo.hasSize()).as("size unknown before the metainfo").isFalse();
    assertThat(metainfo.getPeers()).isZero();
  }

  @Test
  void torrentsListsEveryTorrentWithItsDigestSortedByDigest() throws IOException {
    Metainfo a = StaticTorrent.metainfo(dir, new byte[40_000]);
    Metainfo b = StaticTorrent.metainfo(dir, new byte[10_000]);
    FixedView view = new FixedView();
    view.torrents =
        List.of(new StaticTorrent(a, 16_384, 3, 1, 2), new StaticTorrent(b, 10_000, 0, 4, 5));
    Path socket = dir.resolve("agent.sock");
    start(socket, view);

    List<TorrentInfo> torrents =
        client(socket).torrents(TorrentsRequest.getDefaultInstance()).getTorrentsList();

    assertThat(torrents)
        .extracting(TorrentInfo::getDigest)
        .containsExactlyInAnyOrder("sha256:" + a.name(), "sha256:" + b.name())
        .isSorted();
    TorrentInfo partial =
        torrents.stream()
            .filter(t -> t.getDigest().equals("sha256:" + a.name()))
            .findFirst()
            .orElseThrow();
    assertThat(partial.getInfoHash()).isEqualTo(a.infoHash().hex());
    assertThat(partial.getSize()).isEqualTo(40_000);
    assertThat(partial.getVerifiedBytes()).isEqualTo(16_384);
    assertThat(partial.getPeers()).isEqualTo(3);
    assertThat(partial.getUploadedBytes()).isEqualTo(1);
    assertThat(partial.getDownloadedBytes()).isEqualTo(2);
    assertThat(partial.getComplete()).isFalse();
    assertThat(torrents)
        .filteredOn(TorrentInfo::getComplete)
        .extracting(TorrentInfo::getDigest)
        .containsExactly("sha256:" + b.name());
  }

  @Test
  void aStoreThatCannotBeListedIsAnInternalErrorThatSaysSo() throws IOException {
    FixedView view = new FixedView();
    view.failure =
        new UncheckedIOException(
            "listing the agent's blob store failed", new IOException("Permission denied"));
    Path socket = dir.resolve("agent.sock");
    start(socket, view);

    assertThatThrownBy(() -> client(socket).status(StatusRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.INTERNAL))
        .hasMessageContaining("blob store")
        .hasMessageContaining("Permission denied");
  }

  @Test
  void theSocketIsMode0660InACreatedDirectoryAndIsRemovedOnClose() throws IOException {
    Path socket = dir.resolve("run/layerswarm/agent.sock");
    FixedView view = new FixedView();
    view.snapshot = snapshot(List.of());
    AdminServer server = start(socket, view);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)))
        .isEqualTo("rw-rw----");
    assertThat(client(socket).status(StatusRequest.getDefaultInstance()).getVersion())
        .isEqualTo("0.1.0");
    server.close();
    assertThat(socket).doesNotExist();
  }

  @Test
  void aStaleSocketLeftByADeadAgentIsReplaced() throws IOException {
    Path socket = dir.resolve("agent.sock");
    try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      dead.bind(UnixDomainSocketAddress.of(socket));
    }
    assertThat(socket).exists();
    FixedView view = new FixedView();
    view.snapshot = snapshot(List.of());
    start(socket, view);

    assertThat(client(socket).status(StatusRequest.getDefaultInstance()).getCacheBytes())
        .isEqualTo(3L << 20);
  }

  @Test
  void aSocketSomeoneListensOnIsNotTakenOver() throws IOException {
    Path socket = dir.resolve("agent.sock");
    try (ServerSocketChannel live = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      live.bind(UnixDomainSocketAddress.of(socket));
      assertThatThrownBy(() -> start(socket, new FixedView()))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("agent.admin-socket")
          .hasMessageContaining("in use");
      assertThat(socket).exists();
    }
  }

  @Test
  void aFileThatIsNotASocketIsLeftAlone() throws IOException {
    Path socket = Files.writeString(dir.resolve("agent.sock"), "precious");

    assertThatThrownBy(() -> start(socket, new FixedView()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("agent.admin-socket")
        .hasMessageContaining("not a socket");
    assertThat(socket).hasContent("precious");
  }

  @Test
  void aPathLongerThanUnixSocketsAllowIsRejectedNamingTheKey() {
    Path socket = dir.resolve("x".repeat(120) + ".sock");

    assertThatThrownBy(() -> start(socket, new FixedView()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("agent.admin-socket")
        .hasMessageContaining("at most 107");
  }

  @Test
  void theAgentServesItsAdminApiOnTheConfiguredSocketUntilClosed() throws IOException {
    Path socket = dir.resolve("agent.sock");
    AgentConfig config =
        AgentConfig.defaults(dir.resolve("data"), List.of(URI.create("http://127.0.0.1:9")))
            .withListen(new InetSocketAddress("127.0.0.1", 0))
            .withPeerListen(new InetSocketAddress("127.0.0.1", 0))
            .withAdminSocket(Optional.of(socket));
    AgentServer agent =
        AgentServer.start(
            config,
            Upstreams.single(new InMemoryUpstreamRegistry(URI.create("http://origin.test:5000"))));
    open.add(agent);

    AgentStatus status = client(socket).status(StatusRequest.getDefaultInstance());

    assertThat(status.getVersion()).isEqualTo(AgentServer.VERSION);
    assertThat(status.getListen()).isEqualTo("127.0.0.1:" + agent.address().getPort());
    assertThat(status.getPeerPort()).isEqualTo(agent.engine().listenAddress().getPort());
    assertThat(status.getCachedBlobs()).isZero();
    agent.close();
    assertThat(socket).doesNotExist();
  }

  @Test
  void peersReportsTheTorrentOfTheDigestWithOneEntryPerPeerConnection() throws IOException {
    Metainfo meta = StaticTorrent.metainfo(dir, new byte[40_000]);
    byte[] id = "-LS0100-% _k9Zq_xpQ7".getBytes(StandardCharsets.US_ASCII);
    id[10] = (byte) 0xA3;
    id[15] = 0;
    PeerSnapshot seed =
        new PeerSnapshot(
            new InetSocketAddress("10.0.0.2", 6881),
            new PeerId(id),
            true,
            OptionalDouble.of(1.0),
            150,
            0,
            3000,
            0,
            true,
            true,
            false,
            false,
            Location.of("z1", "r1"),
            Location.Tier.RACK);
    PeerSnapshot leech =
        new PeerSnapshot(
            new InetSocketAddress("fd00::7", 6882),
            new PeerId("-XX0001-abcdefghijkl".getBytes(StandardCharsets.US_ASCII)),
            false,
            OptionalDouble.empty(), // a leecher that sends a seed no haves
            0,
            100,
            0,
            500,
            false,
            false,
            true,
            true);
    FixedView view = new FixedView();
    // The count says 3, but a connection closed since: the list answers for both.
    view.torrents = List.of(new StaticTorrent(meta, 16_384, 3, 100, 200, List.of(seed, leech)));
    Path socket = dir.resolve("agent.sock");
    start(socket, view);

    TorrentPeers peers =
        client(socket)
            .peers(TorrentPeersRequest.newBuilder().setDigest("sha256:" + meta.name()).build());

    assertThat(peers.getDigest()).isEqualTo("sha256:" + meta.name());
    assertThat(peers.getInfoHash()).isEqualTo(meta.infoHash().hex());
    assertThat(peers.getSize()).isEqualTo(40_000);
    assertThat(peers.getVerifiedBytes()).isEqualTo(16_384);
    assertThat(peers.getComplete()).isFalse();
    assertThat(peers.getConnectedPeers()).isEqualTo(2);
    assertThat(peers.getUploadedBytes()).isEqualTo(100);
    assertThat(peers.getDownloadedBytes()).isEqualTo(200);
    assertThat(peers.getPeerDetails()).isTrue();
    assertThat(peers.getPeersList())
        .containsExactly(
            TorrentPeer.newBuilder()
                .setAddress("10.0.0.2:6881")
                .setClientId("-LS0100-%25%20%A3k9Zq%00xpQ7")
                .setProgress(1.0)
                .setDownloadBytesPerSecond(3000)
                .setUploadBytesPerSecond(0)
                .setDownloadedBytes(150)
                .setUploadedBytes(0)
                .setOutgoing(true)
                .setZone("z1")
                .setRack("r1")
                .setTier("rack")
                .build(),
            TorrentPeer.newBuilder()
                .setAddress("[fd00:0:0:0:0:0:0:7]:6882")
                .setClientId("-XX0001-abcdefghijkl")
                .setDownloadBytesPerSecond(0)
                .setUploadBytesPerSecond(500)
                .setDownloadedBytes(0)
                .setUploadedBytes(100)
                .setOutgoing(false)
                .setTier("other")
                .build());
  }

  @Test
  void peersOfATorrentWithoutConnectionsHasDetailsAndAnEmptyList() throws IOException {
    Metainfo meta = StaticTorrent.metainfo(dir, new byte[10_000]);
    FixedView view = new FixedView();
    view.torrents = List.of(new StaticTorrent(meta, 10_000, 0, 0, 0));
    Path socket = dir.resolve("agent.sock");
    start(socket, view);

    TorrentPeers peers =
        client(socket)
            .peers(TorrentPeersRequest.newBuilder().setDigest("sha256:" + meta.name()).build());

    assertThat(peers.getComplete()).isTrue();
    assertThat(peers.getPeerDetails()).isTrue();
    assertThat(peers.getConnectedPeers()).isZero();
    assertThat(peers.getPeersList()).isEmpty();
  }

  @Test
  void peersOfAnUnknownDigestIsNotFoundAndOfAMalformedOneAnInvalidArgument() throws IOException {
    Path socket = dir.resolve("agent.sock");
    start(socket, new FixedView());
    String unknown = Digest.sha256(new byte[] {9}).toString();

    assertThatThrownBy(
            () -> client(socket).peers(TorrentPeersRequest.newBuilder().setDigest(unknown).build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.NOT_FOUND))
        .hasMessageContaining(unknown);
    assertThatThrownBy(
            () ->
                client(socket)
                    .peers(TorrentPeersRequest.newBuilder().setDigest("sha256:xyz").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e ->
                assertThat(e.getStatus().getCode())
                    .isEqualTo(io.grpc.Status.Code.INVALID_ARGUMENT));
  }

  @Test
  void anAgentWithoutEvictorOrDrainSaysUnimplemented() throws IOException {
    Path socket = dir.resolve("agent.sock");
    start(socket, new FixedView());
    String digest = Digest.sha256(new byte[] {9}).toString();

    assertThatThrownBy(
            () -> client(socket).evict(AgentEvictRequest.newBuilder().setDigest(digest).build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNIMPLEMENTED));
    assertThatThrownBy(() -> client(socket).drain(AgentDrainRequest.getDefaultInstance()).next())
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNIMPLEMENTED));
  }

  @Test
  void drainStreamsProgressUntilTheFinalStateAndStatusSaysDraining() throws IOException {
    FixedView view = new FixedView();
    view.snapshot = snapshot(List.of());
    view.drain = new Drain(() -> view.torrents, InstantSource.system(), Duration.ofMillis(20));
    open.add(view.drain);
    Path socket = dir.resolve("agent.sock");
    start(socket, view);
    assertThat(client(socket).status(StatusRequest.getDefaultInstance()).getDraining()).isFalse();

    Iterator<AgentDrainProgress> stream =
        client(socket)
            .drain(
                AgentDrainRequest.newBuilder().setGraceMillis(100).setTimeoutMillis(5000).build());
    List<AgentDrainProgress> messages = new ArrayList<>();
    stream.forEachRemaining(messages::add);

    assertThat(messages.get(0).getState()).isEqualTo(AgentDrainProgress.State.DRAINING);
    assertThat(messages.get(0).getGraceMillis()).isEqualTo(100);
    assertThat(messages.get(0).getTimeoutMillis()).isEqualTo(5000);
    assertThat(messages.get(messages.size() - 1).getState())
        .isEqualTo(AgentDrainProgress.State.DRAINED);
    assertThat(messages)
        .filteredOn(m -> m.getState() != AgentDrainProgress.State.DRAINING)
        .hasSize(1);
    assertThat(client(socket).status(StatusRequest.getDefaultInstance()).getDraining()).isTrue();
  }

  @Test
  void drainSettingsOutOfRangeAreAnInvalidArgumentAndStartNothing() throws IOException {
    FixedView view = new FixedView();
    view.drain = new Drain(List::of, InstantSource.system(), null);
    Path socket = dir.resolve("agent.sock");
    start(socket, view);

    assertThatThrownBy(
            () ->
                client(socket)
                    .drain(AgentDrainRequest.newBuilder().setTimeoutMillis(0).build())
                    .next())
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e ->
                assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.INVALID_ARGUMENT))
        .hasMessageContaining("timeout");
    assertThat(view.drain.draining()).isFalse();
  }
}
