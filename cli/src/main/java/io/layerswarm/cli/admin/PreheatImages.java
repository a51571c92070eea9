package io.layerswarm.cli.admin;

import io.layerswarm.cli.admin.TableFormatter.Column;
import io.layerswarm.proto.admin.PreheatProgress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code layerswarm preheat} knows about each image it asked for, from the seeder's progress
 * stream; and its three renderings: one plain line per message (logs, pipes), a frame of progress
 * bars (terminals), and the summary with its {@code --json} form. Pure: times are passed in, in
 * milliseconds since the command started. Not thread-safe.
 *
 * <p>The seeder preheats images one after the other, their blobs in parallel. Image messages have
 * the states {@code resolved}, {@code complete} and {@code failed}; blob messages {@code fetching},
 * {@code done} and {@code error}.
 */
final class PreheatImages {
  static final String RESOLVED = "resolved";
  static final String FETCHING = "fetching";
  static final String DONE = "done";
  static final String ERROR = "error";
  static final String COMPLETE = "complete";
  static final String FAILED = "failed";

  /** An image the stream ended without a final state for. */
  static final String INCOMPLETE = "incomplete";

  static final String WAITING = "waiting";

  private static final Pattern BLOB_COUNT = Pattern.compile("^(\\d+) blobs?\\b");
  private static final int BAR_WIDTH = 12;
  private static final int MAX_NAME = 40;

  /** One image's progress. */
  private static final class Image {
    final String name;
    String state = WAITING;
    String manifest = "";
    Integer blobsTotal;
    int blobsDone;
    int blobsFailed;
    long bytesDone;
    long bytesTotal;
    String message = "";
    long startMillis = -1;
    long endMillis = -1;

    Image(String name) {
      this.name = name;
    }

    boolean finished() {
      return state.equals(COMPLETE) || state.equals(FAILED) || state.equals(INCOMPLETE);
    }
  }

  /**
   * One progress message as {@code --json} prints it, a JSON line with {@code "type": "progress"}.
   *
   * @param digest the blob's, or for image states the manifest's (empty when unresolved)
   */
  record Event(
      String type,
      String image,
      String state,
      String digest,
      long bytesDone,
      long bytesTotal,
      String message) {
    static Event of(PreheatProgress p) {
      return new Event(
          "progress",
          p.getImage(),
          p.getState(),
          p.getDigest(),
          p.getBytesDone(),
          p.getBytesTotal(),
          p.getMessage());
    }
  }

  /**
   * The outcome of the whole preheat: the {@code --json} summary line ({@code "type": "summary"}).
   *
   * @param ok every image complete
   * @param blobs blobs held, over every image
   * @param bytes their bytes
   */
  record Summary(
      String type,
      boolean ok,
      String server,
      int imagesTotal,
      int imagesComplete,
      int imagesFailed,
      int blobs,
      long bytes,
      long elapsedMillis,
      List<Result> images) {}

  /**
   * One image's outcome.
   *
   * @param result {@code complete}, {@code failed}, or {@code incomplete} (no final state came)
   * @param manifest {@code sha256:<hex>} of the manifest (or index) resolved; empty if none
   * @param blobsTotal null when the seeder did not say
   * @param message the seeder's final word: blob count, or why it failed
   */
  record Result(
      String image,
      String result,
      String manifest,
      int blobsDone,
      Integer blobsTotal,
      long bytesDone,
      long bytesTotal,
      long elapsedMillis,
      String message) {}

  private final Map<String, Image> images = new LinkedHashMap<>();
  private final String server;
  private long lastFinishMillis;

  /**
   * @param requested the images in the order asked for (the seeder works in this order)
   */
  PreheatImages(List<String> requested, String server) {
    for (String name : requested) {
      images.putIfAbsent(name, new Image(name));
    }
    this.server = server;
  }

  /**
   * Takes one message in.
   *
   * @return the plain line for it, ending in a newline
   */
  String accept(PreheatProgress p, long nowMillis) {
    Image image = images.computeIfAbsent(p.getImage(), Image::new);
    if (image.startMillis < 0) {
      image.startMillis = lastFinishMillis;
    }
    String digest = StatusReport.shortDigest(p.getDigest());
    String line;
    switch (p.getState()) {
      case RESOLVED -> {
        image.state = RESOLVED;
        image.manifest = p.getDigest();
        image.bytesTotal = p.getBytesTotal();
        Matcher count = BLOB_COUNT.matcher(p.getMessage());
        image.blobsTotal = count.find() ? Integer.valueOf(count.group(1)) : null;
        line = "resolved " + digest + ": " + p.getMessage() + ", " + Units.bytes(p.getBytesTotal());
      }
      case FETCHING -> {
        image.state = FETCHING;
        line =
            "fetching "
                + digest
                + " ("
                + Units.bytes(p.getBytesTotal())
                + ")"
                + (p.getMessage().isEmpty() ? "" : " " + p.getMessage());
      }
      case DONE -> {
        image.blobsDone++;
        image.bytesDone += p.getBytesDone();
        line =
            "done "
                + digest
                + " ("
                + Units.bytes(p.getBytesTotal())
                + ")"
                + (p.getMessage().isEmpty() ? "" : ": " + p.getMessage())
                + " ["
                + blobs(image)
                + " blobs]";
      }
      case ERROR, FAILED -> {
        if (isImageMessage(image, p)) {
          finish(image, FAILED, p, nowMillis);
          line = "FAILED: " + p.getMessage();
        } else {
          image.blobsFailed++;
          line = "error " + digest + ": " + p.getMessage();
        }
      }
      case COMPLETE -> {
        finish(image, COMPLETE, p, nowMillis);
        line = "complete: " + blobs(image) + " blobs, " + Units.bytes(image.bytesDone) + " held";
      }
      default -> line = p.getState() + " " + digest + ": " + p.getMessage();
    }
    return p.getImage() + ": " + line + "\n";
  }

  /** An image's final {@code failed} carries the manifest digest, or none. */
  private static boolean isImageMessage(Image image, PreheatProgress p) {
    return p.getState().equals(FAILED)
        && (p.getDigest().isEmpty() || p.getDigest().equals(image.manifest));
  }

  private void finish(Image image, String state, PreheatProgress p, long nowMillis) {
    image.state = state;
    image.message = p.getMessage();
    if (!p.getDigest().isEmpty()) {
      image.manifest = p.getDigest();
    }
    image.bytesDone = Math.max(image.bytesDone, p.getBytesDone());
    image.bytesTotal = Math.max(image.bytesTotal, p.getBytesTotal());
    image.endMillis = nowMillis;
    lastFinishMillis = nowMillis;
  }

  /** Marks the images the stream left unfinished; call once the stream ended. */
  void end(long nowMillis) {
    for (Image image : images.values()) {
      if (!image.finished()) {
        image.state = INCOMPLETE;
        image.message = "the seeder ended the stream before this image finished";
        if (image.startMillis < 0) {
          image.startMillis = lastFinishMillis;
        }
        image.endMillis = nowMillis;
      }
    }
  }

  boolean allComplete() {
    return images.values().stream().allMatch(i -> i.state.equals(COMPLETE));
  }

  /** {@code library/app:1: why; other:2: why} for the images that did not complete. */
  String failures() {
    List<String> failed = new ArrayList<>();
    for (Image image : images.values()) {
      if (!image.state.equals(COMPLETE)) {
        failed.add(image.name + ": " + (image.message.isEmpty() ? image.state : image.message));
      }
    }
    return failed.size()
        + " of "
        + images.size()
        + (images.size() == 1 ? " image" : " images")
        + " did not complete: "
        + String.join("; ", failed);
  }

  Summary summary(long elapsedMillis) {
    List<Result> results = new ArrayList<>();
    int complete = 0;
    int blobs = 0;
    long bytes = 0;
    for (Image image : images.values()) {
      if (image.state.equals(COMPLETE)) {
        complete++;
      }
      blobs += image.blobsDone;
      bytes += image.bytesDone;
      String result = image.finished() ? image.state : INCOMPLETE;
      long took =
          image.startMillis < 0 || image.endMillis < 0 ? 0 : image.endMillis - image.startMillis;
      results.add(
          new Result(
              image.name,
              result,
              image.manifest,
              image.blobsDone,
              image.blobsTotal,
              image.bytesDone,
              image.bytesTotal,
              took,
              image.message));
    }
    return new Summary(
        "summary",
        complete == images.size(),
        server,
        images.size(),
        complete,
        images.size() - complete,
        blobs,
        bytes,
        elapsedMillis,
        results);
  }

  /** The human summary: a table of the images and a total line. */
  static String summaryTable(Summary summary) {
    TableFormatter table =
        TableFormatter.of(
            Column.left("IMAGE"),
            Column.left("RESULT"),
            Column.right("BLOBS"),
            Column.right("SIZE"),
            Column.right("TIME"),
            Column.left("MANIFEST"));
    for (Result r : summary.images()) {
      table.row(
          r.image(),
          r.result(),
          r.blobsDone() + "/" + (r.blobsTotal() == null ? "?" : r.blobsTotal()),
          Units.bytes(r.bytesTotal()),
          seconds(r.elapsedMillis()),
          r.manifest().isEmpty() ? "-" : StatusReport.shortDigest(r.manifest()));
    }
    return table.render()
        + "preheated "
        + summary.imagesComplete()
        + " of "
        + summary.imagesTotal()
        + (summary.imagesTotal() == 1 ? " image" : " images")
        + " on "
        + summary.server()
        + ": "
        + summary.blobs()
        + (summary.blobs() == 1 ? " blob, " : " blobs, ")
        + Units.bytes(summary.bytes())
        + " in "
        + seconds(summary.elapsedMillis())
        + "\n";
  }

  /**
   * The progress bars, one line per image, each at most {@code columns - 1} characters, after a
   * header line with the elapsed time.
   */
  List<String> frame(long nowMillis, int columns) {
    int cap = Math.max(8, Math.min(MAX_NAME, columns - 62));
    int nameWidth =
        images.keySet().stream().mapToInt(n -> shorten(n, cap).length()).max().orElse(5);
    List<String> lines = new ArrayList<>(images.size() + 1);
    long done = images.values().stream().filter(Image::finished).count();
    lines.add(
        fit(
            "preheating on "
                + server
                + ": "
                + done
                + "/"
                + images.size()
                + (images.size() == 1 ? " image, " : " images, ")
                + seconds(nowMillis),
            columns));
    for (Image image : images.values()) {
      String name = shorten(image.name, cap);
      double fraction =
          image.state.equals(COMPLETE)
              ? 1
              : image.bytesTotal > 0
                  ? (double) image.bytesDone / image.bytesTotal
                  : image.blobsTotal != null && image.blobsTotal > 0
                      ? (double) image.blobsDone / image.blobsTotal
                      : 0;
      int filled = (int) Math.floor(Math.min(1, fraction) * BAR_WIDTH);
      String bar = "[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "]";
      String state = image.state.equals(RESOLVED) ? FETCHING : image.state;
      if (image.blobsFailed > 0 && !image.finished()) {
        state = state + ", " + image.blobsFailed + " failed";
      }
      String line =
          String.format(
              Locale.ROOT,
              "%-" + nameWidth + "s %s %5s blobs  %21s  %s",
              name,
              bar,
              blobs(image),
              Units.bytes(image.bytesDone) + " / " + Units.bytes(image.bytesTotal),
              state);
      lines.add(fit(line.stripTrailing(), columns));
    }
    return lines;
  }

  /**
   * The image name in at most {@code width} characters: whole if it fits, else without its registry
   * host, else its end after {@code ...}.
   */
  static String shorten(String name, int width) {
    if (name.length() <= width) {
      return name;
    }
    int slash = name.indexOf('/');
    if (slash > 0) {
      String host = name.substring(0, slash);
      if (host.contains(".") || host.contains(":") || host.equals("localhost")) {
        name = name.substring(slash + 1);
        if (name.length() <= width) {
          return name;
        }
      }
    }
    return "..." + name.substring(name.length() - width + 3);
  }

  private static String fit(String line, int columns) {
    int max = Math.max(20, columns - 1);
    return line.length() <= max ? line : line.substring(0, max);
  }

  private static String blobs(Image image) {
    return image.blobsDone + "/" + (image.blobsTotal == null ? "?" : image.blobsTotal);
  }

  /** {@code 0.3s}, {@code 12.5s}, then {@link Units#duration}: {@code 2m 5s}. */
  static String seconds(long millis) {
    if (millis < 60_000) {
      return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
    }
    return Units.duration(java.time.Duration.ofMillis(millis));
  }
}
