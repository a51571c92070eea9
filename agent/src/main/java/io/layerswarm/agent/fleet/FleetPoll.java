package io.layerswarm.agent.fleet;

import io.layerswarm.agent.pins.PinState;
import io.layerswarm.core.bencode.Bencode;
import io.layerswarm.core.bencode.BencodeException;
import io.layerswarm.core.topology.Location;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code GET /fleet} exchange with a tracker, without I/O: the poll's URL (with the report on
 * the job the agent runs) and the answer's job. Pure.
 */
final class FleetPoll {
  /** The tracker refuses longer reasons; a longer one is cut. */
  static final int MAX_ERROR = 200;

  private static final Pattern JOB_ID = Pattern.compile("[0-9a-f]{16}");

  private FleetPoll() {}

  /**
   * What the tracker hands out: a job id, an image reference and, if the job names one, a platform.
   */
  record Order(String job, String image, Optional<String> platform) {
    Order {
      Objects.requireNonNull(job, "job");
      Objects.requireNonNull(image, "image");
      Objects.requireNonNull(platform, "platform");
    }
  }

  /** The agent's word on its job. */
  enum State {
    RUNNING("running"),
    DONE("done"),
    FAILED("failed");

    final String wire;

    State(String wire) {
      this.wire = wire;
    }
  }

  /** A report on {@code job}: its state, and the pin-like progress of its image. */
  record Report(
      String job,
      State state,
      int blobsLocal,
      int blobsTotal,
      long bytesLocal,
      long bytesTotal,
      Optional<String> error) {
    /** From the one-shot pin's state: running until its attempt ended, then done or failed. */
    static Report of(String job, PinState pin, boolean ended) {
      State state = !ended ? State.RUNNING : pin.complete() ? State.DONE : State.FAILED;
      Optional<String> error =
          state == State.FAILED
              ? Optional.of(pin.lastError().orElse("the image is not complete"))
              : Optional.empty();
      return new Report(
          job,
          state,
          pin.local().size(),
          (int) pin.blobs().stream().map(b -> b.digest()).distinct().count(),
          pin.localBytes(),
          pin.totalBytes(),
          error);
    }

    static Report failed(String job, String error) {
      return new Report(job, State.FAILED, 0, 0, 0, 0, Optional.of(error));
    }
  }

  /** {@code <tracker>/fleet?port=..&interval=..[&zone=..][&rack=..][&job=..&state=..&...]}. */
  static URI uri(
      URI tracker, int peerPort, Duration interval, Location location, Optional<Report> report) {
    Map<String, String> q = new LinkedHashMap<>();
    q.put("port", Integer.toString(peerPort));
    q.put("interval", Long.toString(Math.max(1, interval.toSeconds())));
    location.zone().ifPresent(z -> q.put("zone", z));
    location.rack().ifPresent(r -> q.put("rack", r));
    if (report.isPresent()) {
      Report r = report.get();
      q.put("job", r.job());
      q.put("state", r.state().wire);
      q.put("blobs", Integer.toString(r.blobsLocal()));
      q.put("of", Integer.toString(r.blobsTotal()));
      q.put("bytes", Long.toString(r.bytesLocal()));
      q.put("total", Long.toString(r.bytesTotal()));
      r.error().ifPresent(e -> q.put("error", printable(e)));
    }
    StringBuilder s = new StringBuilder(tracker.toString().replaceAll("/+$", "")).append("/fleet");
    char sep = '?';
    for (Map.Entry<String, String> e : q.entrySet()) {
      s.append(sep).append(e.getKey()).append('=');
      s.append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
      sep = '&';
    }
    return URI.create(s.toString());
  }

  /**
   * The job in a tracker's answer, if any.
   *
   * @throws BencodeException when the answer is not a bencoded dictionary, or its job is malformed
   */
  static Optional<Order> order(byte[] body) throws BencodeException {
    if (!(Bencode.decode(body) instanceof Map<?, ?> reply)) {
      throw new BencodeException("the answer is not a dictionary");
    }
    Object job = reply.get("job");
    if (job == null) {
      return Optional.empty();
    }
    if (!(job instanceof Map<?, ?> fields)
        || !(fields.get("id") instanceof byte[] id)
        || !(fields.get("image") instanceof byte[] image)) {
      throw new BencodeException("the job has no id or image");
    }
    String jobId = new String(id, StandardCharsets.US_ASCII);
    if (!JOB_ID.matcher(jobId).matches()) {
      throw new BencodeException("the job id is not 16 hex characters");
    }
    Optional<String> platform =
        fields.get("platform") instanceof byte[] p
            ? Optional.of(new String(p, StandardCharsets.UTF_8))
            : Optional.empty();
    return Optional.of(new Order(jobId, new String(image, StandardCharsets.UTF_8), platform));
  }

  /** Printable ASCII, at most {@link #MAX_ERROR} characters: what the tracker takes. */
  static String printable(String text) {
    StringBuilder s = new StringBuilder(Math.min(text.length(), MAX_ERROR));
    for (int i = 0; i < text.length() && s.length() < MAX_ERROR; i++) {
      char c = text.charAt(i);
      s.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return s.toString();
  }
}
