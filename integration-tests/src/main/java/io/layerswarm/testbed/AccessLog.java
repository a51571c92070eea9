package io.layerswarm.testbed;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the Apache combined-format access log lines that docker-registry (distribution 2.8, via
 * gorilla handlers) interleaves with its logrus output, e.g.
 *
 * <pre>
 * 127.0.0.1 - - [27/Nov/2026:20:40:56 +0000] "GET /v2/test/app/blobs/sha256:c59a…db3d HTTP/1.1" 200 1000 "" "layerswarm-seeder/0.1"
 * </pre>
 *
 * The logrus "response completed" lines describe the same requests and are deliberately ignored so
 * nothing is counted twice. Lines are matched anywhere, so prefixes added by wrappers don't matter.
 */
public final class AccessLog {

  private static final String QUOTED = "\"((?:[^\"\\\\]|\\\\.)*)\"";

  /** host ident user [time] "request" status bytes "referer" "user-agent" */
  private static final Pattern COMBINED =
      Pattern.compile(
          "(?:^|\\s)(\\S+) (\\S+) (\\S+) \\[([^\\]]+)\\] "
              + QUOTED
              + " (\\d{3}) (\\d+|-) "
              + QUOTED
              + " "
              + QUOTED);

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);

  /** /v2/<name>/blobs/<algorithm>:<encoded>, but not /blobs/uploads/. */
  private static final Pattern BLOB_PATH =
      Pattern.compile("^/v2/(.+)/blobs/([a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+)$");

  private static final Pattern MANIFEST_PATH = Pattern.compile("^/v2/(.+)/manifests/([^/]+)$");

  /**
   * One request. {@code path} is the request URI without its query string; {@code bytes} is the
   * response body size the registry wrote ("-" counts as 0).
   */
  public record Entry(
      String remote,
      String user,
      Instant time,
      String method,
      String path,
      String query,
      String protocol,
      int status,
      long bytes,
      String referer,
      String userAgent) {

    public boolean isSuccess() {
      return status >= 200 && status < 300;
    }

    /** The blob digest if this is a request for a blob (not an upload). */
    public Optional<String> blobDigest() {
      Matcher m = BLOB_PATH.matcher(path);
      return m.matches() ? Optional.of(m.group(2)) : Optional.empty();
    }

    /** The repository name for blob and manifest requests. */
    public Optional<String> repository() {
      Matcher m = BLOB_PATH.matcher(path);
      if (m.matches()) {
        return Optional.of(m.group(1));
      }
      m = MANIFEST_PATH.matcher(path);
      return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** A GET of a blob answered 200 or 206: the requests that cost the origin egress. */
    public boolean isBlobDownload() {
      return method.equals("GET") && (status == 200 || status == 206) && blobDigest().isPresent();
    }

    public boolean isManifestGet() {
      return method.equals("GET") && MANIFEST_PATH.matcher(path).matches();
    }
  }

  private final List<Entry> entries;

  private AccessLog(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  public static AccessLog parse(Path logFile) throws IOException {
    return parse(Files.readString(logFile, StandardCharsets.UTF_8));
  }

  public static AccessLog parse(String text) {
    return parse(text.lines().toList());
  }

  public static AccessLog parse(Collection<String> lines) {
    List<Entry> out = new ArrayList<>();
    for (String line : lines) {
      parseLine(line).ifPresent(out::add);
    }
    return new AccessLog(out);
  }

  /** The entry in {@code line}, or empty if the line holds no combined-format record. */
  public static Optional<Entry> parseLine(String line) {
    Matcher m = COMBINED.matcher(line);
    if (!m.find()) {
      return Optional.empty();
    }
    Instant time;
    try {
      time = OffsetDateTime.parse(m.group(4), TIME).toInstant();
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
    String[] request = unescape(m.group(5)).split(" ", -1);
    if (request.length != 3) {
      return Optional
          .empty(); // malformed request lines are logged as-is by the registry; not ours to count
    }
    String uri = request[1];
    int q = uri.indexOf('?');
    String path = q >= 0 ? uri.substring(0, q) : uri;
    String query = q >= 0 ? uri.substring(q + 1) : "";
    long bytes = m.group(7).equals("-") ? 0 : Long.parseLong(m.group(7));
    return Optional.of(
        new Entry(
            m.group(1),
            m.group(3),
            time,
            request[0],
            path,
            query,
            request[2],
            Integer.parseInt(m.group(6)),
            bytes,
            unescape(m.group(8)),
            unescape(m.group(9))));
  }

  public List<Entry> entries() {
    return entries;
  }

  public AccessLog filter(Predicate<Entry> predicate) {
    return new AccessLog(entries.stream().filter(predicate).toList());
  }

  /** Entries whose user agent starts with {@code prefix}, e.g. "layerswarm-seeder/". */
  public AccessLog byUserAgentPrefix(String prefix) {
    return filter(e -> e.userAgent().startsWith(prefix));
  }

  /** Successful blob GETs (200/206), in log order. */
  public List<Entry> blobDownloads() {
    return entries.stream().filter(Entry::isBlobDownload).toList();
  }

  /** Number of successful blob GETs per digest. */
  public Map<String, Long> blobGetsByDigest() {
    Map<String, Long> out = new TreeMap<>();
    for (Entry e : blobDownloads()) {
      out.merge(e.blobDigest().orElseThrow(), 1L, Long::sum);
    }
    return out;
  }

  public long blobGets(String digest) {
    return blobGetsByDigest().getOrDefault(digest, 0L);
  }

  /** Body bytes of successful blob GETs: the origin's blob egress. */
  public long totalBlobBytesSent() {
    return blobDownloads().stream().mapToLong(Entry::bytes).sum();
  }

  /** Body bytes of successful blob GETs per digest. */
  public Map<String, Long> blobBytesByDigest() {
    Map<String, Long> out = new TreeMap<>();
    for (Entry e : blobDownloads()) {
      out.merge(e.blobDigest().orElseThrow(), e.bytes(), Long::sum);
    }
    return out;
  }

  /** Body bytes of successful blob GETs per User-Agent (e.g. seeder vs. plain clients). */
  public Map<String, Long> blobBytesByUserAgent() {
    Map<String, Long> out = new TreeMap<>();
    for (Entry e : blobDownloads()) {
      out.merge(e.userAgent(), e.bytes(), Long::sum);
    }
    return out;
  }

  @Override
  public String toString() {
    return "AccessLog["
        + entries.size()
        + " entries, "
        + blobDownloads().size()
        + " blob downloads, "
        + totalBlobBytesSent()
        + " blob bytes]";
  }

  /** Undoes Go's quoting of \" and \\ (other escapes are kept verbatim). */
  private static String unescape(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length() && (s.charAt(i + 1) == '"' || s.charAt(i + 1) == '\\')) {
        b.append(s.charAt(++i));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
