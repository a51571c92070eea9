package io.layerswarm.swarm.tracker;

import io.layerswarm.swarm.bencode.Bencode;
import io.layerswarm.swarm.bencode.BencodeException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * Announces to HTTP trackers (BEP 3) with {@link HttpClient}, asynchronously: any number of
 * announces may run at once, from any thread, each with its own timeout. Thread-safe.
 */
public final class HttpTrackerClient {
  /** Largest tracker response we read. */
  static final int MAX_RESPONSE_BYTES = 1024 * 1024;

  private final HttpClient http;
  private final Duration timeout;
  private final String userAgent;

  /** @param timeout bound on each announce, from connect to the last byte of the response */
  public HttpTrackerClient(HttpClient http, Duration timeout, String userAgent) {
    this.http = http;
    this.timeout = timeout;
    this.userAgent = userAgent;
  }

  /**
   * Sends one announce. The future fails with a {@link TrackerException} (wrapped in a {@link
   * CompletionException}) if the tracker cannot be reached, answers with a non-200 status or bad
   * bencode, or returns a "failure reason".
   */
  public CompletableFuture<AnnounceResponse> announce(URI tracker, AnnounceRequest request) {
    URI uri = announceUri(tracker, request);
    HttpRequest httpRequest = HttpRequest.newBuilder(uri)
        .timeout(timeout)
        .header("User-Agent", userAgent)
        .GET()
        .build();
    return http.sendAsync(httpRequest, responseInfo -> new LimitedBody(MAX_RESPONSE_BYTES))
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .handle((response, error) -> {
          if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null
                ? error.getCause() : error;
            throw new CompletionException(new TrackerException(
                "announce to " + tracker + " failed: " + cause, cause));
          }
          if (response.statusCode() != 200) {
            throw new CompletionException(new TrackerException(
                "announce to " + tracker + " returned HTTP " + response.statusCode()));
          }
          try {
            return parse(response.body());
          } catch (TrackerException e) {
            throw new CompletionException(new TrackerException(
                "announce to " + tracker + ": " + e.getMessage(), e));
          }
        });
  }

  /**
   * The announce URL: {@code tracker} plus the BEP 3 query. The info hash and peer id are raw
   * bytes, percent-encoded byte by byte.
   */
  static URI announceUri(URI tracker, AnnounceRequest r) {
    StringBuilder q = new StringBuilder(tracker.toString());
    q.append(tracker.getRawQuery() == null ? '?' : '&');
    q.append("info_hash=").append(encode(r.infoHash().bytes()));
    q.append("&peer_id=").append(encode(r.peerId().bytes()));
    q.append("&port=").append(r.port());
    q.append("&uploaded=").append(r.uploaded());
    q.append("&downloaded=").append(r.downloaded());
    q.append("&left=").append(r.left());
    q.append("&compact=1");
    q.append("&numwant=").append(r.numWant());
    r.event().value().ifPresent(e -> q.append("&event=").append(e));
    r.ip().ifPresent(ip -> q.append("&ip=").append(encode(ip)));
    r.trackerId().ifPresent(id -> q.append("&trackerid=").append(encode(id)));
    r.extra().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
        q.append('&').append(encode(e.getKey())).append('=').append(encode(e.getValue())));
    return URI.create(q.toString());
  }

  private static String encode(String s) {
    return encode(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Percent-encodes every byte except RFC 3986 unreserved characters. */
  static String encode(byte[] bytes) {
    StringBuilder sb = new StringBuilder(bytes.length * 3);
    for (byte b : bytes) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '.' || c == '_' || c == '~') {
        sb.append((char) c);
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      }
    }
    return sb.toString();
  }

  /** Parses a bencoded announce response. */
  static AnnounceResponse parse(byte[] body) throws TrackerException {
    Object decoded;
    try {
      decoded = Bencode.decode(body);
    } catch (BencodeException e) {
      throw new TrackerException("response is not bencode: " + e.getMessage(), e);
    }
    if (!(decoded instanceof Map<?, ?> dict)) {
      throw new TrackerException("response is not a dictionary");
    }
    if (dict.get("failure reason") instanceof byte[] reason) {
      throw new TrackerException("tracker refused: " + new String(reason, StandardCharsets.UTF_8));
    }
    Optional<Duration> interval = dict.get("interval") instanceof Long i && i > 0
        ? Optional.of(Duration.ofSeconds(i)) : Optional.empty();
    Optional<Duration> minInterval = dict.get("min interval") instanceof Long m && m > 0
        ? Optional.of(Duration.ofSeconds(m)) : Optional.empty();
    List<InetSocketAddress> peers = new ArrayList<>();
    Object p = dict.get("peers");
    if (p instanceof byte[] compact) {
      parseCompact(compact, 4, peers);
    } else if (p instanceof List<?> list) {
      for (Object entry : list) {
        if (entry instanceof Map<?, ?> peer && peer.get("ip") instanceof byte[] ip
            && peer.get("port") instanceof Long port && port > 0 && port <= 65535) {
          peers.add(InetSocketAddress.createUnresolved(
              new String(ip, StandardCharsets.UTF_8), port.intValue()));
        }
      }
    } else if (p != null) {
      throw new TrackerException("peers is neither a string nor a list");
    }
    if (dict.get("peers6") instanceof byte[] compact6) {
      parseCompact(compact6, 16, peers);
    }
    Optional<String> trackerId = dict.get("tracker id") instanceof byte[] id
        ? Optional.of(new String(id, StandardCharsets.UTF_8)) : Optional.empty();
    Optional<String> warning = dict.get("warning message") instanceof byte[] w
        ? Optional.of(new String(w, StandardCharsets.UTF_8)) : Optional.empty();
    return new AnnounceResponse(interval, minInterval, peers, trackerId, warning);
  }

  /** BEP 23 (and BEP 7 for IPv6): address bytes then a big-endian port, per peer. */
  private static void parseCompact(byte[] compact, int addressLength,
      List<InetSocketAddress> peers) throws TrackerException {
    int entry = addressLength + 2;
    if (compact.length % entry != 0) {
      throw new TrackerException("compact peers of " + compact.length
          + " bytes is not a multiple of " + entry);
    }
    for (int off = 0; off < compact.length; off += entry) {
      byte[] address = Arrays.copyOfRange(compact, off, off + addressLength);
      int port = ((compact[off + addressLength] & 0xff) << 8)
          | (compact[off + addressLength + 1] & 0xff);
      if (port == 0) {
        continue;
      }
      try {
        InetAddress ip = InetAddress.getByAddress(address);
        if (ip instanceof Inet4Address || ip instanceof Inet6Address) {
          peers.add(new InetSocketAddress(ip, port));
        }
      } catch (UnknownHostException e) {
        throw new TrackerException("bad compact peer address", e);
      }
    }
  }

  /** Collects a response body, failing once it exceeds {@code limit} bytes. */
  private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final int limit;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    private Flow.Subscription subscription;

    LimitedBody(int limit) {
      this.limit = limit;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      for (ByteBuffer b : items) {
        if (out.size() + b.remaining() > limit) {
          subscription.cancel();
          result.completeExceptionally(
              new TrackerException("response exceeds " + limit + " bytes"));
          return;
        }
        byte[] chunk = new byte[b.remaining()];
        b.get(chunk);
        out.writeBytes(chunk);
      }
    }

    @Override
    public void onError(Throwable throwable) {
      result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
      result.complete(out.toByteArray());
    }
  }
}
