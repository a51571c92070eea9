package io.layerswarm.agent.mirror;

import io.layerswarm.core.Digest;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.MetainfoAnswer;
import io.layerswarm.registry.RepositoryName;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A metainfo source the test answers by hand; it records every lookup. */
final class ScriptedMetainfo implements MetainfoSource {
  final List<CompletableFuture<MetainfoAnswer>> calls = new CopyOnWriteArrayList<>();
  private final BlockingQueue<CompletableFuture<MetainfoAnswer>> unclaimed =
      new LinkedBlockingQueue<>();

  @Override
  public CompletableFuture<MetainfoAnswer> fetch(
      String registryHost, RepositoryName repo, Digest digest) {
    CompletableFuture<MetainfoAnswer> call = new CompletableFuture<>();
    calls.add(call);
    unclaimed.add(call);
    return call;
  }

  /** An answer as every seeder sent it before decision 31: the torrent alone. */
  static MetainfoAnswer torrentOnly(Metainfo metainfo) {
    return MetainfoAnswer.of(metainfo, Optional.empty());
  }

  /** The next lookup no test step took yet, waiting (bounded) for a request to make it. */
  CompletableFuture<MetainfoAnswer> nextCall() throws InterruptedException {
    CompletableFuture<MetainfoAnswer> call = unclaimed.poll(30, TimeUnit.SECONDS);
    if (call == null) {
      throw new AssertionError("no metainfo lookup arrived");
    }
    return call;
  }
}
