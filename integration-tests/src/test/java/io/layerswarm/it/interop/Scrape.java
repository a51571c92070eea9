package io.layerswarm.it.interop;

import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.testing.Await;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A BEP 48 scrape of one swarm, used to wait until a seeder has announced itself before a leecher
 * starts. Leechers announce once at start and the next announce can be 30 minutes away
 * (opentracker's interval), so a leecher started before the seeder would sit idle.
 */
final class Scrape {

  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  // The reply's "files" dictionary is keyed by raw 20-byte info hashes, which are not UTF-8, so it
  // is
  // read as Latin-1 text and matched, rather than decoded with our strict Bencode (UTF-8 keys
  // only).
  private static final Pattern COMPLETE = Pattern.compile("8:completei(\\d+)e");
  private static final Pattern INCOMPLETE = Pattern.compile("10:incompletei(\\d+)e");
  private static final Pattern FAILURE = Pattern.compile("14:failure reason(\\d+):");

  /** Seeders ("complete") and leechers ("incomplete") that the tracker lists for one swarm. */
  public record Counts(long complete, long incomplete) {
    public long peers() {
      return complete + incomplete;
    }
  }

  private Scrape() {}

  /**
   * The scrape URL of an announce URL: the last path segment "announce" becomes "scrape" (BEP 48).
   */
  public static URI scrapeUri(URI announce, InfoHash infoHash) {
    String s = announce.toString();
    int q = s.indexOf('?');
    String base = q < 0 ? s : s.substring(0, q);
    String query = q < 0 ? "" : s.substring(q + 1) + "&";
    int slash = base.lastIndexOf('/');
    if (!base.substring(slash + 1).startsWith("announce")) {
      throw new IllegalArgumentException(
          "announce URL " + announce + " has no scrape convention (BEP 48)");
    }
    String scrape =
        base.substring(0, slash + 1) + "scrape" + base.substring(slash + 1 + "announce".length());
    return URI.create(scrape + "?" + query + "info_hash=" + percentEncode(infoHash.bytes()));
  }

  public static Counts scrape(URI announce, InfoHash infoHash)
      throws IOException, InterruptedException {
    URI uri = scrapeUri(announce, infoHash);
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build();
    HttpResponse<byte[]> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofByteArray());
    String body = new String(response.body(), StandardCharsets.ISO_8859_1);
    if (response.statusCode() != 200 || FAILURE.matcher(body).find()) {
      throw new IOException(
          "scrape " + uri + " answered HTTP " + response.statusCode() + ": " + body);
    }
    return new Counts(number(COMPLETE, body), number(INCOMPLETE, body));
  }

  /**
   * Polls until the tracker lists at least {@code minSeeders} seeders of the swarm, bounded by
   * {@code timeout}.
   */
  public static Counts awaitSeeders(
      URI announce, InfoHash infoHash, int minSeeders, Duration timeout) {
    AtomicReference<Counts> last = new AtomicReference<>(new Counts(0, 0));
    AtomicReference<String> lastError = new AtomicReference<>("");
    Await.until(
        "tracker " + announce + " to list >= " + minSeeders + " seeders of " + infoHash,
        timeout,
        () -> {
          try {
            last.set(scrape(announce, infoHash));
            return last.get().complete() >= minSeeders;
          } catch (IOException e) {
            lastError.set("; last error: " + e.getMessage());
            return false;
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while scraping " + announce, e);
          }
        },
        () -> last.get() + lastError.get());
    return last.get();
  }

  private static long number(Pattern p, String body) {
    Matcher m = p.matcher(body);
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  private static String percentEncode(byte[] bytes) {
    StringBuilder sb = new StringBuilder(bytes.length * 3);
    for (byte b : bytes) {
      sb.append('%')
          .append(Character.forDigit((b >> 4) & 0xf, 16))
          .append(Character.forDigit(b & 0xf, 16));
    }
    return sb.toString();
  }
}
