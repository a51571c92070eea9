package io.layerswarm.swarm.tracker;

import io.layerswarm.core.auth.HttpAuth;
import io.layerswarm.core.auth.HttpSignature;
import io.layerswarm.core.auth.LogSafe;
import io.layerswarm.core.bencode.Bencode;
import io.layerswarm.core.bencode.BencodeException;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * Announces to HTTP(S) trackers (BEP 3) over the engine's own Netty event loops, asynchronously:
 * any number of announces may run at once, from any thread, each with its own timeout, one
 * connection each ({@code Connection: close}); redirects are not followed. Host names are looked up
 * on a small thread pool of their own, never on an event loop; TLS uses the JDK's trust store, set
 * up on the first https announce. With a cluster secret, every announce carries its {@link
 * HttpSignature} (the secret itself is never sent, and never in a URL). Error messages name the
 * tracker by {@link LogSafe#uri}: never its query or user info. Thread-safe.
 *
 * <p>Not {@code java.net.http}: its client builds a TLS context and two threads at creation even
 * for plain http, about 0.15 s of CPU in every process plus the JIT work of a second network stack,
 * and the first announce's latency adds up to the first byte of every download.
 */
public final class HttpTrackerClient implements TrackerClient {
  /** Largest tracker response we read. */
  static final int MAX_RESPONSE_BYTES = 1024 * 1024;

  /** Host name lookups: blocking, so never on an event loop; threads end when idle. */
  private static final ExecutorService RESOLVER =
      new ThreadPoolExecutor(
          0,
          4,
          30,
          TimeUnit.SECONDS,
          new SynchronousQueue<>(),
          new DefaultThreadFactory("swarm-dns", true),
          new ThreadPoolExecutor.CallerRunsPolicy());

  private final EventLoopGroup group;
  private final Class<? extends Channel> channelType;
  private final Duration timeout;
  private final String userAgent;
  private final HttpAuth auth;

  /** In open mode: announces are not signed. */
  public HttpTrackerClient(
      EventLoopGroup group,
      Class<? extends Channel> channelType,
      Duration timeout,
      String userAgent) {
    this(group, channelType, timeout, userAgent, HttpAuth.open());
  }

  /**
   * @param group event loops the announce connections run on
   * @param channelType their socket channel class (epoll or NIO, as {@code group})
   * @param timeout bound on each announce, from the name lookup to the last byte of the response
   * @param auth signs each announce with the cluster secret; {@link HttpAuth#open()}: unsigned
   */
  public HttpTrackerClient(
      EventLoopGroup group,
      Class<? extends Channel> channelType,
      Duration timeout,
      String userAgent,
      HttpAuth auth) {
    this.group = group;
    this.channelType = channelType;
    this.timeout = timeout;
    this.userAgent = userAgent;
    this.auth = auth;
  }

  /**
   * Sends one announce. The future fails with a {@link TrackerException} (wrapped in a {@link
   * CompletionException}) if the tracker cannot be reached, answers with a non-200 status or bad
   * bencode, or returns a "failure reason"; {@linkplain TrackerException#trackerUnusable()
   * unusable} when it refused the connection, answered HTTP 5xx or said its peer store is
   * unavailable.
   */
  @Override
  public CompletableFuture<AnnounceResponse> announce(URI tracker, AnnounceRequest request) {
    CompletableFuture<AnnounceResponse> result = new CompletableFuture<>();
    try {
      URI uri = AnnounceCodec.uri(tracker, request);
      String scheme = String.valueOf(uri.getScheme()).toLowerCase(java.util.Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw new TrackerException("not an http or https URL");
      }
      String host = uri.getHost();
      if (host == null) {
        throw new TrackerException("no host");
      }
      boolean tls = scheme.equals("https");
      int port = uri.getPort() >= 0 ? uri.getPort() : tls ? 443 : 80;
      String target =
          (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
              + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
      String hostHeader =
          (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host)
              + (uri.getPort() >= 0 ? ":" + uri.getPort() : "");
      SslContext ssl = tls ? Tls.CONTEXT : null;
      String signature = auth.sign("GET", uri).orElse(null);
      resolve(host)
          .thenAccept(
              address ->
                  connect(
                      new InetSocketAddress(address, port),
                      host,
                      ssl,
                      new Get(target, hostHeader, signature),
                      result))
          .exceptionally(
              e -> {
                result.completeExceptionally(e);
                return null;
              });
    } catch (TrackerException | RuntimeException e) {
      result.completeExceptionally(e);
    }
    CompletableFuture<AnnounceResponse> bounded =
        result.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    return bounded.handle(
        (response, error) -> {
          if (error == null) {
            return response;
          }
          Throwable cause =
              error instanceof CompletionException && error.getCause() != null
                  ? error.getCause()
                  : error;
          if (cause instanceof TrackerException t) {
            // The tracker answered, but not as it should (status, bencode, failure reason).
            throw new CompletionException(
                new TrackerException(
                    "announce to " + LogSafe.uri(tracker) + ": " + t.getMessage(), t));
          }
          if (cause instanceof ConnectException && !(cause instanceof ConnectTimeoutException)) {
            // Refused (nothing listens there): that tracker is down. A timeout may be a slow one.
            throw new CompletionException(
                TrackerException.unusable(
                    "announce to " + LogSafe.uri(tracker) + " failed: " + cause, cause));
          }
          throw new CompletionException(
              new TrackerException(
                  "announce to " + LogSafe.uri(tracker) + " failed: " + cause, cause));
        });
  }

  /** An IP literal at once; a name on the resolver pool. */
  private static CompletableFuture<InetAddress> resolve(String host) {
    String literal =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    byte[] ip = NetUtil.createByteArrayFromIpAddressString(literal);
    if (ip != null) {
      try {
        return CompletableFuture.completedFuture(InetAddress.getByAddress(ip));
      } catch (UnknownHostException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return InetAddress.getByName(literal);
          } catch (UnknownHostException e) {
            throw new CompletionException(e);
          }
        },
        RESOLVER);
  }

  /** The request line's target and the headers of one announce; {@code signature} may be null. */
  private record Get(String target, String hostHeader, String signature) {}

  private void connect(
      InetSocketAddress address,
      String host,
      SslContext ssl,
      Get request,
      CompletableFuture<AnnounceResponse> result) {
    ChannelFuture connect =
        new Bootstrap()
            .group(group)
            .channel(channelType)
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    if (ssl != null) {
                      ch.pipeline().addLast(ssl.newHandler(ch.alloc(), host, address.getPort()));
                    }
                    ch.pipeline().addLast(new HttpClientCodec());
                    ch.pipeline().addLast(new HttpObjectAggregator(MAX_RESPONSE_BYTES));
                    ch.pipeline().addLast(new ResponseHandler(result));
                  }
                })
            .connect(address);
    Channel channel = connect.channel();
    // Whatever ends the announce (an answer, a failure, the timeout) closes the connection.
    result.whenComplete((r, e) -> channel.close());
    connect.addListener(
        (ChannelFuture f) -> {
          if (!f.isSuccess()) {
            result.completeExceptionally(f.cause());
            return;
          }
          FullHttpRequest get =
              new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, request.target());
          get.headers()
              .set(HttpHeaderNames.HOST, request.hostHeader())
              .set(HttpHeaderNames.USER_AGENT, userAgent)
              .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
          if (request.signature() != null) {
            get.headers().set(HttpSignature.HEADER, request.signature());
          }
          f.channel()
              .writeAndFlush(get)
              .addListener(
                  w -> {
                    if (!w.isSuccess()) {
                      result.completeExceptionally(w.cause());
                    }
                  });
        });
  }

  /** Completes the announce with the parsed response, or fails it. */
  private static final class ResponseHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
    private final CompletableFuture<AnnounceResponse> result;

    ResponseHandler(CompletableFuture<AnnounceResponse> result) {
      this.result = result;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
      int status = response.status().code();
      if (status != 200) {
        String message =
            "returned HTTP " + status + failureReason(ByteBufUtil.getBytes(response.content()));
        result.completeExceptionally(
            status >= 500
                ? TrackerException.unusable(message, null)
                : new TrackerException(message));
        return;
      }
      try {
        result.complete(AnnounceCodec.parse(ByteBufUtil.getBytes(response.content())));
      } catch (TrackerException e) {
        result.completeExceptionally(e);
      }
    }

    /**
     * ": reason" when a refusal's body is a bencoded {@code failure reason} (a tracker with a
     * cluster secret answers 401 so), else nothing.
     */
    private static String failureReason(byte[] body) {
      try {
        if (Bencode.decode(body) instanceof java.util.Map<?, ?> dict
            && dict.get("failure reason") instanceof byte[] reason) {
          return ": " + new String(reason, java.nio.charset.StandardCharsets.UTF_8);
        }
      } catch (BencodeException | RuntimeException e) {
        // Not bencode: the status alone says enough.
      }
      return "";
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      result.completeExceptionally(new TrackerException("connection closed before a response"));
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      result.completeExceptionally(
          cause instanceof TooLongFrameException
              ? new TrackerException("response exceeds " + MAX_RESPONSE_BYTES + " bytes", cause)
              : cause);
      ctx.close();
    }
  }

  /** The TLS client context, built on first use (it loads the JDK's trust store). */
  private static final class Tls {
    static final SslContext CONTEXT = build();

    private static SslContext build() {
      try {
        return SslContextBuilder.forClient().build();
      } catch (SSLException e) {
        throw new IllegalStateException("cannot set up TLS for https trackers", e);
      }
    }
  }
}
