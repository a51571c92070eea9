package io.layerswarm.agent.mirror;

import java.util.concurrent.atomic.AtomicLong;

/** The counters behind {@link FetchCounts}, which every transfer adds to. Thread-safe. */
final class FetchCounters {
  private final AtomicLong bytesFromSwarm = new AtomicLong();
  private final AtomicLong bytesFromOrigin = new AtomicLong();
  private final AtomicLong blobsFromSwarm = new AtomicLong();
  private final AtomicLong blobsFromOrigin = new AtomicLong();
  private final AtomicLong failedFetches = new AtomicLong();
  private final AtomicLong swarmVerificationFailures = new AtomicLong();
  private final AtomicLong originVerificationFailures = new AtomicLong();
  private final AtomicLong passedThrough = new AtomicLong();
  private final AtomicLong blobsInline = new AtomicLong();
  private final AtomicLong inlineRejected = new AtomicLong();

  void swarmBytes(long bytes) {
    bytesFromSwarm.addAndGet(bytes);
  }

  void originBytes(long bytes) {
    bytesFromOrigin.addAndGet(bytes);
  }

  void storedFromSwarm() {
    blobsFromSwarm.incrementAndGet();
  }

  void storedFromOrigin() {
    blobsFromOrigin.incrementAndGet();
  }

  void failed() {
    failedFetches.incrementAndGet();
  }

  void swarmVerificationFailed() {
    swarmVerificationFailures.incrementAndGet();
  }

  void originVerificationFailed() {
    originVerificationFailures.incrementAndGet();
  }

  void passedThrough() {
    passedThrough.incrementAndGet();
  }

  void storedInline() {
    blobsInline.incrementAndGet();
  }

  void inlineRejected() {
    inlineRejected.incrementAndGet();
  }

  FetchCounts snapshot() {
    return new FetchCounts(
        bytesFromSwarm.get(),
        bytesFromOrigin.get(),
        blobsFromSwarm.get(),
        blobsFromOrigin.get(),
        failedFetches.get(),
        swarmVerificationFailures.get(),
        originVerificationFailures.get(),
        passedThrough.get(),
        blobsInline.get(),
        inlineRejected.get());
  }
}
