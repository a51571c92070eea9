package io.layerswarm.cli.admin;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.layerswarm.cli.admin.ServiceOptions.Role;
import io.layerswarm.cli.admin.ServiceOptions.Target;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One gRPC connection to a seeder's or tracker's admin API over TCP, plaintext or TLS, with the
 * bearer token on every call; and the one place where gRPC failures of the service commands become
 * {@link ServiceException}s with their exit codes. Not thread-safe; one command uses one.
 */
final class ServiceChannels implements AutoCloseable {
  /** Deadline of the unary calls. */
  static final Duration DEADLINE = Duration.ofSeconds(10);

  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /** Set by the tracker on UNAVAILABLE answers it sends itself (its peer store is down). */
  static final Metadata.Key<String> SERVER_UNAVAILABLE =
      Metadata.Key.of("layerswarm-unavailable", Metadata.ASCII_STRING_MARSHALLER);

  /** "HTTP/" in hex, as Netty's HTTP/2 client reports an HTTP/1.x answer. */
  private static final String HTTP1_HEX = "485454502f";

  private final Role role;
  private final Target target;
  private final boolean tokenGiven;
  private final boolean tls;
  private final ManagedChannel managed;
  private final Channel channel;

  private ServiceChannels(
      Role role,
      Target target,
      boolean tokenGiven,
      boolean tls,
      ManagedChannel managed,
      Channel channel) {
    this.role = role;
    this.target = target;
    this.tokenGiven = tokenGiven;
    this.tls = tls;
    this.managed = managed;
    this.channel = channel;
  }

  /**
   * A channel to {@code target}. Connects on the first call.
   *
   * @param ca with {@code tls}, the PEM CA certificates to trust instead of the system's
   * @throws ServiceException (exit code 2) when the CA file cannot be used
   */
  static ServiceChannels open(
      Role role, Target target, Optional<String> token, boolean tls, Optional<Path> ca)
      throws ServiceException {
    ChannelCredentials credentials;
    if (!tls) {
      credentials = InsecureChannelCredentials.create();
    } else if (ca.isPresent()) {
      try {
        credentials = TlsChannelCredentials.newBuilder().trustManager(ca.get().toFile()).build();
      } catch (IOException | RuntimeException e) {
        throw new ServiceException(
            ServiceOptions.EXIT_USAGE,
            "--ca " + ca.get() + ": cannot use it as PEM CA certificates: " + e.getMessage(),
            e);
      }
    } else {
      credentials = TlsChannelCredentials.create();
    }
    ManagedChannel managed;
    try {
      managed =
          NettyChannelBuilder.forAddress(target.host(), target.port(), credentials)
              // A preheat may stream nothing for minutes while the seeder pulls a large blob; pings
              // notice a dead connection. Servers accept one ping per 5 minutes by default.
              .keepAliveTime(5, TimeUnit.MINUTES)
              .keepAliveTimeout(20, TimeUnit.SECONDS)
              .maxInboundMessageSize(16 << 20)
              .userAgent("layerswarm-cli")
              .build();
    } catch (RuntimeException e) {
      throw new ServiceException(
          ServiceOptions.EXIT_USAGE,
          "cannot set up a connection to "
              + target
              + (ca.map(f -> " with --ca " + f).orElse(""))
              + ": "
              + e.getMessage(),
          e);
    }
    Channel channel =
        token.isEmpty()
            ? managed
            : ClientInterceptors.intercept(managed, new BearerToken(token.get()));
    return new ServiceChannels(role, target, token.isPresent(), tls, managed, channel);
  }

  /** The channel to build stubs on; the token is already attached. */
  Channel channel() {
    return channel;
  }

  Role role() {
    return role;
  }

  Target target() {
    return target;
  }

  /** Runs one call and maps its failure; {@code rpc} names it in messages. */
  <T> T call(String rpc, Supplier<T> call) throws ServiceException {
    try {
      return call.get();
    } catch (StatusRuntimeException e) {
      throw failure(rpc, e);
    }
  }

  /** What a failed call means to the user, with the exit code. */
  ServiceException failure(String rpc, StatusRuntimeException e) {
    Status status = e.getStatus();
    String description =
        status.getDescription() == null ? status.getCode().toString() : status.getDescription();
    String server = "the " + role.name + " at " + target;
    switch (status.getCode()) {
      case UNAUTHENTICATED:
      case PERMISSION_DENIED:
        return new ServiceException(
            ServiceOptions.EXIT_UNAUTHENTICATED,
            server
                + " refused "
                + rpc
                + ": "
                + description
                + ". "
                + (tokenGiven
                    ? "The token given was not accepted; pass the "
                        + role.tokenKey()
                        + " value with --token (or --token-file FILE, or $"
                        + ServiceOptions.TOKEN_ENV
                        + ")"
                    : "No token was given; pass its "
                        + role.tokenKey()
                        + " with --token (or"
                        + " --token-file FILE, or $"
                        + ServiceOptions.TOKEN_ENV
                        + ")"),
            e);
      case UNAVAILABLE:
        if (e.getTrailers() != null && e.getTrailers().containsKey(SERVER_UNAVAILABLE)) {
          return new ServiceException(
              ServiceOptions.EXIT_ERROR, server + " answered " + rpc + ": " + description, e);
        }
        return unreachable(describe(status), e);
      case DEADLINE_EXCEEDED:
        return new ServiceException(
            ServiceOptions.EXIT_UNREACHABLE,
            server + " did not answer " + rpc + " in time (" + description + ")",
            e);
      case NOT_FOUND:
        return new ServiceException(ServiceOptions.EXIT_NOT_FOUND, description, e);
      case INVALID_ARGUMENT:
      case FAILED_PRECONDITION:
      case RESOURCE_EXHAUSTED:
        return new ServiceException(
            ServiceOptions.EXIT_ERROR, server + " refused " + rpc + ": " + description, e);
      case UNIMPLEMENTED:
        return new ServiceException(
            ServiceOptions.EXIT_ERROR,
            "the server at "
                + target
                + " does not serve "
                + role.service
                + "."
                + rpc
                + ": is it the "
                + role.name
                + "'s admin address ("
                + role.listenKey()
                + "), and a LayerSwarm version with this"
                + " call?",
            e);
      default:
        if (status.toString().contains(HTTP1_HEX) || describe(status).contains(HTTP1_HEX)) {
          return unreachable(http1(), e);
        }
        return new ServiceException(
            ServiceOptions.EXIT_ERROR, rpc + " on " + server + " failed: " + describe(status), e);
    }
  }

  private ServiceException unreachable(String why, Throwable cause) {
    boolean http1 = why.contains(HTTP1_HEX) || why.equals(http1());
    StringBuilder message =
        new StringBuilder(
            "cannot reach the "
                + role.name
                + "'s admin API"
                + " at "
                + target
                + ": "
                + (http1 ? http1() : why)
                + ". ");
    if (http1) {
      message.append("Pass the admin address with --server HOST:PORT");
    } else if (tls
        && (why.contains("certification path")
            || why.contains("Certificate")
            || why.contains("certificate"))) {
      message.append(
          "The server's certificate is not trusted or does not name "
              + target.host()
              + ": pass the CA that signed it with --ca FILE");
    } else if (tls && looksLikeTls(why, cause)) {
      message.append(
          "With --tls the server must speak TLS, and this one looks plaintext: set "
              + role.name
              + ".admin-tls-cert and "
              + role.name
              + ".admin-tls-key on the "
              + role.name
              + ", or drop --tls (and --ca)");
    } else if (!tls
        && (why.contains("Network closed for unknown reason")
            || why.contains("Connection reset"))) {
      // A TLS server drops a plaintext HTTP/2 preface either by closing or by resetting,
      // depending on timing.
      message.append(
          "The server closed the connection: if it speaks TLS, pass --tls;"
              + " otherwise check that "
              + target
              + " is the "
              + role.name
              + "'s "
              + role.listenKey());
    } else {
      message.append(
          "Is the "
              + role.name
              + " running with "
              + role.listenKey()
              + " set to"
              + " that address? Pass it with --server HOST:PORT");
    }
    return new ServiceException(ServiceOptions.EXIT_UNREACHABLE, message.toString(), cause);
  }

  private String http1() {
    return "it answers HTTP/1.x, not gRPC: that is an HTTP port (a tracker's or a seeder's"
        + " listen), not the "
        + role.name
        + "'s admin port ("
        + role.listenKey()
        + ")";
  }

  private static boolean looksLikeTls(String why, Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      String name = t.getClass().getName();
      if (name.contains("SSL") || name.contains("Ssl") || name.contains("Certificate")) {
        return true;
      }
    }
    return why.contains("SSL")
        || why.contains("ssl")
        || why.contains("certificate")
        || why.contains("handshake");
  }

  private static final java.util.regex.Pattern PIPELINE =
      java.util.regex.Pattern.compile("\\s*Channel Pipeline: \\[[^\\]]*\\]:?\\s*");
  private static final java.util.regex.Pattern HEX_DUMP =
      java.util.regex.Pattern.compile("([0-9a-fA-F]{16})[0-9a-fA-F]{16,}");

  /**
   * The status and, for connection failures, the OS error (ECONNREFUSED, ...), on one line: without
   * Netty's pipeline listing, and hex dumps cut to 16 digits.
   */
  static String describe(Status status) {
    String text =
        status.getCode() + (status.getDescription() == null ? "" : ": " + status.getDescription());
    // The root cause says most (ECONNREFUSED, "unable to find valid certification path").
    Throwable cause = status.getCause();
    for (Throwable t = cause; t != null && t.getCause() != t; t = t.getCause()) {
      if (t.getMessage() != null) {
        cause = t;
      }
    }
    if (cause != null && cause.getMessage() != null && !text.contains(cause.getMessage().strip())) {
      text = text + ": " + cause.getMessage();
    }
    text = PIPELINE.matcher(text).replaceAll(" ");
    text = HEX_DUMP.matcher(text).replaceAll("$1...");
    return text.replaceAll("\\s*\\R\\s*", " ").strip();
  }

  @Override
  public void close() {
    managed.shutdownNow();
    try {
      managed.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Adds {@code authorization: Bearer <token>} to every call. */
  private static final class BearerToken implements ClientInterceptor {
    private final String header;

    BearerToken(String token) {
      this.header = "Bearer " + token;
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(
        MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
        @Override
        public void start(Listener<R> listener, Metadata headers) {
          headers.put(AUTHORIZATION, header);
          super.start(listener, headers);
        }
      };
    }
  }
}
