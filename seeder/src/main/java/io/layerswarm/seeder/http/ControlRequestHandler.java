package io.layerswarm.seeder.http;

import io.layerswarm.core.Digest;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.MetainfoAnswer;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.registry.notify.NotificationFormatException;
import io.layerswarm.seeder.harbor.HarborPreheat;
import io.layerswarm.seeder.seeding.SeederException;
import io.layerswarm.seeder.seeding.SeederService;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers control requests (aggregated {@link FullHttpRequest}s): health, metainfo, metrics,
 * registry notifications and the Dragonfly preheat API ({@link HarborPreheat}, answered on the
 * event loop: it only parses, queues and reads its table). Requests on one connection are answered
 * one at a time and in order; while a metainfo lookup or a metrics scrape runs, reading from the
 * connection is paused. Those block, so they run on the {@code lookups} executor, never on the
 * event loop. A notification is parsed and queued on the event loop (bounded by the body cap, no
 * I/O) and answered at once. All other state is owned by the channel's event loop.
 */
public final class ControlRequestHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ControlRequestHandler.class);

  /** Pipelined requests held while one is answered; a client that sends more is cut off. */
  private static final int MAX_QUEUED = 16;

  /** The blocking lookup behind {@code GET /metainfo/...}; {@link SeederService#metainfo}. */
  @FunctionalInterface
  public interface Lookup {
    Metainfo metainfo(Digest digest, String registry, RepositoryName repo) throws SeederException;

    /**
     * The body of the answer: the torrent, and a tiny blob's bytes with it ({@link
     * MetainfoAnswer}). By default the torrent alone.
     */
    default byte[] answer(Digest digest, String registry, RepositoryName repo)
        throws SeederException {
      return MetainfoAnswer.encode(metainfo(digest, registry, repo));
    }
  }

  /** Takes a notification body behind {@code POST /notifications}; must not block. */
  @FunctionalInterface
  public interface NotificationSink {
    /**
     * @return a JSON summary for the response body
     * @throws NotificationFormatException when the body is not an event envelope
     */
    String accept(byte[] body) throws NotificationFormatException;
  }

  /** The Prometheus text behind {@code GET /metrics}; may block. */
  @FunctionalInterface
  public interface MetricsSource {
    String scrape();
  }

  /**
   * What {@code GET /healthz} reports: the problems of the seeder's threads (a dead or stuck event
   * loop, a stopped pool), none when healthy; must not block.
   */
  @FunctionalInterface
  public interface HealthSource {
    List<String> problems();
  }

  /**
   * What the other members read here: the ring this seeder holds ({@code GET /ring}) and the blobs
   * it holds ({@code GET /blobs/<digest>}, for a seeder that became a blob's owner and copies it
   * instead of asking the origin).
   */
  public interface MemberApi {
    /**
     * The ring in its text form.
     *
     * @throws IllegalStateException while the seeder starts (answered 503)
     */
    String ring();

    /** The file of a held blob, empty when not held; may block. */
    Optional<Path> heldBlob(Digest digest);
  }

  /** A request to answer, with its body for the routes that take one. */
  private record Pending(ControlRoute route, byte[] body) {}

  private final Lookup lookup;
  private final NotificationSink notifications;
  private final MetricsSource metrics;
  private final Executor lookups;
  private final HealthSource health;
  private final HarborPreheat preheatApi;
  private final MemberApi members;
  private final ArrayDeque<Pending> queued = new ArrayDeque<>();
  private boolean answering;

  /** Without notifications (answered 404) and with empty metrics, for tests of the lookup path. */
  ControlRequestHandler(Lookup lookup, Executor lookups) {
    this(lookup, null, () -> "", lookups);
  }

  /**
   * @param notifications null: {@code POST /notifications} is answered 404
   */
  ControlRequestHandler(
      Lookup lookup, NotificationSink notifications, MetricsSource metrics, Executor lookups) {
    this(lookup, notifications, metrics, lookups, List::of);
  }

  /**
   * @param notifications null: {@code POST /notifications} is answered 404
   * @param health what {@code /healthz} reports
   */
  ControlRequestHandler(
      Lookup lookup,
      NotificationSink notifications,
      MetricsSource metrics,
      Executor lookups,
      HealthSource health) {
    this(lookup, notifications, metrics, lookups, health, null);
  }

  /**
   * @param notifications null: {@code POST /notifications} is answered 404
   * @param health what {@code /healthz} and {@code /healthy} report
   * @param preheatApi null: the preheat API's paths are answered 404
   */
  ControlRequestHandler(
      Lookup lookup,
      NotificationSink notifications,
      MetricsSource metrics,
      Executor lookups,
      HealthSource health,
      HarborPreheat preheatApi) {
    this(lookup, notifications, metrics, lookups, health, preheatApi, null);
  }

  /**
   * @param members the ring and the held blobs for the other members; null: 404
   */
  ControlRequestHandler(
      Lookup lookup,
      NotificationSink notifications,
      MetricsSource metrics,
      Executor lookups,
      HealthSource health,
      HarborPreheat preheatApi,
      MemberApi members) {
    this.members = members;
    this.preheatApi = preheatApi;
    this.health = health;
    this.lookup = lookup;
    this.notifications = notifications;
    this.metrics = metrics;
    this.lookups = lookups;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest request)) {
      ctx.fireChannelRead(msg);
      return;
    }
    ControlRoute route;
    byte[] body = null;
    try {
      if (request.decoderResult().isFailure()) {
        // Answered in its turn, after the requests before it on this connection.
        route =
            new ControlRoute.Malformed(
                "malformed HTTP request: " + request.decoderResult().cause());
      } else {
        route = ControlRoute.parse(request.method().name(), request.uri());
      }
      if (route instanceof ControlRoute.Notifications || route instanceof ControlRoute.CreateJob) {
        body = ByteBufUtil.getBytes(request.content());
      }
    } finally {
      request.release();
    }
    if (queued.size() >= MAX_QUEUED) {
      log.warn(
          "closing {}: more than {} pipelined requests", ctx.channel().remoteAddress(), MAX_QUEUED);
      ctx.close();
      return;
    }
    queued.add(new Pending(route, body));
    if (!answering) {
      answerNext(ctx);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    queued.clear();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("closing control connection {}: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }

  private void answerNext(ChannelHandlerContext ctx) {
    Pending pending = queued.poll();
    if (pending == null || !ctx.channel().isActive()) {
      answering = false;
      ctx.channel().config().setAutoRead(true);
      return;
    }
    answering = true;
    ControlRoute route = pending.route();
    if (route instanceof ControlRoute.Metrics) {
      offLoop(ctx, () -> answerLater(ctx, scrape()));
      return;
    }
    if (route instanceof ControlRoute.Notifications) {
      send(ctx, notify(pending.body()));
      return;
    }
    if (route instanceof ControlRoute.Malformed malformed) {
      FullHttpResponse response =
          ControlResponses.error(
              HttpResponseStatus.BAD_REQUEST, "BAD_REQUEST", malformed.reason(), null);
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    if (route instanceof ControlRoute.MetainfoLookup request) {
      if (!offLoop(ctx, () -> answerLater(ctx, look(request)))) {
        log.atWarn()
            .addKeyValue("digest", request.digest())
            .log("rejecting a metainfo request: the lookup executor is full");
      }
      return;
    }
    if (route instanceof ControlRoute.Ring) {
      send(ctx, ring());
      return;
    }
    if (route instanceof ControlRoute.HeldBlob blob) {
      if (members == null) {
        send(ctx, ControlResponses.notFound(ControlRoute.BLOBS_PREFIX));
        return;
      }
      offLoop(ctx, () -> openBlob(ctx, blob.digest()));
      return;
    }
    if (route instanceof ControlRoute.CreateJob) {
      send(ctx, preheatApi == null ? notFound() : answer(preheatApi.create(pending.body())));
      return;
    }
    if (route instanceof ControlRoute.JobStatus status) {
      send(ctx, preheatApi == null ? notFound() : answer(preheatApi.status(status.id())));
      return;
    }
    if (route instanceof ControlRoute.PreheatHealth) {
      send(ctx, preheatApi == null ? notFound() : immediate(new ControlRoute.Health()));
      return;
    }
    send(ctx, immediate(route));
  }

  /**
   * Runs blocking {@code work} on the lookup executor, with reading paused until it answers; a full
   * executor is answered 503 at once.
   *
   * @return false when the executor was full
   */
  private boolean offLoop(ChannelHandlerContext ctx, Runnable work) {
    ctx.channel().config().setAutoRead(false);
    try {
      lookups.execute(work);
      return true;
    } catch (RejectedExecutionException e) {
      send(ctx, ControlResponses.busy());
      return false;
    }
  }

  /** From the lookup executor: sends {@code response} on the channel's event loop. */
  private void answerLater(ChannelHandlerContext ctx, FullHttpResponse response) {
    ctx.executor().execute(() -> send(ctx, response));
  }

  /** Runs on the event loop: the ring is in memory. */
  private FullHttpResponse ring() {
    if (members == null) {
      return ControlResponses.notFound(ControlRoute.RING_PATH);
    }
    try {
      return ControlResponses.ok(
          "text/plain; charset=utf-8", members.ring().getBytes(StandardCharsets.UTF_8));
    } catch (IllegalStateException e) {
      return ControlResponses.error(
          HttpResponseStatus.SERVICE_UNAVAILABLE, "STARTING", e.getMessage(), null);
    }
  }

  /** Runs on the lookup executor: opening the file may block. */
  private void openBlob(ChannelHandlerContext ctx, Digest digest) {
    FileChannel file = null;
    long size = 0;
    FullHttpResponse refusal = null;
    try {
      Optional<Path> path = members.heldBlob(digest);
      if (path.isEmpty()) {
        refusal =
            ControlResponses.error(
                HttpResponseStatus.NOT_FOUND,
                "BLOB_UNKNOWN",
                "this seeder does not hold " + digest,
                null);
      } else {
        file = FileChannel.open(path.get(), StandardOpenOption.READ);
        size = file.size();
      }
    } catch (IOException | RuntimeException e) {
      // Evicted between the check and the open, most likely: the asking seeder tries another.
      refusal =
          ControlResponses.error(
              HttpResponseStatus.NOT_FOUND,
              "BLOB_UNKNOWN",
              "this seeder cannot read " + digest + ": " + e.getClass().getSimpleName(),
              null);
    }
    FullHttpResponse notHeld = refusal;
    FileChannel opened = file;
    long length = size;
    ctx.executor()
        .execute(
            () -> {
              if (notHeld != null) {
                send(ctx, notHeld);
              } else {
                sendBlob(ctx, digest, opened, length);
              }
            });
  }

  /** Head, file region (zero copy; it closes the file when written), end. */
  private void sendBlob(ChannelHandlerContext ctx, Digest digest, FileChannel file, long size) {
    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    HttpUtil.setContentLength(head, size);
    head.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_OCTET_STREAM);
    head.headers().set("Docker-Content-Digest", digest.toString());
    ctx.write(head);
    ctx.write(new DefaultFileRegion(file, 0, size));
    ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT)
        .addListener(
            written -> {
              if (written.isSuccess()) {
                log.atInfo()
                    .addKeyValue("digest", digest)
                    .log("sent {} bytes to {}", size, ctx.channel().remoteAddress());
                answerNext(ctx);
              } else {
                ctx.close();
              }
            });
  }

  private static FullHttpResponse notFound() {
    return ControlResponses.notFound("the preheat API (this seeder has none)");
  }

  private static FullHttpResponse answer(HarborPreheat.Answer answer) {
    if (answer.code() == null) {
      return ControlResponses.ok(
          "application/json", answer.body().getBytes(StandardCharsets.UTF_8));
    }
    FullHttpResponse response =
        ControlResponses.error(
            HttpResponseStatus.valueOf(answer.status()), answer.code(), answer.body(), null);
    if (answer.retryAfterSeconds() > 0) {
      response.headers().setInt(HttpHeaderNames.RETRY_AFTER, answer.retryAfterSeconds());
    }
    return response;
  }

  private void send(ChannelHandlerContext ctx, FullHttpResponse response) {
    ctx.writeAndFlush(response).addListener(written -> answerNext(ctx));
  }

  private FullHttpResponse immediate(ControlRoute route) {
    if (route instanceof ControlRoute.Health) {
      List<String> problems = health.problems();
      if (!problems.isEmpty()) {
        return ControlResponses.error(
            HttpResponseStatus.SERVICE_UNAVAILABLE, "UNHEALTHY", String.join("; ", problems), null);
      }
      return ControlResponses.ok(
          "text/plain; charset=utf-8", "ok\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    if (route instanceof ControlRoute.BadParameter bad) {
      return ControlResponses.badParameter(bad);
    }
    if (route instanceof ControlRoute.MethodNotAllowed notAllowed) {
      return ControlResponses.methodNotAllowed(notAllowed);
    }
    if (route instanceof ControlRoute.NotFound notFound) {
      return ControlResponses.notFound(notFound.path());
    }
    throw new IllegalStateException("not an immediate route: " + route);
  }

  /** Runs on the event loop: parsing and queueing only. */
  private FullHttpResponse notify(byte[] body) {
    if (notifications == null) {
      return ControlResponses.notFound(ControlRoute.NOTIFICATIONS_PATH);
    }
    try {
      String summary = notifications.accept(body);
      return ControlResponses.ok("application/json", summary.getBytes(StandardCharsets.UTF_8));
    } catch (NotificationFormatException e) {
      log.info("rejecting a registry notification: {}", e.getMessage());
      return ControlResponses.error(
          HttpResponseStatus.BAD_REQUEST, "NOTIFICATION_INVALID", e.getMessage(), null);
    } catch (RuntimeException e) {
      log.error("handling a registry notification failed unexpectedly", e);
      return ControlResponses.failure(e);
    }
  }

  /** Runs on the lookup executor. */
  private FullHttpResponse scrape() {
    try {
      return ControlResponses.ok(
          "text/plain; version=0.0.4; charset=utf-8",
          metrics.scrape().getBytes(StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      log.error("scraping the metrics failed", e);
      return ControlResponses.failure(e);
    }
  }

  /** Runs on the lookup executor. */
  private FullHttpResponse look(ControlRoute.MetainfoLookup request) {
    try {
      byte[] answer = lookup.answer(request.digest(), request.registry(), request.repo());
      return ControlResponses.ok(ControlResponses.BITTORRENT, answer);
    } catch (SeederException e) {
      // The service logged it where it happened, with the digest as a key.
      log.atDebug()
          .addKeyValue("digest", request.digest())
          .log("metainfo for {}/{} failed: {}", request.registry(), request.repo(), e.getMessage());
      return ControlResponses.failure(e);
    } catch (RuntimeException e) {
      log.atError()
          .addKeyValue("digest", request.digest())
          .setCause(e)
          .log("metainfo for {}/{} failed unexpectedly", request.registry(), request.repo());
      return ControlResponses.failure(e);
    }
  }
}
