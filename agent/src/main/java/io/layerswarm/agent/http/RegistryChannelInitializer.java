package io.layerswarm.agent.http;

import io.layerswarm.agent.metrics.AgentMetrics;
import io.layerswarm.agent.mirror.RegistryMirror;
import io.layerswarm.swarm.listener.ConnectionCap;
import io.layerswarm.swarm.listener.IdleConnectionCloser;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Builds the whole registry API pipeline of one client connection, one concern per handler:
 *
 * <ol>
 *   <li>{@code cap}: at most {@link #MAX_CONNECTIONS} connections at once; others are closed as
 *       they are accepted;
 *   <li>{@code idle}, then after the codec {@code idle-close}: a connection with no request in
 *       progress and no traffic for {@link #IDLE_TIMEOUT} is closed;
 *   <li>{@code codec}, {@code size-guard}: HTTP/1.1; a request the codec rejects (oversized or
 *       malformed) goes on marked, and nothing after it;
 *   <li>{@code keep-alive};
 *   <li>{@code chunked-writer}: sends blobs that are still arriving, chunk by chunk while the
 *       channel is writable;
 *   <li>{@code aggregator}: small, because pull requests have no body; blob bodies only ever go
 *       out, as file regions or chunks, so nothing large is aggregated. It answers nothing itself
 *       (no 100, 413 or 417 ahead of the answers owed): a body too large goes on marked;
 *   <li>{@code metrics}: {@code /metrics}, {@code /healthz} and {@code /ready}, outside {@code
 *       /v2/} so they never shadow the registry API, and in front of the drain gate so a draining
 *       agent still answers scrapes (and {@code /ready} says it drains);
 *   <li>{@code router}: what each request asks for ({@link RegistryRequest}), a marked one
 *       included: it is answered in its turn, like every other, and closes the connection;
 *   <li>{@code drain-gate}, when the agent has a drain: counts responses in progress and refuses
 *       new requests while draining;
 *   <li>{@code one-at-a-time}: the handlers behind answer one request at a time, in order, and
 *       reading pauses meanwhile;
 *   <li>{@code fixed}, {@code manifests}, {@code blobs}: the answers.
 * </ol>
 */
public final class RegistryChannelInitializer extends ChannelInitializer<Channel> {
  /** Longest request line; dockerd and containerd URIs are well under 1 KiB. */
  public static final int MAX_INITIAL_LINE_LENGTH = 8 * 1024;

  /** Largest header block; bearer tokens can be several KiB. */
  public static final int MAX_HEADER_SIZE = 32 * 1024;

  /** Largest request body; pull requests have none. */
  public static final int MAX_REQUEST_BODY = 8 * 1024;

  /**
   * Connections held at once: a runtime pulls with a handful, but anything on the host (a
   * compromised container too) can reach the port.
   */
  public static final int MAX_CONNECTIONS = 512;

  /** A connection without a request in progress and without traffic this long is closed. */
  public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(120);

  private final ConnectionCap cap =
      new ConnectionCap("agent.listen", MAX_CONNECTIONS, MAX_CONNECTIONS);

  private final RegistryMirror mirror;
  private final ExecutorService pumps;
  private final AgentMetrics metrics;
  private final Optional<DrainHooks> drain;

  /** A pipeline without a drain gate. */
  public RegistryChannelInitializer(
      RegistryMirror mirror, ExecutorService pumps, AgentMetrics metrics) {
    this(mirror, pumps, metrics, Optional.empty());
  }

  /**
   * @param pumps runs the blocking reads of blobs streamed while they arrive, one task per such
   *     response; a bounded pool (a refused task gets 503)
   * @param metrics served on {@code /metrics}, and counts the registry answers
   * @param drain the agent's drain, which the drain gate counts responses for and asks whether to
   *     refuse; empty for no gate
   */
  public RegistryChannelInitializer(
      RegistryMirror mirror,
      ExecutorService pumps,
      AgentMetrics metrics,
      Optional<DrainHooks> drain) {
    this.mirror = mirror;
    this.pumps = pumps;
    this.metrics = metrics;
    this.drain = drain;
  }

  @Override
  protected void initChannel(Channel channel) {
    ChannelPipeline pipeline = channel.pipeline();
    pipeline.addLast("cap", cap);
    pipeline.addLast(
        "idle", new IdleStateHandler(0, 0, IDLE_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
    addRegistryHandlers(pipeline);
  }

  /**
   * Adds everything from {@code codec} to {@code blobs} at the end of {@code pipeline}: the HTTPS
   * proxy serves the registry API behind its TLS handler with these same handlers.
   */
  public void addRegistryHandlers(ChannelPipeline pipeline) {
    pipeline.addLast(
        "codec",
        new HttpServerCodec(
            new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_INITIAL_LINE_LENGTH)
                .setMaxHeaderSize(MAX_HEADER_SIZE)));
    pipeline.addLast("idle-close", new IdleConnectionCloser());
    pipeline.addLast("size-guard", new RequestSizeGuard());
    pipeline.addLast("keep-alive", new HttpServerKeepAliveHandler());
    pipeline.addLast("chunked-writer", new ChunkedWriteHandler());
    pipeline.addLast("aggregator", new RequestAggregator(MAX_REQUEST_BODY));
    pipeline.addLast("metrics", new MetricsHandler(metrics));
    pipeline.addLast("router", new RegistryRouter());
    drain.ifPresent(hooks -> pipeline.addLast("drain-gate", new DrainGate(hooks)));
    pipeline.addLast("one-at-a-time", new OneRequestAtATime());
    pipeline.addLast("fixed", new FixedAnswers());
    pipeline.addLast("manifests", new ManifestHandler(mirror, metrics));
    pipeline.addLast("blobs", new BlobHandler(mirror, pumps, metrics));
  }
}
