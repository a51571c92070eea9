package io.layerswarm.agent.mirror;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.store.BlobStore;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * What the transfers of one blob fetcher share: where blobs go and come from, the executor and
 * clock, and the fetcher's memory and counters.
 *
 * @param executor runs origin copies and store adoption (blocking work)
 * @param partialDir where swarm downloads and origin copies are written until verified
 * @param announce this agent's tracker announce URLs; empty means the swarm is never tried
 * @param swarmDeadline the longest a transfer may go without metainfo or newly verified bytes
 * @param stored called with the digest each time a transfer ends with the blob in the store
 * @param origin how slow an origin body may be
 */
record FetchContext(
    BlobStore store,
    MetainfoSource metainfoSource,
    Swarm swarm,
    CacheSeeder seeder,
    Executor executor,
    InstantSource clock,
    Path partialDir,
    List<URI> announce,
    Duration swarmDeadline,
    SwarmRefusals refusals,
    FetchCounters counters,
    Consumer<Digest> stored,
    OriginLimits origin) {
  FetchContext {
    announce = List.copyOf(announce);
  }
}
