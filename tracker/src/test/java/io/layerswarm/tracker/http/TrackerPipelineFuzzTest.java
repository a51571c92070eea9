package io.layerswarm.tracker.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.Digest;
import io.layerswarm.core.auth.ClusterSecret;
import io.layerswarm.core.auth.HttpAuth;
import io.layerswarm.core.auth.HttpSignature;
import io.layerswarm.testing.ManualClock;
import io.layerswarm.testing.fuzz.ConnectedEmbeddedChannel;
import io.layerswarm.testing.fuzz.FuzzTarget;
import io.layerswarm.testing.fuzz.HttpInputs;
import io.layerswarm.testing.fuzz.Mutations;
import io.layerswarm.tracker.announce.AnnounceEndpoint;
import io.layerswarm.tracker.announce.AnnounceRequest;
import io.layerswarm.tracker.announce.Parsed;
import io.layerswarm.tracker.announce.ScrapeEndpoint;
import io.layerswarm.tracker.peerstore.PeerStore;
import io.layerswarm.tracker.testing.KnownMetainfo;
import io.layerswarm.tracker.testing.TrackerInputs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzz target: the tracker's HTTP side, every request through the pipeline {@link
 * TrackerChannelInitializer} builds (decoding, sequencing, the signature check, the endpoints, 404
 * and errors), on embedded connections, over an in-memory peer store with peers in two swarms and a
 * metainfo source that knows one blob. Requests are complete GETs (and other methods) of mutated
 * targets: announce and scrape queries as clients send them, metainfo requests, other paths, with
 * or without an {@code X-Forwarded-For}; against an open tracker and one with a cluster secret,
 * where half the requests are signed. Each is answered once, below 500; an announce or scrape
 * answer is bencoded; and the store changes only when an announce succeeded, in its own swarm.
 */
class TrackerPipelineFuzzTest {
  private static final ClusterSecret SECRET =
      ClusterSecret.of("fuzz-cluster-secret-0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
  private static final ManualClock CLOCK = new ManualClock();
  private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 6969);
  private static final Digest KNOWN = Digest.parse("sha256:" + "3c".repeat(32));

  private static BoundedExecutor storeCalls;
  private static MetainfoFetcher fetcher;
  private static PeerStore store;
  private static final List<TrackerMetrics> trackerMetrics = new ArrayList<>();

  /** An open tracker, and one with the cluster secret; both share the store. */
  private static TrackerChannelInitializer open;

  private static TrackerChannelInitializer closed;

  /** One request as the fuzzer sends it. */
  record Request(String method, String target, Optional<String> forwardedFor, boolean signed) {}

  @BeforeContainer
  static void startTracker() throws Exception {
    storeCalls = new BoundedExecutor("fuzz-store", 2, 64);
    fetcher =
        new MetainfoFetcher(
            KnownMetainfo.of(KNOWN, "d4:infod6:lengthi0eee".getBytes(StandardCharsets.US_ASCII)),
            2,
            16);
    store = TrackerInputs.storeWithPeers(CLOCK.instant());
    open = tracker(HttpAuth.open());
    closed = tracker(HttpAuth.of(Optional.of(SECRET), CLOCK));
  }

  /** One tracker's connections, as its server makes them, over the shared store. */
  private static TrackerChannelInitializer tracker(HttpAuth auth) {
    TrackerMetrics metrics = new TrackerMetrics(store, CLOCK);
    trackerMetrics.add(metrics);
    return new TrackerChannelInitializer(
        store,
        storeCalls,
        new AnnounceEndpoint(store, CLOCK, TrackerInputs.policy()),
        new ScrapeEndpoint(store, CLOCK),
        fetcher,
        metrics,
        auth,
        ConnectionLimits.DEFAULTS,
        TrackerInputs.PROXIES);
  }

  @AfterContainer
  static void stopTracker() {
    storeCalls.close();
    fetcher.close();
    trackerMetrics.forEach(TrackerMetrics::close);
  }

  @FuzzTarget
  void anyRequestIsAnsweredOnceBelow500AndOnlyASuccessfulAnnounceChangesTheStore(
      @ForAll("requests") Request request, @ForAll boolean withSecret) throws Exception {
    TrackerChannelInitializer initializer = withSecret ? closed : open;
    Map<String, List<String>> before = TrackerInputs.snapshot(store, CLOCK.instant());
    Answers answers = new Answers();
    ConnectedEmbeddedChannel channel =
        ConnectedEmbeddedChannel.open(
            new InetSocketAddress(request.forwardedFor().isPresent() ? "10.9.9.9" : "10.1.2.3", 5),
            LOCAL,
            initializer);
    try {
      channel.pipeline().addFirst("answers", answers);
      channel.closeFuture().addListener(closed -> answers.arrived.release());

      channel.writeInbound(Unpooled.copiedBuffer(http(request), StandardCharsets.ISO_8859_1));
      assertThat(answers.arrived.tryAcquire(30, TimeUnit.SECONDS)).as("an answer").isTrue();
      channel.runPendingTasks();
      channel.checkException();
    } finally {
      channel.finishAndReleaseAll();
    }

    assertThat(answers.heads).hasSizeLessThanOrEqualTo(1);
    String answer = answers.heads.isEmpty() ? "" : answers.heads.peek();
    assertThat(answer).as("an answer before any close").startsWith("HTTP/1.1 ");
    int status = Integer.parseInt(answer.substring(9, 12));
    assertThat(status).as(answer).isBetween(200, 499);
    String path = request.target().split("\\?", 2)[0];
    boolean tracker = path.equals("/announce") || path.equals("/scrape");
    if (tracker && status == 200) {
      String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
      assertThat(body).startsWith("d").endsWith("e");
    }
    Map<String, List<String>> after = TrackerInputs.snapshot(store, CLOCK.instant());
    if (path.equals("/announce") && status == 200 && !answer.contains("failure reason")) {
      String query = request.target().substring(request.target().indexOf('?') + 1);
      String swarm =
          ((Parsed.Valid<AnnounceRequest>) AnnounceRequest.parse(query)).value().infoHash().hex();
      before.remove(swarm);
      after.remove(swarm);
    }
    assertThat(after).as("the swarms this request may not change").isEqualTo(before);
  }

  /** Records the head and body of every answer written, and signals each. */
  private static final class Answers extends ChannelOutboundHandlerAdapter {
    final ConcurrentLinkedQueue<String> heads = new ConcurrentLinkedQueue<>();
    final Semaphore arrived = new Semaphore(0);

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      if (msg instanceof ByteBuf bytes) {
        String text = bytes.toString(StandardCharsets.ISO_8859_1);
        if (text.startsWith("HTTP/1.1 ")) {
          heads.add(text);
        } else if (!heads.isEmpty() && !text.isEmpty()) {
          // A body written apart from its head: keep them together.
          String head = heads.poll();
          heads.add(head + text);
        }
      }
      ctx.write(msg, promise);
    }

    /** Signals once the answer went out, and its write's listeners ran, on the writer's thread. */
    @Override
    public void flush(ChannelHandlerContext ctx) {
      ctx.flush();
      if (!heads.isEmpty()) {
        arrived.release();
      }
    }
  }

  private static String http(Request request) {
    StringBuilder head = new StringBuilder();
    head.append(request.method()).append(' ').append(request.target()).append(" HTTP/1.1\r\n");
    head.append("Host: tracker\r\n");
    request
        .forwardedFor()
        .ifPresent(f -> head.append("X-Forwarded-For: ").append(f).append("\r\n"));
    if (request.signed()) {
      head.append(HttpSignature.HEADER)
          .append(": ")
          .append(
              HttpSignature.of(SECRET).sign(request.method(), request.target(), CLOCK.instant()))
          .append("\r\n");
    }
    return head.append("\r\n").toString();
  }

  @Provide
  Arbitrary<Request> requests() {
    List<String> paths =
        List.of(
            "/announce",
            "/scrape",
            "/metainfo/" + KNOWN,
            "/metainfo/sha256:" + "4d".repeat(32),
            "/healthz",
            "/metrics",
            "/passkey/announce");
    Arbitrary<String> mutatedPaths =
        Mutations.text(
            paths, List.of("/", "%", "%2F", "%zz", "?", "#", "..", "http://x", "\u00e9"));
    Arbitrary<String> announces =
        Arbitraries.frequencyOf(
            Tuple.of(1, Arbitraries.of(TrackerInputs.seedQueries())),
            Tuple.of(3, TrackerInputs.announceQueries()));
    Arbitrary<String> metainfos =
        Mutations.text(
            List.of("registry=registry.test:5000&repo=team/app", "registry=a&repo=b&x"),
            List.of("%", "%zz", "&", "=", "registry=", "repo=", ":99999"));
    // Most requests name a route exactly, so that its query's grammar is what gets fuzzed.
    Arbitrary<String> targets =
        Arbitraries.frequencyOf(
            Tuple.of(4, Arbitraries.of("/announce", "/scrape").flatMap(p -> query(p, announces))),
            Tuple.of(
                2, Arbitraries.of(paths.get(2), paths.get(3)).flatMap(p -> query(p, metainfos))),
            Tuple.of(
                2,
                Combinators.combine(
                        Arbitraries.oneOf(mutatedPaths, Arbitraries.of(paths)),
                        Arbitraries.oneOf(announces, metainfos))
                    .as((path, query) -> path + "?" + query)),
            Tuple.of(1, mutatedPaths));
    return Combinators.combine(
            Arbitraries.of("GET", "GET", "GET", "GET", "GET", "HEAD", "POST", "DELETE"),
            targets.map(HttpInputs::requestLineSafe),
            TrackerInputs.forwardedFor(),
            Arbitraries.of(true, true, false))
        .as(Request::new);
  }

  private static Arbitrary<String> query(String path, Arbitrary<String> queries) {
    return queries.map(query -> path + "?" + query);
  }
}
