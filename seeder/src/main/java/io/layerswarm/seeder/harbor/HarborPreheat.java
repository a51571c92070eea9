package io.layerswarm.seeder.harbor;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.client.UpstreamRegistry;
import io.layerswarm.registry.client.Upstreams;
import io.layerswarm.registry.image.ImageReference;
import io.layerswarm.seeder.preheat.PreheatEvent;
import io.layerswarm.seeder.preheat.PreheatListener;
import java.net.URI;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs Harbor's preheat jobs: {@link #create} validates the request, checks that the URL's registry
 * is one of the seeder's upstreams (else 400, so Harbor shows the reason at once and nothing is
 * stored), records a PENDING job and queues it on the {@code jobs} executor, whose bound is the
 * bound on jobs waiting and running (a full queue is 503 with Retry-After). A job preheats every
 * platform of the image with the seeder's own upstream credentials; Harbor's {@code headers} are
 * never read (see docs/decisions.md). {@link #status} reads the table. Neither blocks: both run on
 * the control endpoint's event loop.
 */
public final class HarborPreheat {
  private static final Logger log = LoggerFactory.getLogger(HarborPreheat.class);

  /** Jobs remembered; beyond this the oldest finished one is forgotten. */
  public static final int MAX_JOBS_KEPT = 1000;

  /** Seconds a client is told to wait when the job queue is full. */
  static final int RETRY_AFTER_SECONDS = 10;

  /** Runs one image's preheat to its end; {@code PreheatService#preheat} over all platforms. */
  @FunctionalInterface
  public interface Preheater {
    boolean preheat(String label, ImageReference image, PreheatListener listener);
  }

  /**
   * An answer for the HTTP layer.
   *
   * @param code null for success ({@code body} is the JSON); else an error code and {@code body}
   *     the message
   * @param retryAfterSeconds for 503, else 0
   */
  public record Answer(int status, String code, String body, int retryAfterSeconds) {
    static Answer ok(String json) {
      return new Answer(200, null, json, 0);
    }

    static Answer error(int status, String code, String message) {
      return new Answer(status, code, message, 0);
    }
  }

  private final Upstreams upstreams;
  private final Preheater preheater;
  private final Executor jobs;
  private final JobTable table;
  private final String hostname;
  private final String ip;

  /**
   * @param jobs runs the jobs; its queue bounds the jobs waiting
   * @param hostname this seeder's host name, and {@code ip} its peer address, as tasks report them
   */
  public HarborPreheat(
      Upstreams upstreams,
      Preheater preheater,
      Executor jobs,
      InstantSource clock,
      String hostname,
      String ip) {
    this(upstreams, preheater, jobs, new JobTable(MAX_JOBS_KEPT, clock), hostname, ip);
  }

  HarborPreheat(
      Upstreams upstreams,
      Preheater preheater,
      Executor jobs,
      JobTable table,
      String hostname,
      String ip) {
    this.upstreams = Objects.requireNonNull(upstreams, "upstreams");
    this.preheater = Objects.requireNonNull(preheater, "preheater");
    this.jobs = Objects.requireNonNull(jobs, "jobs");
    this.table = Objects.requireNonNull(table, "table");
    this.hostname = Objects.requireNonNull(hostname, "hostname");
    this.ip = Objects.requireNonNull(ip, "ip");
  }

  /** {@code POST /oapi/v1/jobs}. */
  public Answer create(byte[] body) {
    JobRequest request;
    try {
      request = JobRequest.parse(body);
    } catch (IllegalArgumentException e) {
      return Answer.error(400, "JOB_INVALID", e.getMessage());
    }
    Optional<UpstreamRegistry> upstream = upstreams.forHost(request.registry());
    if (upstream.isEmpty()) {
      return Answer.error(
          400,
          "UNKNOWN_UPSTREAM",
          "this seeder has no upstream for registry "
              + request.registry()
              + " (the host of args.url); configured: "
              + upstreams.hosts()
              + ". Add it to upstreams, with the host[:port] Harbor's external URL has");
    }
    String label = request.image().toString();
    Optional<Job> created = table.create(label);
    if (created.isEmpty()) {
      return busy();
    }
    Job job = created.get();
    try {
      jobs.execute(() -> run(job.id(), request.image(), upstream.get().baseUri()));
    } catch (RejectedExecutionException e) {
      table.remove(job.id());
      log.warn("refusing preheat job for {}: the job queue is full", label);
      return busy();
    }
    log.info("preheat job {} for {} queued", job.id(), label);
    return Answer.ok(JobJson.of(job));
  }

  /** {@code GET /oapi/v1/jobs/{id}}. */
  public Answer status(long id) {
    return table
        .get(id)
        .map(job -> Answer.ok(JobJson.of(job)))
        .orElseGet(
            () ->
                Answer.error(
                    404,
                    "JOB_UNKNOWN",
                    "no preheat job "
                        + id
                        + " on this seeder (it keeps the last "
                        + MAX_JOBS_KEPT
                        + " jobs, and forgets them on restart)"));
  }

  private static Answer busy() {
    return new Answer(
        503,
        "UNAVAILABLE",
        "this seeder is running as many preheat jobs as it queues; retry later",
        RETRY_AFTER_SECONDS);
  }

  /** Runs on the jobs executor. */
  private void run(long id, ImageReference image, URI base) {
    String label = image.toString();
    List<Job.Task> tasks = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    boolean complete;
    try {
      complete =
          preheater.preheat(
              label,
              image,
              event -> {
                Optional<Digest> digest = event.digest();
                if (event.state() == PreheatEvent.State.DONE && digest.isPresent()) {
                  tasks.add(
                      new Job.Task(blobUrl(base, image, digest.get()), hostname, ip, true, ""));
                } else if (event.state() == PreheatEvent.State.ERROR && digest.isPresent()) {
                  tasks.add(
                      new Job.Task(
                          blobUrl(base, image, digest.get()),
                          hostname,
                          ip,
                          false,
                          event.message()));
                  errors.add(digest.get() + ": " + event.message());
                } else if (event.state() == PreheatEvent.State.FAILED) {
                  errors.add(event.message());
                }
              });
    } catch (RuntimeException e) {
      log.error("preheat job {} for {} failed unexpectedly", id, label, e);
      complete = false;
      errors.add("internal error: " + e);
    }
    if (complete) {
      table.finish(id, Job.State.SUCCESS, tasks, "");
      log.info("preheat job {} for {}: {} blobs held", id, label, tasks.size());
    } else {
      String error =
          errors.isEmpty()
              ? "preheating " + label + " did not complete"
              : "preheating " + label + " failed: " + String.join("; ", errors);
      table.finish(id, Job.State.FAILURE, tasks, error);
      log.info("preheat job {}: {}", id, error);
    }
  }

  private static String blobUrl(URI base, ImageReference image, Digest digest) {
    String root = base.toString();
    if (root.endsWith("/")) {
      root = root.substring(0, root.length() - 1);
    }
    return root + "/v2/" + image.repository().value() + "/blobs/" + digest;
  }
}
