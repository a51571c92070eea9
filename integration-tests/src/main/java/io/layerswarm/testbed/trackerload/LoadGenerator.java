package io.layerswarm.testbed.trackerload;

import io.layerswarm.core.auth.HttpSignature;
import io.layerswarm.core.bencode.Bencode;
import io.layerswarm.core.bencode.BencodeException;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sends announces for a {@link Workload} to one tracker over C keep-alive HTTP/1.1 connections, one
 * request in flight on each, all on one event loop thread (the tracker under test needs the other
 * core). Connection {@code c} is bound to {@link Workload#sourceAddress}; a tracker that closes
 * after each answer (opentracker) gets a new connection for the next announce.
 *
 * <p>Open loop: announce {@code i} is due at {@code start + i / rate} and queued on its host's
 * connection then; its latency runs from when it was due, so a slow tracker's queueing counts (no
 * coordinated omission). Closed loop ("max"): each connection sends its next announce as soon as
 * the previous one is answered; latency runs from the send. Every phase is bounded in count and
 * time; a request unanswered after the request timeout is an error and its connection is closed.
 */
final class LoadGenerator implements AutoCloseable {
  static final String USER_AGENT = "layerswarm-agent/0.1.0";
  private static final int MAX_RESPONSE_BYTES = 64 * 1024;

  /** Announce {@code index} of an open-loop phase: which host, which layer, started or not. */
  interface Sequence {
    Pending at(long index);
  }

  /** One announce waiting for its connection, due at {@code dueNanos}. */
  record Pending(int host, int layer, boolean started, long dueNanos) {
    Pending due(long nanos) {
      return new Pending(host, layer, started, nanos);
    }
  }

  private final Workload workload;
  private final Workload.Targets targets;
  private final InetSocketAddress server;
  private final String hostHeader;
  private final HttpSignature signature;
  private final Duration requestTimeout;
  private final boolean keepAlive;
  private final EventLoopGroup group;
  private final EventLoop loop;
  private final Bootstrap bootstrap;
  private final Conn[] conns;

  private PhaseStats stats = new PhaseStats(System.nanoTime());
  private Phase phase;

  /**
   * @param signature signs every announce ({@code Layerswarm-Signature}); null: unsigned
   * @param keepAlive false: every announce on a new connection with {@code Connection: close}, as
   *     our agent's tracker client does (and as opentracker answers anyway: it closes after each
   *     answer without saying so, so a reused connection would lose the next request)
   */
  LoadGenerator(
      Workload workload,
      InetSocketAddress server,
      HttpSignature signature,
      Duration timeout,
      boolean keepAlive) {
    this.keepAlive = keepAlive;
    this.workload = workload;
    this.targets = workload.targets();
    this.server = server;
    this.hostHeader = server.getHostString() + ":" + server.getPort();
    this.signature = signature;
    this.requestTimeout = timeout;
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("load", true), io);
    this.loop = group.next();
    this.bootstrap =
        new Bootstrap()
            .group(loop)
            .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis());
    this.conns = new Conn[workload.connections()];
    for (int c = 0; c < conns.length; c++) {
      conns[c] = new Conn(c);
    }
  }

  /**
   * Sends {@code count} announces of {@code sequence} at {@code rate} per second; ends when all are
   * answered or at {@code deadline} after the start, whichever is first.
   */
  PhaseStats.Summary openLoop(
      String name, Sequence sequence, long count, double rate, Duration deadline) throws Exception {
    return run(new OpenLoop(name, sequence, count, rate, deadline));
  }

  /**
   * Each connection that has hosts sends regular announces of its hosts back to back, for {@code
   * duration} or {@code maxCount} announces in all.
   */
  PhaseStats.Summary closedLoop(String name, long maxCount, Duration duration) throws Exception {
    return run(new ClosedLoop(name, maxCount, duration));
  }

  private PhaseStats.Summary run(Phase p) throws Exception {
    CompletableFuture<PhaseStats.Summary> done = new CompletableFuture<>();
    loop.execute(() -> p.start(done));
    // The phase ends itself at its deadline; this bound only guards against a stuck loop.
    return done.get(p.deadline.toSeconds() + requestTimeout.toSeconds() + 60, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  // ------------------------------------------------------------------ phases (event loop only)

  private abstract class Phase {
    final String name;
    final Duration deadline;
    long startNanos;
    CompletableFuture<PhaseStats.Summary> done;
    ScheduledFuture<?> tick;

    Phase(String name, Duration deadline) {
      this.name = name;
      this.deadline = deadline;
    }

    void start(CompletableFuture<PhaseStats.Summary> done) {
      this.done = done;
      startNanos = System.nanoTime();
      stats = new PhaseStats(startNanos);
      phase = this;
      tick = loop.scheduleAtFixedRate(this::tick, 0, 1, TimeUnit.MILLISECONDS);
      begin();
    }

    void begin() {}

    abstract void tick(long now);

    /** The next announce of connection {@code c} once it is free; null: none. */
    Pending next(Conn c) {
      return null;
    }

    private void tick() {
      long now = System.nanoTime();
      for (Conn c : conns) {
        c.checkTimeout(now);
      }
      if (now - startNanos >= deadline.toNanos()) {
        finish("unanswered at the phase deadline");
        return;
      }
      tick(now);
    }

    void finish(String leftoverKind) {
      if (done.isDone()) {
        return;
      }
      tick.cancel(false);
      long now = System.nanoTime();
      for (Conn c : conns) {
        c.abandon(leftoverKind, now);
      }
      phase = null;
      done.complete(summary());
    }

    abstract PhaseStats.Summary summary();

    boolean allIdle() {
      for (Conn c : conns) {
        if (c.inflight != null || !c.queue.isEmpty()) {
          return false;
        }
      }
      return true;
    }
  }

  private final class OpenLoop extends Phase {
    final Sequence sequence;
    final long count;
    final double rate;
    long next;

    OpenLoop(String name, Sequence sequence, long count, double rate, Duration deadline) {
      super(name, deadline);
      this.sequence = sequence;
      this.count = count;
      this.rate = rate;
    }

    @Override
    void tick(long now) {
      long due = Math.min(count, (long) ((now - startNanos) * rate / 1e9) + 1);
      for (; next < due; next++) {
        Pending p = sequence.at(next);
        long dueNanos = startNanos + (long) (next * 1e9 / rate);
        conns[workload.connectionOf(p.host())].enqueue(p.due(dueNanos));
      }
      if (next == count && allIdle()) {
        finish("");
      }
    }

    @Override
    PhaseStats.Summary summary() {
      return stats.summary(name, rate, count);
    }
  }

  private final class ClosedLoop extends Phase {
    final long maxCount;
    final Duration duration;
    final long[] cursor = new long[conns.length];
    long issued;

    /** Issues for {@code duration}, then waits up to the request timeout for the last answers. */
    ClosedLoop(String name, long maxCount, Duration duration) {
      super(name, duration.plus(requestTimeout));
      this.maxCount = maxCount;
      this.duration = duration;
    }

    boolean issuing() {
      return issued < maxCount && System.nanoTime() - startNanos < duration.toNanos();
    }

    @Override
    void begin() {
      for (Conn c : conns) {
        c.sendNext();
      }
    }

    @Override
    void tick(long now) {
      if (!issuing() && allIdle()) {
        finish("");
      }
    }

    @Override
    Pending next(Conn c) {
      // Connection c serves hosts c, c + C, c + 2C, ...: each of their layers in turn.
      int hostsOfConn = (workload.hosts() - c.index + conns.length - 1) / conns.length;
      if (hostsOfConn <= 0 || !issuing()) {
        return null;
      }
      long k = cursor[c.index]++;
      issued++;
      int host = c.index + (int) (k % hostsOfConn) * conns.length;
      int layer = (int) ((k / hostsOfConn) % workload.layers());
      return new Pending(host, layer, false, System.nanoTime());
    }

    @Override
    PhaseStats.Summary summary() {
      return stats.summary(name, 0, maxCount);
    }
  }

  // ------------------------------------------------------------------ connections (event loop)

  private final class Conn {
    final int index;
    final InetSocketAddress source;
    final ArrayDeque<Pending> queue = new ArrayDeque<>();
    Channel channel;
    boolean connecting;
    Pending inflight;
    long inflightSentNanos;

    Conn(int index) {
      this.index = index;
      this.source = new InetSocketAddress(Workload.sourceAddress(index), 0);
    }

    void enqueue(Pending p) {
      queue.add(p);
      sendNext();
    }

    void sendNext() {
      if (inflight != null || connecting) {
        return;
      }
      if (queue.isEmpty() && phase != null) {
        Pending p = phase.next(this);
        if (p != null) {
          queue.add(p);
        }
      }
      if (queue.isEmpty()) {
        return;
      }
      if (channel == null) {
        connect();
        return;
      }
      Pending p = queue.poll();
      String target = targets.announce(p.host(), p.layer(), p.started());
      FullHttpRequest get =
          new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, target);
      get.headers().set(HttpHeaderNames.HOST, hostHeader);
      get.headers().set(HttpHeaderNames.USER_AGENT, USER_AGENT);
      if (!keepAlive) {
        get.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      }
      if (signature != null) {
        get.headers().set(HttpSignature.HEADER, signature.sign("GET", target, Instant.now()));
      }
      inflight = p;
      inflightSentNanos = System.nanoTime();
      stats.sent();
      channel.writeAndFlush(get);
    }

    private void connect() {
      connecting = true;
      ChannelFuture f =
          bootstrap
              .clone()
              .handler(
                  new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                      ch.pipeline().addLast(new ByteCounter());
                      ch.pipeline().addLast(new HttpClientCodec());
                      ch.pipeline().addLast(new HttpObjectAggregator(MAX_RESPONSE_BYTES));
                      ch.pipeline().addLast(new Answers(Conn.this));
                    }
                  })
              .connect(server, source);
      f.addListener(
          (ChannelFuture r) -> {
            connecting = false;
            if (r.isSuccess()) {
              channel = r.channel();
              stats.connected();
            } else {
              // The announce that waited for this connection fails; the next one tries again.
              Pending lost = queue.poll();
              if (lost != null) {
                stats.error("connect: " + simpleName(r.cause()), System.nanoTime());
              }
            }
            loop.execute(this::sendNext);
          });
    }

    void answered(Channel from, FullHttpResponse response) {
      if (from != channel || inflight == null) {
        return;
      }
      long now = System.nanoTime();
      long latency = now - (phase instanceof OpenLoop ? inflight.dueNanos() : inflightSentNanos);
      inflight = null;
      classify(response, latency, now);
      if (!keepAlive || !HttpUtil.isKeepAlive(response)) {
        drop();
      }
      sendNext();
    }

    void closed(Channel from) {
      if (from != channel) {
        return;
      }
      channel = null;
      if (inflight != null) {
        inflight = null;
        stats.error("connection closed before the answer", System.nanoTime());
      }
      sendNext();
    }

    void checkTimeout(long now) {
      if (inflight != null && now - inflightSentNanos > requestTimeout.toNanos()) {
        inflight = null;
        stats.error("timeout", now);
        drop();
        sendNext();
      }
    }

    /** At a phase's end: what is still queued or in flight counts as {@code kind} (if any). */
    void abandon(String kind, long now) {
      int left = queue.size() + (inflight == null ? 0 : 1);
      if (!kind.isEmpty()) {
        for (int i = 0; i < left; i++) {
          stats.error(kind, now);
        }
      }
      queue.clear();
      inflight = null;
      drop();
    }

    private void drop() {
      if (channel != null) {
        channel.close();
        channel = null;
      }
    }
  }

  private void classify(FullHttpResponse response, long latency, long now) {
    int status = response.status().code();
    if (status != 200) {
      stats.error("HTTP " + status, now);
      return;
    }
    try {
      if (Bencode.decode(ByteBufUtil.getBytes(response.content())) instanceof Map<?, ?> dict) {
        if (dict.get("failure reason") instanceof byte[] reason) {
          String text = new String(reason, StandardCharsets.UTF_8);
          stats.error("failure: " + (text.length() > 80 ? text.substring(0, 80) : text), now);
          return;
        }
        if (dict.get("peers") instanceof byte[] peers) {
          stats.answered(latency, peers.length / 6, now);
          return;
        }
      }
      stats.error("answer without peers", now);
    } catch (BencodeException e) {
      stats.error("answer is not bencode", now);
    }
  }

  private static String simpleName(Throwable t) {
    return t == null ? "unknown" : t.getClass().getSimpleName();
  }

  /** The HTTP bytes both ways, at the bottom of the pipeline (so without TCP/IP headers). */
  private final class ByteCounter extends ChannelDuplexHandler {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ByteBuf b) {
        stats.bytes(0, b.readableBytes());
      }
      ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      if (msg instanceof ByteBuf b) {
        stats.bytes(b.readableBytes(), 0);
      }
      ctx.write(msg, promise);
    }
  }

  private static final class Answers extends SimpleChannelInboundHandler<FullHttpResponse> {
    private final Conn conn;

    Answers(Conn conn) {
      this.conn = conn;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
      conn.answered(ctx.channel(), response);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      conn.closed(ctx.channel());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
