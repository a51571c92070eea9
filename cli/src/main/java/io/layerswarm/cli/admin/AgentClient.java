package io.layerswarm.cli.admin;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.layerswarm.core.Digest;
import io.layerswarm.proto.admin.AgentAdminGrpc;
import io.layerswarm.proto.admin.AgentDrainProgress;
import io.layerswarm.proto.admin.AgentDrainRequest;
import io.layerswarm.proto.admin.AgentEvictRequest;
import io.layerswarm.proto.admin.AgentEvictResponse;
import io.layerswarm.proto.admin.AgentStatus;
import io.layerswarm.proto.admin.PinList;
import io.layerswarm.proto.admin.PinsRequest;
import io.layerswarm.proto.admin.StatusRequest;
import io.layerswarm.proto.admin.TorrentList;
import io.layerswarm.proto.admin.TorrentPeers;
import io.layerswarm.proto.admin.TorrentPeersRequest;
import io.layerswarm.proto.admin.TorrentsRequest;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The agent's admin API over its Unix socket. gRPC failures become {@link AdminException}s here and
 * nowhere else. Not thread-safe; one command uses one client.
 */
final class AgentClient implements AutoCloseable {
  private static final Duration DEADLINE = Duration.ofSeconds(10);

  /** The agent sends drain progress every second; this long without any means it is gone. */
  private static final Duration DRAIN_SILENCE = Duration.ofSeconds(30);

  private final Path socket;
  private final EventLoopGroup group;
  private final ManagedChannel channel;
  private final AgentAdminGrpc.AgentAdminBlockingStub stub;

  private AgentClient(Path socket, EventLoopGroup group, ManagedChannel channel) {
    this.socket = socket;
    this.group = group;
    this.channel = channel;
    this.stub = AgentAdminGrpc.newBlockingStub(channel);
  }

  /**
   * A client for {@code socket}. Connects on the first call; fails now only if there is no socket
   * file (the agent is not running) or Unix sockets are unsupported here.
   */
  static AgentClient open(Path socket) throws AdminException {
    PosixFileAttributes file;
    try {
      file = Files.readAttributes(socket, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      throw AgentUnreachableException.notAnswering(socket, "no such socket", e);
    } catch (AccessDeniedException e) {
      throw AgentUnreachableException.permissionDenied(
          socket, "cannot look into " + socket.toAbsolutePath().getParent(), e);
    } catch (IOException e) {
      throw AgentUnreachableException.notAnswering(socket, e.toString(), e);
    }
    if (!file.isOther()) {
      throw AgentUnreachableException.notAnswering(socket, "the path is not a socket", null);
    }
    // connect(2) needs write permission on the socket file; say so rather than "is it running?".
    if (!Files.isWritable(socket)) {
      throw AgentUnreachableException.permissionDenied(
          socket,
          "owner "
              + file.owner().getName()
              + ":"
              + file.group().getName()
              + ", mode "
              + PosixFilePermissions.toString(file.permissions()),
          null);
    }
    if (!Epoll.isAvailable()) {
      throw new AdminException(
          "admin commands need Linux epoll for Unix sockets: " + Epoll.unavailabilityCause(),
          Epoll.unavailabilityCause());
    }
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("admin-client", true), EpollIoHandler.newFactory());
    ManagedChannel channel =
        NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
            .channelType(EpollDomainSocketChannel.class)
            .eventLoopGroup(group)
            // gRPC sets SO_KEEPALIVE, which Unix sockets lack (Netty warns); null removes it.
            .withOption(ChannelOption.SO_KEEPALIVE, null)
            .overrideAuthority("localhost")
            .usePlaintext()
            .build();
    return new AgentClient(socket, group, channel);
  }

  AgentStatus status() throws AdminException {
    return call("Status", () -> deadlined().status(StatusRequest.getDefaultInstance()));
  }

  TorrentList torrents() throws AdminException {
    return call("Torrents", () -> deadlined().torrents(TorrentsRequest.getDefaultInstance()));
  }

  TorrentPeers peers(Digest digest) throws AdminException {
    return call(
        "Peers",
        () ->
            deadlined()
                .peers(TorrentPeersRequest.newBuilder().setDigest(digest.toString()).build()));
  }

  AgentEvictResponse evict(Digest digest, boolean force) throws AdminException {
    return call(
        "Evict",
        () ->
            deadlined()
                .evict(
                    AgentEvictRequest.newBuilder()
                        .setDigest(digest.toString())
                        .setForce(force)
                        .build()));
  }

  PinList pins() throws AdminException {
    return call("Pins", () -> deadlined().pins(PinsRequest.getDefaultInstance()));
  }

  PinList refreshPins() throws AdminException {
    return call("RefreshPins", () -> deadlined().refreshPins(PinsRequest.getDefaultInstance()));
  }

  /**
   * Starts or joins the agent's drain and hands each progress message to {@code progress}: all of
   * them up to the final one, or with {@code follow} false only the first. Leaving the stream early
   * does not stop the drain.
   *
   * @return the last message handed over
   */
  AgentDrainProgress drain(
      AgentDrainRequest request, boolean follow, Consumer<AgentDrainProgress> progress)
      throws AdminException {
    AgentDrainProgress last = null;
    // Leaving early (or after the final message): the drain goes on in the agent.
    try (StreamingCall<AgentDrainRequest, AgentDrainProgress> drain =
        StreamingCall.start(
            AgentAdminGrpc.newStub(channel)::drain, request, "the admin command is done")) {
      while (true) {
        Optional<StreamingCall.Event<AgentDrainProgress>> event;
        try {
          event = drain.next(DRAIN_SILENCE);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AdminException("interrupted while waiting for the drain", e);
        }
        if (event.isEmpty()) {
          throw AgentUnreachableException.notAnswering(
              socket, "Drain sent no progress for " + DRAIN_SILENCE.toSeconds() + " s", null);
        }
        if (event.get() instanceof StreamingCall.Message<AgentDrainProgress> message) {
          AgentDrainProgress p = message.value();
          last = p;
          progress.accept(p);
          if (!follow || p.getState() != AgentDrainProgress.State.DRAINING) {
            return p;
          }
        } else if (event.get() instanceof StreamingCall.Failed<AgentDrainProgress> failed) {
          return call(
              "Drain",
              () -> {
                throw failed.error();
              });
        } else {
          throw new AdminException(
              "the agent at "
                  + socket
                  + " ended the drain stream without a"
                  + " final state"
                  + (last == null ? "" : "; last state " + last.getState()));
        }
      }
    }
  }

  private AgentAdminGrpc.AgentAdminBlockingStub deadlined() {
    return stub.withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
  }

  private <T> T call(String rpc, Supplier<T> call) throws AdminException {
    try {
      return call.get();
    } catch (StatusRuntimeException e) {
      io.grpc.Status status = e.getStatus();
      switch (status.getCode()) {
        case UNAVAILABLE:
          throw AgentUnreachableException.notAnswering(socket, describe(status), e);
        case DEADLINE_EXCEEDED:
          throw AgentUnreachableException.notAnswering(
              socket, rpc + " got no answer within " + DEADLINE.toSeconds() + " s", e);
        case NOT_FOUND:
          throw new AgentNotFoundException(
              status.getDescription() == null ? rpc + ": not found" : status.getDescription(), e);
        case FAILED_PRECONDITION:
        case INVALID_ARGUMENT:
          throw new AdminException(
              rpc
                  + " refused: "
                  + (status.getDescription() == null
                      ? status.getCode().toString()
                      : status.getDescription()),
              e);
        case UNIMPLEMENTED:
          throw new AdminException(
              "the agent at " + socket + " does not know " + rpc + "; is it an older version?", e);
        default:
          throw new AdminException(rpc + " on " + socket + " failed: " + describe(status), e);
      }
    }
  }

  /** The status and, for connection failures, the OS error (ENOENT, EACCES, ECONNREFUSED). */
  private static String describe(io.grpc.Status status) {
    String text =
        status.getCode() + (status.getDescription() == null ? "" : ": " + status.getDescription());
    Throwable cause = status.getCause();
    return cause == null || cause.getMessage() == null ? text : text + ": " + cause.getMessage();
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
  }
}
