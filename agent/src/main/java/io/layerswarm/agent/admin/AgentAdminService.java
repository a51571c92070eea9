package io.layerswarm.agent.admin;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.layerswarm.agent.mirror.TransferProgress;
import io.layerswarm.agent.pins.Pinner;
import io.layerswarm.core.Digest;
import io.layerswarm.core.metainfo.PeerId;
import io.layerswarm.proto.admin.AgentAdminGrpc;
import io.layerswarm.proto.admin.AgentDrainProgress;
import io.layerswarm.proto.admin.AgentDrainRequest;
import io.layerswarm.proto.admin.AgentEvictRequest;
import io.layerswarm.proto.admin.AgentEvictResponse;
import io.layerswarm.proto.admin.AgentStatus;
import io.layerswarm.proto.admin.PinList;
import io.layerswarm.proto.admin.PinsRequest;
import io.layerswarm.proto.admin.StatusRequest;
import io.layerswarm.proto.admin.TorrentInfo;
import io.layerswarm.proto.admin.TorrentList;
import io.layerswarm.proto.admin.TorrentPeer;
import io.layerswarm.proto.admin.TorrentPeers;
import io.layerswarm.proto.admin.TorrentPeersRequest;
import io.layerswarm.proto.admin.TorrentsRequest;
import io.layerswarm.proto.admin.Transfer;
import io.layerswarm.swarm.PeerSnapshot;
import io.layerswarm.swarm.Torrent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code AgentAdmin} gRPC service over an {@link AgentView}. The mapping to messages is pure
 * ({@link #status}, {@link #torrents}, {@link #peers(Digest, Torrent, List)}); the RPC methods add
 * error translation, the one place failures become gRPC statuses. Runs on the admin server's
 * executor, where Peers waits briefly for a torrent's event loop.
 */
final class AgentAdminService extends AgentAdminGrpc.AgentAdminImplBase {
  private static final Logger log = LoggerFactory.getLogger(AgentAdminService.class);

  /** How long Peers waits for the torrent's event loop to list its connections. */
  static final Duration PEERS_TIMEOUT = Duration.ofSeconds(2);

  private static final String HEX = "0123456789ABCDEF";
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
      status =
          status(agent.snapshot(), agent.torrents()).toBuilder()
              .setDraining(agent.drain().map(Drain::draining).orElse(false))
              .build();
    } catch (UncheckedIOException e) {
      log.warn("admin status: {}", e.toString());
      response.onError(
          Status.INTERNAL
              .withDescription(e.getMessage() + ": " + e.getCause().getMessage())
              .asRuntimeException());
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

  @Override
  public void peers(TorrentPeersRequest request, StreamObserver<TorrentPeers> response) {
    Optional<Digest> digest = digest(request.getDigest(), response);
    if (digest.isEmpty()) {
      return;
    }
    TorrentPeers peers;
    try {
      Optional<Torrent> torrent = torrentOf(digest.get(), agent.torrents());
      if (torrent.isEmpty()) {
        response.onError(
            Status.NOT_FOUND
                .withDescription("the agent holds no torrent for " + digest.get())
                .asRuntimeException());
        return;
      }
      List<PeerSnapshot> snapshots =
          torrent.get().peers().get(PEERS_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      peers = peers(digest.get(), torrent.get(), snapshots);
    } catch (TimeoutException e) {
      // Not UNAVAILABLE: the agent answers, one of its event loops is stuck.
      response.onError(
          Status.INTERNAL
              .withDescription(
                  "the swarm engine did not list the"
                      + " peers of "
                      + digest.get()
                      + " within "
                      + PEERS_TIMEOUT.toSeconds()
                      + " s")
              .asRuntimeException());
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      response.onError(Status.CANCELLED.withDescription("interrupted").asRuntimeException());
      return;
    } catch (ExecutionException | RuntimeException e) {
      log.atError().addKeyValue("digest", digest.get()).setCause(e).log("admin peers failed");
      response.onError(
          Status.INTERNAL.withDescription("listing peers failed: " + e).asRuntimeException());
      return;
    }
    response.onNext(peers);
    response.onCompleted();
  }

  @Override
  public void evict(AgentEvictRequest request, StreamObserver<AgentEvictResponse> response) {
    Optional<Evictor> evictor = agent.evictor();
    if (evictor.isEmpty()) {
      response.onError(
          Status.UNIMPLEMENTED.withDescription("this agent cannot evict").asRuntimeException());
      return;
    }
    Optional<Digest> digest = digest(request.getDigest(), response);
    if (digest.isEmpty()) {
      return;
    }
    Evictor.Evicted evicted;
    try {
      evicted = evictor.get().evict(digest.get(), request.getForce());
    } catch (NoSuchElementException e) {
      response.onError(Status.NOT_FOUND.withDescription(e.getMessage()).asRuntimeException());
      return;
    } catch (Evictor.BlobInUseException e) {
      response.onError(
          Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException());
      return;
    } catch (IOException | RuntimeException e) {
      log.atError().addKeyValue("digest", digest.get()).setCause(e).log("admin evict failed");
      response.onError(
          Status.INTERNAL
              .withDescription("evicting " + digest.get() + " failed: " + e)
              .asRuntimeException());
      return;
    }
    response.onNext(
        AgentEvictResponse.newBuilder()
            .setDigest(evicted.digest().toString())
            .setTorrentRemoved(evicted.torrentRemoved())
            .setBlobDeleted(evicted.blobDeleted())
            .setBlobBytes(evicted.blobBytes())
            .setMetainfoDeleted(evicted.metainfoDeleted())
            .build());
    response.onCompleted();
  }

  @Override
  public void pins(PinsRequest request, StreamObserver<PinList> response) {
    response.onNext(PinMessages.pinList(agent.pinner().map(Pinner::states).orElse(List.of())));
    response.onCompleted();
  }

  @Override
  public void refreshPins(PinsRequest request, StreamObserver<PinList> response) {
    Optional<Pinner> pinner = agent.pinner();
    PinList before = PinMessages.pinList(pinner.map(Pinner::states).orElse(List.of()));
    pinner.ifPresent(Pinner::refreshNow);
    response.onNext(before);
    response.onCompleted();
  }

  @Override
  public void drain(AgentDrainRequest request, StreamObserver<AgentDrainProgress> response) {
    Optional<Drain> drain = agent.drain();
    if (drain.isEmpty()) {
      response.onError(
          Status.UNIMPLEMENTED.withDescription("this agent cannot drain").asRuntimeException());
      return;
    }
    Duration grace =
        request.hasGraceMillis()
            ? Duration.ofMillis(request.getGraceMillis())
            : Drain.DEFAULT_GRACE;
    Duration timeout =
        request.hasTimeoutMillis()
            ? Duration.ofMillis(request.getTimeoutMillis())
            : Drain.DEFAULT_TIMEOUT;
    try {
      drain.get().start(grace, timeout);
    } catch (IllegalArgumentException e) {
      response.onError(
          Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    ServerCallStreamObserver<AgentDrainProgress> call =
        (ServerCallStreamObserver<AgentDrainProgress>) response;
    Consumer<AgentDrainProgress> listener =
        progress -> {
          if (call.isCancelled()) {
            throw new IllegalStateException("the client went away");
          }
          call.onNext(progress);
          if (progress.getState() != AgentDrainProgress.State.DRAINING) {
            call.onCompleted();
          }
        };
    // The drain goes on without this caller.
    call.setOnCancelHandler(() -> drain.get().unsubscribe(listener));
    try {
      drain.get().subscribe(listener);
    } catch (IllegalStateException e) {
      response.onError(
          Status.UNAVAILABLE.withDescription("the agent is stopping").asRuntimeException());
    }
  }

  /** The torrent of {@code digest}; empty if the engine holds none. */
  static Optional<Torrent> torrentOf(Digest digest, Collection<Torrent> torrents) {
    // One info hash per blob (decision 2); should there be more, the most complete one answers.
    return torrents.stream()
        .filter(t -> t.metainfo().name().equals(digest.hex()))
        .max(
            Comparator.comparingLong(Torrent::verifiedBytes)
                .thenComparing(t -> t.infoHash().hex(), Comparator.reverseOrder()));
  }

  /** The Peers answer: the torrent's counters and one entry per connection in {@code peers}. */
  static TorrentPeers peers(Digest digest, Torrent torrent, List<PeerSnapshot> peers) {
    TorrentPeers.Builder message =
        TorrentPeers.newBuilder()
            .setDigest(digest.toString())
            .setInfoHash(torrent.infoHash().hex())
            .setSize(torrent.metainfo().length())
            .setVerifiedBytes(torrent.verifiedBytes())
            .setComplete(torrent.isComplete())
            // From the list rather than the live counter, so that the two agree.
            .setConnectedPeers(peers.size())
            .setUploadedBytes(torrent.uploadedBytes())
            .setDownloadedBytes(torrent.downloadedBytes())
            .setDuplicateBytes(torrent.duplicateBytes())
            .setPeerDetails(true);
    for (PeerSnapshot peer : peers) {
      TorrentPeer.Builder entry =
          TorrentPeer.newBuilder()
              .setAddress(hostPort(peer.address()))
              .setClientId(clientId(peer.peerId()))
              .setDownloadBytesPerSecond(peer.downloadBytesPerSecond())
              .setUploadBytesPerSecond(peer.uploadBytesPerSecond())
              .setDownloadedBytes(peer.downloadedBytes())
              .setUploadedBytes(peer.uploadedBytes())
              .setOutgoing(peer.outgoing())
              .setZone(peer.location().zone().orElse(""))
              .setRack(peer.location().rack().orElse(""))
              .setTier(peer.tier().label());
      peer.progress().ifPresent(entry::setProgress);
      message.addPeers(entry);
    }
    return message.build();
  }

  /**
   * A peer id as text: printable ASCII kept, the rest (and space and %) as %XX, so that an
   * Azureus-style id reads as -LS0100-... and any id can be told apart.
   */
  static String clientId(PeerId id) {
    StringBuilder text = new StringBuilder();
    for (byte b : id.bytes()) {
      if (b > ' ' && b < 0x7f && b != '%') {
        text.append((char) b);
      } else {
        text.append('%').append(HEX.charAt((b >> 4) & 0xf)).append(HEX.charAt(b & 0xf));
      }
    }
    return text.toString();
  }

  /** Parses {@code sha256:<hex>}, or answers INVALID_ARGUMENT and returns empty. */
  private static Optional<Digest> digest(String value, StreamObserver<?> response) {
    try {
      return Optional.of(Digest.parse(value));
    } catch (IllegalArgumentException e) {
      response.onError(
          Status.INVALID_ARGUMENT
              .withDescription("'" + value + "' is not a blob" + " digest: " + e.getMessage())
              .asRuntimeException());
      return Optional.empty();
    }
  }

  /** The status message: transfers sorted by digest, with the peers of their torrents. */
  static AgentStatus status(AgentSnapshot snapshot, Collection<Torrent> torrents) {
    Map<String, Torrent> byName = new HashMap<>();
    int peers = 0;
    for (Torrent torrent : torrents) {
      byName.put(torrent.metainfo().name(), torrent);
      peers += torrent.connectedPeers();
    }
    AgentStatus.Builder status =
        AgentStatus.newBuilder()
            .setVersion(snapshot.version())
            .setUptimeMillis(snapshot.uptime().toMillis())
            .setCacheBytes(snapshot.cacheBytes())
            .setCachedBlobs(Math.toIntExact(snapshot.cachedBlobs()))
            .setUploadedBytes(snapshot.peerTraffic().uploadedBytes())
            .setDownloadedBytes(snapshot.peerTraffic().downloadedBytes())
            .setDuplicateBytes(snapshot.peerTraffic().duplicateBytes())
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
    List<TorrentInfo> infos =
        torrents.stream().map(AgentAdminService::torrent).sorted(BY_DIGEST).toList();
    return TorrentList.newBuilder().addAllTorrents(infos).build();
  }

  private static Transfer transfer(TransferProgress progress, Torrent torrent) {
    Transfer.Builder transfer =
        Transfer.newBuilder()
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
        .setDuplicateBytes(torrent.duplicateBytes())
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
    String host =
        address.getAddress() == null
            ? address.getHostString()
            : address.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
  }
}
