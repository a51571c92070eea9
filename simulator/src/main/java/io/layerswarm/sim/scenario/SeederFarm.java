package io.layerswarm.sim.scenario;

import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.sim.net.Connection;
import io.layerswarm.sim.net.Network;
import io.layerswarm.sim.swarm.SimHost;
import io.layerswarm.sim.swarm.SimTorrent;
import io.layerswarm.swarm.loop.Loop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The seeders and, for cold seeders, the origin behind them, as the agents see them through the
 * tracker: the metainfo of a blob is there once a seeder seeds it. Pre-heated seeders seed every
 * blob from the start. Cold ones fetch a blob from the origin on its first request (the first
 * seeder, then the others to warm them, as the ring does), hash it, seed it, and answer once their
 * "started" announce got through, like {@code SeederService}.
 */
final class SeederFarm {
  private final List<SimHost> seeders;
  private final SimHost origin;
  private final List<Blob> blobs;
  private final Loop loop;
  private final Network network;
  private final double hashBytesPerSecond;
  private final List<CompletableFuture<Metainfo>> ready = new ArrayList<>();
  private final List<SimTorrent> torrents = new ArrayList<>();

  /**
   * @param origin the origin's host; null when the seeders are pre-heated
   * @param hashBytesPerSecond a seeder's hashing of a fetched blob
   */
  SeederFarm(
      List<SimHost> seeders,
      SimHost origin,
      List<Blob> blobs,
      Loop loop,
      Network network,
      double hashBytesPerSecond) {
    this.seeders = List.copyOf(seeders);
    this.origin = origin;
    this.blobs = blobs;
    this.loop = loop;
    this.network = network;
    this.hashBytesPerSecond = hashBytesPerSecond;
    for (int i = 0; i < blobs.size(); i++) {
      ready.add(null);
    }
  }

  /** Pre-heats: every seeder seeds every blob now. */
  void preheat() {
    for (Blob blob : blobs) {
      for (SimHost seeder : seeders) {
        torrents.add(seeder.seed(blob.metainfo()));
      }
      ready.set(blob.index(), CompletableFuture.completedFuture(blob.metainfo()));
    }
  }

  /** The blob's metainfo, once a seeder seeds it (the first request of a cold blob starts that). */
  CompletableFuture<Metainfo> metainfo(Blob blob) {
    CompletableFuture<Metainfo> future = ready.get(blob.index());
    if (future == null) {
      future = new CompletableFuture<>();
      ready.set(blob.index(), future);
      fetch(0, blob, future);
    }
    return future;
  }

  /** Seeder {@code i} fetches {@code blob} from the origin, then the next one warms up. */
  private void fetch(int i, Blob blob, CompletableFuture<Metainfo> answered) {
    if (i >= seeders.size()) {
      return;
    }
    SimHost seeder = seeders.get(i);
    Connection c = network.connect(origin.netHost(), seeder.netHost());
    c.from(origin.netHost())
        .send(
            blob.bytes(),
            () -> {
              c.close();
              Duration hashing = Duration.ofNanos((long) (blob.bytes() / hashBytesPerSecond * 1e9));
              loop.schedule(
                  () -> {
                    SimTorrent torrent = seeder.seed(blob.metainfo());
                    torrents.add(torrent);
                    torrent
                        .core()
                        .announced()
                        .whenComplete(
                            (ok, e) -> {
                              answered.complete(blob.metainfo());
                              fetch(i + 1, blob, new CompletableFuture<>());
                            });
                  },
                  hashing);
            });
  }

  List<SimHost> seeders() {
    return seeders;
  }

  /** Bytes the origin sent. */
  long originBytes() {
    return origin == null ? 0 : origin.netHost().bytesSent();
  }
}
