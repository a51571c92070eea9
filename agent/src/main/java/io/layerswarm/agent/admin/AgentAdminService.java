package io.layerswarm.agent.admin;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.layerswarm.agent.mirror.TransferProgress;
import io.layerswarm.proto.admin.AgentAdminGrpc;
import io.layerswarm.proto.admin.AgentStatus;
import io.layerswarm.proto.admin.StatusRequest;
import io.layerswarm.proto.admin.TorrentInfo;
import io.layerswarm.proto.admin.TorrentList;
import io.layerswarm.proto.admin.TorrentsRequest;
import io.layerswarm.proto.admin.Transfer;
import io.layerswarm.registry.Digest;
import io.layerswarm.swarm.Torrent;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code AgentAdmin} gRPC service over an {@link AgentView}. The mapping to messages is pure
 * ({@link #status}, {@link #torrents}); the RPC methods add error translation, the one place
 * failures become gRPC statuses. Runs on the admin server's executor.
 */
final class AgentAdminService extends AgentAdminGrpc.AgentAdminImplBase {
  private static final Logger log = LoggerFactory.getLogger(AgentAdminService.class);
  private static final Comparator<TorrentInfo> BY_DIGEST =
      Comparator.comparing(TorrentInfo::getDigest).thenComparing(TorrentInfo::getInfoHash);

  private final AgentView agent;

  AgentAdminService(AgentView agent) {
    this.agent = agent;
  }

  @Override
  public void status(StatusRequest request, StreamObserver<AgentStatus> response) {
    AgentStatus status;
    try {
      status = status(agent.snapshot(), agent.torrents());
    } catch (UncheckedIOException e) {
      log.warn("admin status: {}", e.toString());
      response.onError(Status.INTERNAL
          .withDescription(e.getMessage() + ": " + e.getCause().getMessage()).asRuntimeException());
      return;
    } catch (RuntimeException e) {
      log.error("admin status failed", e);
      response.onError(Status.INTERNAL.withDescription("status failed: " + e).asRuntimeException());
      return;
    }
    response.onNext(status);
    response.onCompleted();
  }

  @Override
  public void torrents(TorrentsRequest request, StreamObserver<TorrentList> response) {
    TorrentList list;
    try {
      list = torrents(agent.torrents());
    } catch (RuntimeException e) {
      log.error("admin torrents failed", e);
      response.onError(
          Status.INTERNAL.withDescription("listing torrents failed: " + e).asRuntimeException());
      return;
    }
    response.onNext(list);
    response.onCompleted();
  }

  /** The status message: transfers sorted by digest, with the peers of their torrents. */
  static AgentStatus status(AgentSnapshot snapshot, Collection<Torrent> torrents) {
    Map<String, Torrent> byName = new HashMap<>();
    int peers = 0;
    for (Torrent torrent : torrents) {
      byName.put(torrent.metainfo().name(), torrent);
      peers += torrent.connectedPeers();
    }
    AgentStatus.Builder status = AgentStatus.newBuilder()
        .setVersion(snapshot.version())
        .setUptimeMillis(snapshot.uptime().toMillis())
        .setCacheBytes(snapshot.cacheBytes())
        .setCachedBlobs(Math.toIntExact(snapshot.cachedBlobs()))
        .setUploadedBytes(snapshot.uploadedBytes())
        .setDownloadedBytes(snapshot.downloadedBytes())
        .setSwarmBytes(snapshot.bytesFromSwarm())
        .setOriginFallbackBytes(snapshot.bytesFromOrigin())
        .setListen(hostPort(snapshot.listen()))
        .setPeerPort(snapshot.peerListen().getPort())
        .setPeerConnections(peers)
        .setTorrents(torrents.size());
    snapshot.transfers().stream()
        .sorted(Comparator.comparing(t -> t.digest().toString()))
        .forEach(t -> status.addTransfers(transfer(t, byName.get(t.digest().hex()))));
    return status.build();
  }

  /** The torrent list, sorted by digest. */
  static TorrentList torrents(Collection<Torrent> torrents) {
    List<TorrentInfo> infos = torrents.stream().map(AgentAdminService::torrent)
        .sorted(BY_DIGEST).toList();
    return TorrentList.newBuilder().addAllTorrents(infos).build();
  }

  private static Transfer transfer(TransferProgress progress, Torrent torrent) {
    Transfer.Builder transfer = Transfer.newBuilder()
        .setDigest(progress.digest().toString())
        .setVerifiedBytes(progress.verifiedBytes())
        .setPeers(torrent == null ? 0 : torrent.connectedPeers())
        .setState(progress.phase().name().toLowerCase(Locale.ROOT));
    progress.totalBytes().ifPresent(transfer::setSize);
    return transfer.build();
  }

  private static TorrentInfo torrent(Torrent torrent) {
    return TorrentInfo.newBuilder()
        .setInfoHash(torrent.infoHash().hex())
        .setDigest(digestOf(torrent.metainfo().name()).map(Digest::toString).orElse(""))
        .setSize(torrent.metainfo().length())
        .setVerifiedBytes(torrent.verifiedBytes())
        .setPeers(torrent.connectedPeers())
        .setUploadedBytes(torrent.uploadedBytes())
        .setDownloadedBytes(torrent.downloadedBytes())
        .setComplete(torrent.isComplete())
        .build();
  }

  /** Our torrents are named by the blob's sha256 hex; a torrent named otherwise has no digest. */
  private static Optional<Digest> digestOf(String name) {
    try {
      return Optional.of(new Digest("sha256", name));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static String hostPort(InetSocketAddress address) {
    String host = address.getAddress() == null
        ? address.getHostString() : address.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
  }
}
