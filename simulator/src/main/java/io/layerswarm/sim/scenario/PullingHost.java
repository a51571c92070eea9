package io.layerswarm.sim.scenario;

import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.sim.kernel.Simulation;
import io.layerswarm.sim.swarm.SimHost;
import io.layerswarm.sim.swarm.SimTorrent;
import java.util.ArrayDeque;
import java.util.List;

/**
 * A host that pulls the image the way dockerd, containerd or skopeo do through its agent: it asks
 * for up to {@code concurrentLayers} blobs at once, and reads each in order as it streams. The
 * agent behind it gets each blob's metainfo from the tracker (a tiny blob comes inside it),
 * downloads every other from the swarm with a reader at the front of the stream, checks its sha256
 * (hashing the in-order prefix as the reader passes it, so only the rest is left after the last
 * piece: decision 36; or all of it after the last piece, as before), and then seeds it (today by
 * replacing the download with a new seed torrent, which closes the download's connections).
 */
final class PullingHost {
  /** What a host's pull ended as. */
  interface Listener {
    void done(PullingHost host);
  }

  private final Simulation simulation;
  private final SimHost host;
  private final SeederFarm seeders;
  private final Scenario scenario;
  private final long requestNanos;
  private final Listener listener;
  private final ArrayDeque<Blob> waiting;
  private final int blobs;
  private long startNanos = -1;
  private long endNanos = -1;
  private int finished;
  private int inlined;
  private boolean failed;

  /**
   * @param requestNanos a request's round trip through the agent (manifest, metainfo)
   */
  PullingHost(
      Simulation simulation,
      SimHost host,
      SeederFarm seeders,
      List<Blob> blobs,
      Scenario scenario,
      long requestNanos,
      Listener listener) {
    this.simulation = simulation;
    this.host = host;
    this.seeders = seeders;
    this.scenario = scenario;
    this.requestNanos = requestNanos;
    this.listener = listener;
    this.waiting = new ArrayDeque<>(blobs);
    this.blobs = blobs.size();
  }

  /** Starts the pull at virtual time {@code atNanos}: the manifest, then the blobs. */
  void startAt(long atNanos) {
    simulation.at(
        atNanos,
        () -> {
          startNanos = simulation.nowNanos();
          simulation.schedule(
              scenario.clientStart().toNanos() + requestNanos,
              () -> {
                for (int i = 0; i < scenario.concurrentLayers(); i++) {
                  next();
                }
              });
        });
  }

  private void next() {
    Blob blob = waiting.poll();
    if (blob == null || failed) {
      return;
    }
    seeders
        .metainfo(blob)
        .thenAccept(
            meta ->
                simulation.schedule(
                    requestNanos,
                    () -> {
                      if (scenario.inline(blob)) {
                        // The bytes came with the metainfo answer: the agent checks them and
                        // serves them, with no torrent, announce or peer (decision 31).
                        simulation.schedule(checkNanos(blob), () -> verified(blob, meta, false));
                      } else {
                        download(blob, meta);
                      }
                    }));
  }

  private long checkNanos(Blob blob) {
    return (long) (blob.bytes() / scenario.verifyBytesPerSecond() * 1e9);
  }

  private void download(Blob blob, Metainfo meta) {
    if (failed) {
      return;
    }
    SimTorrent torrent = host.download(meta, true);
    StreamedHash hash = new StreamedHash(scenario.verifyBytesPerSecond(), simulation.nowNanos());
    if (scenario.verifyStreamed()) {
      torrent.onInOrderPrefix(bytes -> hash.prefix(bytes, simulation.nowNanos()));
    }
    torrent
        .core()
        .completion()
        .whenComplete(
            (path, error) -> {
              if (error != null || failed) {
                return;
              }
              long check =
                  scenario.verifyStreamed()
                      ? hash.remainingNanos(blob.bytes(), simulation.nowNanos())
                      : checkNanos(blob);
              simulation.schedule(check, () -> verified(blob, meta, true));
            });
  }

  private void verified(Blob blob, Metainfo meta, boolean swarmed) {
    if (failed) {
      return;
    }
    if (!swarmed) {
      inlined++;
    } else if (scenario.reseedRestarts()) {
      host.remove(meta.infoHash());
      host.seed(meta);
    }
    finished++;
    if (finished == blobs) {
      endNanos = simulation.nowNanos();
      listener.done(this);
    } else {
      next();
    }
  }

  /** Crashes the host now. */
  void fail() {
    if (failed || endNanos >= 0) {
      return;
    }
    failed = true;
    host.fail();
    listener.done(this);
  }

  /** Blobs that came inside their metainfo answer, checked. */
  int inlined() {
    return inlined;
  }

  SimHost host() {
    return host;
  }

  boolean failed() {
    return failed;
  }

  /** When the pull started, or -1. */
  long startNanos() {
    return startNanos;
  }

  /** When the last blob was verified, or -1. */
  long endNanos() {
    return endNanos;
  }
}
