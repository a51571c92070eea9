package io.layerswarm.tracker.testing;

import static io.layerswarm.tracker.testing.Urls.percentEncode;

import io.layerswarm.core.auth.HttpAuth;
import io.layerswarm.core.auth.HttpSignature;
import io.layerswarm.core.bencode.Bencode;
import io.layerswarm.core.bencode.BencodeException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * An HTTP/1.1 client for a tracker under test, with BitTorrent helpers. 10 s timeouts. Signs its
 * requests when made with a signing {@link HttpAuth}, as a cluster member does.
 */
public final class TrackerHttp {
  public static final Duration TIMEOUT = Duration.ofSeconds(10);
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
  private final HttpAuth auth;

  /** Unsigned requests, as from anyone outside the cluster (or in open mode). */
  public TrackerHttp() {
    this(HttpAuth.open());
  }

  public TrackerHttp(HttpAuth auth) {
    this.auth = auth;
  }

  public static URI base(InetSocketAddress address) {
    return URI.create("http://127.0.0.1:" + address.getPort());
  }

  public HttpResponse<byte[]> get(URI base, String pathAndQuery)
      throws IOException, InterruptedException {
    return http.send(request(base, pathAndQuery), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** A GET with one more header, e.g. a signature taken from another request. */
  public HttpResponse<byte[]> getWithHeader(
      URI base, String pathAndQuery, String name, String value)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + pathAndQuery))
            .timeout(TIMEOUT)
            .header(name, value)
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  public CompletableFuture<HttpResponse<byte[]>> getAsync(URI base, String pathAndQuery) {
    return http.sendAsync(request(base, pathAndQuery), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** {@code <prefix>/announce?...} for peer {@code name} (id from {@link Peers#id}). */
  public static String announcePath(
      String prefix, byte[] infoHash, String name, int port, long left, String extra) {
    return prefix
        + "/announce?info_hash="
        + percentEncode(infoHash)
        + "&peer_id="
        + percentEncode(Peers.id(name).bytes())
        + "&port="
        + port
        + "&uploaded=0&downloaded=0&left="
        + left
        + extra;
  }

  /** GETs the path, expects HTTP 200, and decodes the bencoded dictionary. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> bencoded(URI base, String pathAndQuery)
      throws IOException, InterruptedException, BencodeException {
    HttpResponse<byte[]> response = get(base, pathAndQuery);
    if (response.statusCode() != 200) {
      throw new AssertionError("GET " + pathAndQuery + ": HTTP " + response.statusCode());
    }
    return (Map<String, Object>) Bencode.decode(response.body());
  }

  /** The {@code failure reason} of a reply, or null. */
  public static String failureReason(Map<String, Object> reply) {
    Object reason = reply.get("failure reason");
    return reason == null ? null : new String((byte[]) reason, StandardCharsets.UTF_8);
  }

  /** A BEP 23 compact peer list as "ip:port" strings. */
  public static List<String> compactPeers(Map<String, Object> reply) {
    return compactPeers((byte[]) reply.get("peers"));
  }

  /** BEP 23 compact peers (6 bytes each) as "ip:port" strings. */
  public static List<String> compactPeers(byte[] peers) {
    if (peers.length % 6 != 0) {
      throw new AssertionError("compact peers of " + peers.length + " bytes");
    }
    List<String> out = new ArrayList<>();
    ByteBuffer buf = ByteBuffer.wrap(peers);
    while (buf.hasRemaining()) {
      out.add(
          (buf.get() & 0xff)
              + "."
              + (buf.get() & 0xff)
              + "."
              + (buf.get() & 0xff)
              + "."
              + (buf.get() & 0xff)
              + ":"
              + (buf.getShort() & 0xffff));
    }
    return out;
  }

  public static String text(HttpResponse<byte[]> response) {
    return new String(response.body(), StandardCharsets.UTF_8);
  }

  private HttpRequest request(URI base, String pathAndQuery) {
    URI uri = URI.create(base + pathAndQuery);
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT);
    auth.sign("GET", uri).ifPresent(signature -> request.header(HttpSignature.HEADER, signature));
    return request.build();
  }
}
