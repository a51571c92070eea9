package io.layerswarm.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.agent.admin.Drain;
import io.layerswarm.agent.cache.BlobLeases;
import io.layerswarm.agent.metrics.AgentMetrics;
import io.layerswarm.agent.mirror.BlobFetcher;
import io.layerswarm.agent.mirror.CacheSeeder;
import io.layerswarm.agent.mirror.MetainfoUnavailableException;
import io.layerswarm.agent.mirror.PullThroughMirror;
import io.layerswarm.agent.mirror.Swarm;
import io.layerswarm.core.Digest;
import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.registry.Manifest;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.registry.client.BlobStream;
import io.layerswarm.registry.client.InMemoryUpstreamRegistry;
import io.layerswarm.registry.client.RegistryException;
import io.layerswarm.registry.client.UnexpectedResponseException;
import io.layerswarm.registry.client.UpstreamRegistry;
import io.layerswarm.registry.client.Upstreams;
import io.layerswarm.registry.store.FileBlobStore;
import io.layerswarm.swarm.Torrent;
import io.layerswarm.testing.ManualClock;
import io.layerswarm.testing.fuzz.ConnectedEmbeddedChannel;
import io.layerswarm.testing.fuzz.FuzzTarget;
import io.layerswarm.testing.fuzz.HttpInputs;
import io.layerswarm.testing.fuzz.Mutations;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.FileRegion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzz target: the agent's registry API, every request through the whole pipeline {@link
 * RegistryChannelInitializer} builds (connection cap, idle close, HTTP codec and size guard,
 * keep-alive, chunked writer, aggregator, metrics, router, drain gate, one request at a time,
 * answers), fed raw bytes on embedded connections. Behind it is the real mirror ({@link
 * PullThroughMirror}, {@link BlobFetcher}, a {@link FileBlobStore}) over an in-memory origin, one
 * of whose repositories answers 5xx and one 429; without trackers, so the swarm is never asked. All
 * mirror work runs on the test's thread, queued and run between reads, so each input is
 * deterministic.
 *
 * <p>Inputs are well-formed HTTP around mutated targets, {@code Range}, {@code Host} and {@code
 * Accept} headers, methods and bodies (sized and chunked), one to four pipelined and cut into reads
 * at random points; and whole requests mutated as bytes. Every request is answered below 500 (503
 * only when the origin said 5xx or the agent drains), in request order; a connection closes only
 * after an answer that says so, or on bytes that are not a request; only a 2xx answer stores or
 * fetches a blob; no exception leaves a handler; and nothing stays owed, leased or in flight once
 * the connection is gone.
 */
class RegistryPipelineFuzzTest {
  private static final RepositoryName REPO = new RepositoryName("team/app");
  private static final RepositoryName DOWN = new RepositoryName("down/app");
  private static final RepositoryName BUSY = new RepositoryName("busy/app");
  private static final String ORIGIN = "origin.test:5000";
  private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  private static final InetSocketAddress REMOTE = new InetSocketAddress("127.0.0.1", 40000);
  private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 5050);

  /** Blobs the origin holds: a small one, one of two chunks when streamed, an empty one. */
  private static final byte[] SMALL = content(100);

  private static final byte[] LARGE = content(100_000);
  private static final Digest SMALL_DIGEST = Digest.sha256(SMALL);
  private static final Digest LARGE_DIGEST = Digest.sha256(LARGE);
  private static final Digest EMPTY_DIGEST = Digest.sha256(new byte[0]);
  private static final Digest MISSING = Digest.sha256(new byte[] {1});
  private static final byte[] MANIFEST_BYTES =
      ("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\"}")
          .getBytes(StandardCharsets.UTF_8);
  private static final Manifest MANIFEST =
      new Manifest(MANIFEST_BYTES, OCI_MANIFEST, Digest.sha256(MANIFEST_BYTES));

  private static Path dir;
  private static FileBlobStore store;
  private static InMemoryUpstreamRegistry memory;
  private static final AtomicInteger upstream5xx = new AtomicInteger();
  private static final BlobLeases leases = new BlobLeases();
  private static final Work work = new Work();
  private static AgentMetrics metrics;
  private static Drain drain;
  private static Drain draining;
  private static RegistryChannelInitializer serving;
  private static RegistryChannelInitializer refusing;

  /** One request as the fuzzer sends it. */
  record Call(
      String method,
      String target,
      Optional<String> host,
      Optional<String> range,
      Optional<String> accept,
      byte[] body,
      boolean chunked) {}

  /** Pipelined requests, cut into reads; against a serving or a draining agent. */
  record Input(List<Call> calls, List<Integer> reads, boolean forget, boolean drains) {}

  @BeforeContainer
  static void startAgent() throws IOException {
    dir = Files.createTempDirectory(tmpfs(), "registry-fuzz");
    store = new FileBlobStore(dir.resolve("store"));
    memory = new InMemoryUpstreamRegistry(URI.create("http://" + ORIGIN));
    for (RepositoryName repo : List.of(REPO, DOWN, BUSY)) {
      memory.putBlob(repo, SMALL);
      memory.putBlob(repo, LARGE);
      memory.putBlob(repo, new byte[0]);
      memory.putManifest(repo, "1.0", MANIFEST);
    }
    ManualClock clock = new ManualClock();
    Swarm noSwarm = new NoSwarm();
    BlobFetcher fetcher =
        new BlobFetcher(
            store,
            (registry, repo, digest) ->
                CompletableFuture.failedFuture(
                    new MetainfoUnavailableException("the agent has no trackers")),
            noSwarm,
            new CacheSeeder(store, noSwarm, dir.resolve("torrents"), List.of()),
            work,
            clock,
            dir.resolve("partial"),
            List.of(),
            Duration.ofSeconds(60));
    PullThroughMirror mirror =
        new PullThroughMirror(
            Upstreams.single(new Failing(memory)),
            store,
            fetcher,
            work,
            PullThroughMirror.DEFAULT_MANIFEST_CACHE_BYTES,
            leases,
            clock);
    metrics = new AgentMetrics();
    drain = new Drain(List::of);
    draining = new Drain(List::of);
    draining.start(Drain.MAX_GRACE, Drain.MAX_TIMEOUT);
    serving = new RegistryChannelInitializer(mirror, work, metrics, Optional.of(drain));
    refusing = new RegistryChannelInitializer(mirror, work, metrics, Optional.of(draining));
  }

  @AfterContainer
  static void stopAgent() throws IOException {
    drain.close();
    draining.close();
    metrics.close();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }

  @FuzzTarget
  void pipelinedRequestsAreAnsweredInOrderBelow500AndOnlyA2xxStoresOrFetches(
      @ForAll("inputs") Input input) throws IOException {
    List<Call> calls = input.calls();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (Call call : calls) {
      bytes.writeBytes(http(call));
    }
    Exchange exchange =
        exchange(bytes.toByteArray(), input.reads(), input.forget(), input.drains());

    List<Answer> answers = exchange.answers();
    assertThat(answers.size()).as("answers").isLessThanOrEqualTo(calls.size());
    boolean closes = !answers.isEmpty() && answers.get(answers.size() - 1).closes();
    if (answers.size() < calls.size() || exchange.closed()) {
      assertThat(closes).as("only an answer that says so ends the connection").isTrue();
    }
    for (int i = 0; i < answers.size(); i++) {
      Answer answer = answers.get(i);
      Call call = calls.get(i);
      String target = decoded(call.target());
      assertThat(answer.closes() && i < answers.size() - 1).as("an answer after a close").isFalse();
      Optional<String> digest = answer.header("docker-content-digest");
      if (answer.status() / 100 == 2 && digest.isPresent()) {
        boolean manifest = digest.get().equals(MANIFEST.digest().toString());
        assertThat(
                target.contains(digest.get().substring(7)) || manifest && target.contains("/1.0"))
            .as("answer %d (%s) is for request %d (%s)", i, digest.get(), i, call.target())
            .isTrue();
      }
      if (answer.header("content-type").orElse("").contains("version=0.0.4")) {
        assertThat(target).as("a scrape answers a scrape").contains("/metrics");
      }
      if (call.method().equals("HEAD") && !answer.closes()) { // (a refusal of bytes has a body)
        assertThat(answer.body()).as("a HEAD has no body").isEmpty();
      }
    }
    checkStatusesAndStore(exchange);
  }

  @FuzzTarget
  void anyBytesAreAnsweredBelow500OrClosedAndOnlyA2xxStoresOrFetches(
      @ForAll("raw") String raw, @ForAll boolean forget) throws IOException {
    byte[] bytes = raw.getBytes(StandardCharsets.ISO_8859_1);
    Exchange exchange = exchange(bytes, List.of(), forget, false);
    try {
      checkRaw(bytes, exchange);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\nexchange: " + exchange, e);
    }
  }

  private static void checkRaw(byte[] bytes, Exchange exchange) {
    if (exchange.closed() && exchange.answers().isEmpty()) {
      assertThat(looksLikeARequest(bytes)).as("closed without an answer").isFalse();
    }
    checkStatusesAndStore(exchange);
  }

  /**
   * Found by this target: a request the codec could not parse, pipelined behind a blob GET the
   * mirror was still answering, got its 400 at once and closed the connection: the blob was fetched
   * and stored, its answer never went out, and the client read the 400 as the blob's answer.
   */
  /**
   * Found by this target (seed 5621785024703205721): a ranged blob GET fetched from the origin with
   * a scrape and a cached manifest behind it. The manifest's answer, a task on the loop, ran inside
   * the scrape's write (the embedded channel runs tasks there), and the scrape's header went out
   * twice. The answers must come once each, in order, on a channel whose tasks run between writes.
   */
  @Example
  void aRangedBlobFromTheOriginWithAScrapeAndACachedManifestBehindIt() throws IOException {
    String head =
        " HTTP/1.1\r\nHost: 127.0.0.1:5050\r\nRange: bytes=0-9\r\nAccept: "
            + OCI_MANIFEST
            + "\r\n\r\n";
    String requests =
        "GET /v2/team/app/blobs/"
            + SMALL_DIGEST
            + head
            + "GET /metrics"
            + head
            + "GET /v2/team/app/manifests/"
            + MANIFEST.digest()
            + head;
    for (int round = 0; round < 2; round++) { // The second round finds the manifest cached.
      Exchange exchange = exchange(requests, true);

      assertThat(exchange.answers()).extracting(Answer::status).containsExactly(206, 200, 200);
      assertThat(exchange.answers().get(2).header("docker-content-digest"))
          .contains(MANIFEST.digest().toString());
    }
  }

  @Example
  void aMalformedRequestBehindABlobGetIsAnsweredInItsTurn() throws IOException {
    Exchange exchange = exchange(get(SMALL_DIGEST) + "GARBAGE\r\n\r\n", true);

    assertThat(exchange.answers()).extracting(Answer::status).containsExactly(200, 400);
    assertThat(exchange.answers().get(0).header("docker-content-digest"))
        .contains(SMALL_DIGEST.toString());
    assertThat(exchange.answers().get(1).closes()).isTrue();
    assertThat(exchange.closed()).isTrue();
  }

  /**
   * Found by this target: Netty's aggregator answered a body over the limit (413), and an {@code
   * Expect: 100-continue} (100), at once, ahead of the answer still owed to the blob GET before;
   * the 413 closed the connection before the blob's answer went out.
   */
  @Example
  void aBodyTooLargeBehindABlobGetIsAnsweredInItsTurnWithoutAnInterimAnswer() throws IOException {
    String tooLarge =
        "PUT /v2/ HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 9000\r\n\r\n";

    Exchange exchange = exchange(get(SMALL_DIGEST) + tooLarge, true);

    assertThat(exchange.answers()).extracting(Answer::status).containsExactly(200, 413);
    assertThat(exchange.raw()).doesNotContain("100 Continue");
    assertThat(exchange.closed()).isTrue();
  }

  /**
   * Found by this target: a request pipelined behind one whose answer closes the connection (an
   * HTTP/1.0 request, a body too large) was still worked on: its blob was fetched from the origin
   * and stored, and never answered (RFC 9112 9.6: a server must not process further requests).
   */
  @Example
  void aRequestBehindOneThatClosesTheConnectionIsNotWorkedOn() throws IOException {
    String http10 = "HEAD /v2/team/app/manifests/1.0 HTTP/1.0\r\n\r\n";
    String tooLarge = "POST /v2/ HTTP/1.1\r\nHost: a\r\nContent-Length: 9000\r\n\r\n";
    String close = "GET /v2/ HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";

    for (String first : List.of(http10, tooLarge + "x".repeat(9000), close)) {
      Exchange exchange = exchange(first + get(LARGE_DIGEST), true);

      assertThat(exchange.answers()).as(first).hasSize(1);
      assertThat(exchange.answers().get(0).closes()).as(first).isTrue();
      assertThat(exchange.stored()).as(first).isEmpty();
      assertThat(exchange.fetches()).as(first).isZero();
    }
  }

  /** Statuses, and what the answers allowed the mirror to store and fetch. */
  private static void checkStatusesAndStore(Exchange exchange) {
    Set<String> ok = new HashSet<>();
    for (Answer answer : exchange.answers()) {
      int status = answer.status();
      if (status == 503) {
        assertThat(exchange.drains() || exchange.upstream5xx())
            .as("503 without a drain or an upstream 5xx: " + answer.head())
            .isTrue();
      } else {
        assertThat(status).as(answer.head()).isBetween(200, 499);
      }
      if (status / 100 == 2) {
        answer.header("docker-content-digest").ifPresent(ok::add);
      }
    }
    for (Digest stored : exchange.stored()) {
      assertThat(ok).as("stored without a 2xx answer naming it").contains(stored.toString());
    }
    if (exchange.fetches() > 0) {
      assertThat(ok).as("a blob fetched from the origin without a 2xx answer").isNotEmpty();
    }
    assertThat(exchange.leftOver()).as("owed, leased or in flight after the close").isEmpty();
  }

  /**
   * Found by this target: a {@code Range} past the end of a blob the agent lacked got its 416 only
   * after the whole blob was fetched from the origin and stored.
   */
  @Example
  void aRangePastTheEndOfABlobTheAgentLacksFetchesNothing() throws IOException {
    String past =
        "GET /v2/team/app/blobs/%s HTTP/1.1\r\nHost: a\r\nRange: bytes=%d-\r\n\r\n"
            .formatted(LARGE_DIGEST, LARGE.length);

    Exchange exchange = exchange(past, true);

    assertThat(exchange.answers()).extracting(Answer::status).containsExactly(416);
    assertThat(exchange.answers().get(0).header("content-range"))
        .contains("bytes */" + LARGE.length);
    assertThat(exchange.stored()).isEmpty();
    assertThat(exchange.fetches()).isZero();

    Exchange inside = exchange(past.replace("=" + LARGE.length, "=" + (LARGE.length - 5)), true);

    assertThat(inside.answers()).extracting(Answer::status).containsExactly(206);
    assertThat(inside.answers().get(0).body())
        .containsExactly("zabcd".getBytes(StandardCharsets.US_ASCII));
    assertThat(inside.stored()).containsExactly(LARGE_DIGEST);
  }

  /** A blob GET of {@code team/app}, as containerd sends it. */
  private static String get(Digest digest) {
    return "GET /v2/team/app/blobs/" + digest + " HTTP/1.1\r\nHost: 127.0.0.1:5050\r\n\r\n";
  }

  private static Exchange exchange(String bytes, boolean forget) throws IOException {
    return exchange(bytes.getBytes(StandardCharsets.ISO_8859_1), List.of(), forget, false);
  }

  /** What one connection got for {@code bytes}. */
  record Exchange(
      String raw,
      List<Answer> answers,
      boolean closed,
      boolean drains,
      boolean upstream5xx,
      Set<Digest> stored,
      long fetches,
      List<String> leftOver) {
    @Override
    public String toString() {
      return "answers %s, closed %s, drains %s, upstream 5xx %s, stored %s, fetches %d, left %s"
          .formatted(answers, closed, drains, upstream5xx, stored, fetches, leftOver);
    }
  }

  /**
   * Opens a connection, writes {@code bytes} in {@code reads}, running the mirror's work and the
   * channel's tasks after each read, then closes it.
   *
   * @param forget empty the agent's store first, so blob GETs go to the origin
   */
  private static Exchange exchange(
      byte[] bytes, List<Integer> reads, boolean forget, boolean drains) throws IOException {
    if (forget) {
      for (Digest digest : store.list()) {
        store.delete(digest);
      }
    }
    Set<Digest> before = new HashSet<>(store.list());
    long fetchesBefore = memory.blobRequests();
    int fivexxBefore = upstream5xx.get();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ConnectedEmbeddedChannel channel =
        ConnectedEmbeddedChannel.openTasksBetweenWrites(REMOTE, LOCAL, drains ? refusing : serving);
    boolean closed;
    try {
      for (byte[] read : Mutations.split(bytes, reads)) {
        if (!channel.isOpen()) {
          break;
        }
        channel.writeInbound(Unpooled.wrappedBuffer(read));
        settle(channel, out);
      }
      settle(channel, out);
      closed = !channel.isOpen();
    } finally {
      channel.finishAndReleaseAll();
    }
    settle(channel, out);
    Set<Digest> stored = new HashSet<>(store.list());
    stored.removeAll(before);
    List<String> leftOver = new ArrayList<>();
    if (drain.responsesInFlight() != 0) {
      leftOver.add(drain.responsesInFlight() + " responses in flight");
    }
    if (!leases.leased().isEmpty()) {
      leftOver.add("leases on " + leases.leased());
    }
    if (!work.isEmpty()) {
      leftOver.add("mirror work queued");
    }
    return new Exchange(
        out.toString(StandardCharsets.ISO_8859_1),
        Answer.parse(out.toByteArray()),
        closed,
        drains,
        upstream5xx.get() > fivexxBefore,
        stored,
        memory.blobRequests() - fetchesBefore,
        leftOver);
  }

  /** Runs mirror work and the channel's tasks until neither has any, collecting what went out. */
  private static void settle(ConnectedEmbeddedChannel channel, ByteArrayOutputStream out) {
    for (int round = 0; ; round++) {
      assertThat(round).as("the agent settles").isLessThan(10_000);
      boolean ran = work.runAll();
      channel.runPendingTasks();
      channel.checkException();
      collect(channel, out);
      if (!ran && work.isEmpty()) {
        return;
      }
    }
  }

  private static void collect(ConnectedEmbeddedChannel channel, ByteArrayOutputStream out) {
    WritableByteChannel sink = Channels.newChannel(out);
    for (Object msg; (msg = channel.readOutbound()) != null; ) {
      try {
        if (msg instanceof ByteBuf buffer) {
          buffer.readBytes(out, buffer.readableBytes());
        } else if (msg instanceof FileRegion region) {
          while (region.transferred() < region.count()) {
            region.transferTo(sink, region.transferred());
          }
        } else {
          throw new AssertionError("unexpected outbound message " + msg);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } finally {
        io.netty.util.ReferenceCountUtil.release(msg);
      }
    }
  }

  /** One HTTP/1.1 answer as the client reads it. */
  record Answer(String head, int status, Map<String, String> headers, byte[] body) {
    @Override
    public String toString() {
      String text = new String(body, StandardCharsets.ISO_8859_1);
      return head + "\n\n" + (text.length() > 200 ? text.substring(0, 200) + "..." : text);
    }

    Optional<String> header(String name) {
      return Optional.ofNullable(headers.get(name));
    }

    boolean closes() {
      return header("connection").orElse("").equalsIgnoreCase("close");
    }

    /**
     * The answers in {@code bytes}, interim ones (1xx) left out. A body is Content-Length bytes,
     * unless the next answer starts right after the head (the answer to a HEAD).
     */
    static List<Answer> parse(byte[] bytes) {
      String text = new String(bytes, StandardCharsets.ISO_8859_1);
      List<Answer> answers = new ArrayList<>();
      int at = 0;
      while (at < text.length()) {
        assertThat(text.startsWith("HTTP/1.1 ", at)).as("an answer at byte " + at).isTrue();
        int end = text.indexOf("\r\n\r\n", at);
        assertThat(end).as("a whole head").isPositive();
        String head = text.substring(at, end);
        String[] lines = head.split("\r\n");
        int status = Integer.parseInt(lines[0].substring(9, 12));
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
          int colon = lines[i].indexOf(':');
          headers.put(
              lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
              lines[i].substring(colon + 1).trim());
        }
        at = end + 4;
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        boolean bodyless =
            status / 100 == 1 || at == text.length() || text.startsWith("HTTP/1.1 ", at);
        byte[] body = new byte[0];
        if (!bodyless) {
          assertThat(text.length() - at)
              .as("the body of " + lines[0])
              .isGreaterThanOrEqualTo(length);
          body = text.substring(at, at + length).getBytes(StandardCharsets.ISO_8859_1);
          at += length;
        }
        if (status / 100 != 1) {
          answers.add(new Answer(head, status, headers, body));
        }
      }
      return answers;
    }
  }

  private static String decoded(String target) {
    try {
      return QueryStringDecoder.decodeComponent(target);
    } catch (IllegalArgumentException e) {
      return target;
    }
  }

  /** A request line and a blank line: the codec must have parsed a request from these bytes. */
  private static boolean looksLikeARequest(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    return text.matches("(?s)[A-Z]+ /[!-~]* HTTP/1\\.1\r\n([!-~][ -~]*\r\n)*\r\n.*");
  }

  private static byte[] http(Call call) {
    StringBuilder head = new StringBuilder();
    head.append(call.method()).append(' ').append(call.target()).append(" HTTP/1.1\r\n");
    call.host().ifPresent(host -> head.append("Host: ").append(host).append("\r\n"));
    call.range().ifPresent(range -> head.append("Range: ").append(range).append("\r\n"));
    call.accept().ifPresent(accept -> head.append("Accept: ").append(accept).append("\r\n"));
    return HttpInputs.withBody(head.toString(), call.body(), call.chunked());
  }

  private static final List<String> TARGETS =
      List.of(
          "/v2/",
          "/v2/team/app/blobs/" + SMALL_DIGEST,
          "/v2/team/app/blobs/" + LARGE_DIGEST,
          "/v2/team/app/blobs/" + EMPTY_DIGEST,
          "/v2/team/app/blobs/" + MISSING,
          "/v2/team/app/blobs/" + LARGE_DIGEST + "?ns=" + ORIGIN,
          "/v2/down/app/blobs/" + SMALL_DIGEST,
          "/v2/busy/app/blobs/" + LARGE_DIGEST,
          "/v2/team/app/manifests/1.0",
          "/v2/team/app/manifests/" + MANIFEST.digest(),
          "/v2/team/app/manifests/2.0",
          "/v2/down/app/manifests/1.0",
          "/v2/busy/app/manifests/1.0",
          "/v2/team/app/manifests/1.0?ns=other.example:5000",
          "/v2/team/app/tags/list",
          "/metrics",
          "/healthz",
          "/");

  private static final List<String> TARGET_TOKENS =
      List.of(
          "%",
          "%zz",
          "%2F",
          "%00",
          "/",
          "..",
          "?",
          "#",
          "&",
          "ns=",
          "sha256:",
          "blobs",
          "manifests",
          ":",
          "@",
          "+",
          "\u00e9",
          "/v2/",
          "a".repeat(300),
          "sha256:" + "0".repeat(64));

  @Provide
  Arbitrary<Input> inputs() {
    Arbitrary<String> targets =
        Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.of(TARGETS)),
                Tuple.of(3, Mutations.text(TARGETS, TARGET_TOKENS)))
            .map(HttpInputs::requestLineSafe);
    Arbitrary<Optional<String>> hosts =
        headerValue(
            List.of("127.0.0.1:5050", "localhost", "[::1]:5050", ""), List.of(":", "[", "]"));
    Arbitrary<Optional<String>> ranges =
        headerValue(
            List.of(
                "bytes=0-9",
                "bytes=10-",
                "bytes=-5",
                "bytes=0-0",
                "bytes=99999999-",
                "bytes=5-2",
                "bytes=0-1,3-4",
                "bytes=100-",
                "bytes=99999-"),
            List.of(",", "-", "=", "bytes", "99999999999999999999", " ", "0"));
    Arbitrary<Optional<String>> accepts =
        headerValue(List.of(OCI_MANIFEST, "*/*", OCI_MANIFEST + ", */*;q=0.5"), List.of(",", ";"));
    Arbitrary<byte[]> bodies =
        Arbitraries.frequencyOf(
            Tuple.of(6, Arbitraries.just(new byte[0])),
            Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(64)),
            Tuple.of(
                1,
                Arbitraries.of(RegistryChannelInitializer.MAX_REQUEST_BODY, 9000)
                    .map(byte[]::new)));
    Arbitrary<Call> calls =
        Combinators.combine(
                Arbitraries.of(
                    "GET", "GET", "GET", "GET", "GET", "HEAD", "HEAD", "POST", "PUT", "DELETE",
                    "OPTIONS", "get"),
                targets,
                hosts,
                ranges,
                accepts,
                bodies,
                Arbitraries.of(false, false, false, true))
            .as(Call::new);
    return Combinators.combine(
            calls.list().ofMinSize(1).ofMaxSize(4),
            Mutations.reads(),
            Arbitraries.of(true, false, false),
            Arbitraries.of(false, false, false, false, false, false, false, true))
        .as(Input::new);
  }

  /** Whole requests, mutated as bytes: the HTTP codec's errors as well as the handlers'. */
  @Provide
  Arbitrary<String> raw() {
    List<String> seeds = new ArrayList<>();
    for (String target : TARGETS) {
      Call call =
          new Call(
              "GET",
              target,
              Optional.of("127.0.0.1:5050"),
              Optional.empty(),
              Optional.empty(),
              new byte[0],
              false);
      seeds.add(new String(http(call), StandardCharsets.ISO_8859_1));
    }
    Call ranged =
        new Call(
            "GET",
            TARGETS.get(2),
            Optional.of("localhost"),
            Optional.of("bytes=10-"),
            Optional.empty(),
            new byte[0],
            false);
    Call head =
        new Call(
            "HEAD",
            TARGETS.get(8),
            Optional.empty(),
            Optional.empty(),
            Optional.of(OCI_MANIFEST),
            new byte[0],
            false);
    seeds.add(new String(http(ranged), StandardCharsets.ISO_8859_1));
    seeds.add(new String(http(head), StandardCharsets.ISO_8859_1) + seeds.get(1) + seeds.get(8));
    List<String> tokens = new ArrayList<>(TARGET_TOKENS);
    tokens.addAll(
        List.of(
            "\r\n",
            "\n",
            " ",
            ":",
            "Content-Length: 99999999999\r\n",
            "Content-Length: 10\r\n",
            "Transfer-Encoding: chunked\r\n",
            "Expect: 100-continue\r\n",
            "HTTP/1.0",
            "Connection: close\r\n",
            "Range: bytes=5-\r\n",
            "GET /v2/ HTTP/1.1\r\n\r\n"));
    return Arbitraries.frequencyOf(
        Tuple.of(4, Mutations.latin1(seeds, tokens)),
        Tuple.of(1, Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(300)));
  }

  /** A header present (mostly) with a seed or a mutated value, with no line break in it. */
  private static Arbitrary<Optional<String>> headerValue(List<String> seeds, List<String> tokens) {
    Arbitrary<String> values =
        Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.of(seeds)), Tuple.of(1, Mutations.text(seeds, tokens)))
            .map(RegistryPipelineFuzzTest::headerSafe);
    return Arbitraries.frequencyOf(
        Tuple.of(3, values.map(Optional::of)), Tuple.of(1, Arbitraries.just(Optional.empty())));
  }

  /** The value as Latin-1 bytes a header line can carry: no CR, LF or NUL, nothing above U+00FF. */
  private static String headerSafe(String value) {
    StringBuilder out = new StringBuilder();
    for (char c : value.toCharArray()) {
      out.append(c == '\r' || c == '\n' || c == 0 || c > 0xff ? '?' : c);
    }
    return out.toString().strip();
  }

  private static byte[] content(int size) {
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) ('a' + i % 26); // never "HTTP/1.1 ", so answers are told apart
    }
    return bytes;
  }

  /** A memory file system for the store when there is one: it syncs each fetched blob. */
  private static Path tmpfs() {
    Path shm = Path.of("/dev/shm");
    return Files.isDirectory(shm) && Files.isWritable(shm)
        ? shm
        : Path.of(System.getProperty("java.io.tmpdir"));
  }

  /**
   * The mirror's executors (blocking calls, transfers, stream pumps) on the test's thread: tasks
   * wait in a queue until {@link #runAll}, between the channel's reads and tasks.
   */
  private static final class Work extends AbstractExecutorService {
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

    @Override
    public void execute(Runnable task) {
      tasks.add(task);
    }

    boolean isEmpty() {
      return tasks.isEmpty();
    }

    /** Runs every task, those they queue too; true if any ran. */
    boolean runAll() {
      boolean ran = false;
      for (Runnable task; (task = tasks.poll()) != null; ) {
        task.run();
        // A streamed body that ends cancels its pump with an interrupt; here the pump's thread is
        // the test's, which must not carry it into the next task's file writes.
        Thread.interrupted();
        ran = true;
      }
      return ran;
    }

    @Override
    public void shutdown() {}

    @Override
    public List<Runnable> shutdownNow() {
      return List.of();
    }

    @Override
    public boolean isShutdown() {
      return false;
    }

    @Override
    public boolean isTerminated() {
      return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
      return true;
    }
  }

  /** The origin, except that {@code down/app} answers 503 and {@code busy/app} 429. */
  private record Failing(UpstreamRegistry origin) implements UpstreamRegistry {
    private void check(RepositoryName repo) throws RegistryException {
      if (repo.equals(DOWN)) {
        upstream5xx.incrementAndGet();
        throw new UnexpectedResponseException("HTTP 503 from the origin", 503, null);
      }
      if (repo.equals(BUSY)) {
        throw new UnexpectedResponseException("HTTP 429 from the origin", 429, "TOOMANYREQUESTS");
      }
    }

    @Override
    public URI baseUri() {
      return origin.baseUri();
    }

    @Override
    public void ping() {}

    @Override
    public Manifest getManifest(RepositoryName repo, String reference, List<String> accept)
        throws RegistryException {
      check(repo);
      return origin.getManifest(repo, reference, accept);
    }

    @Override
    public ManifestHead headManifest(RepositoryName repo, String reference, List<String> accept)
        throws RegistryException {
      check(repo);
      return origin.headManifest(repo, reference, accept);
    }

    @Override
    public long blobSize(RepositoryName repo, Digest digest) throws RegistryException {
      check(repo);
      return origin.blobSize(repo, digest);
    }

    @Override
    public BlobStream openBlob(RepositoryName repo, Digest digest, long offset)
        throws RegistryException {
      check(repo);
      return origin.openBlob(repo, digest, offset);
    }
  }

  /** The agent has no trackers, so it never asks the swarm; if it did, the answer would be 5xx. */
  private static final class NoSwarm implements Swarm {
    @Override
    public Torrent download(Metainfo metainfo, Path partFile, Path finalFile) {
      throw new AssertionError("the swarm was asked for " + metainfo.name());
    }

    @Override
    public Torrent seed(Metainfo metainfo, Path file) {
      throw new AssertionError("the swarm was asked to seed " + metainfo.name());
    }

    @Override
    public void remove(InfoHash infoHash) {}
  }
}
