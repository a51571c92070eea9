package io.layerswarm.agent.mirror;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import io.layerswarm.agent.mirror.UpstreamErrors.Subject;
import io.layerswarm.core.Digest;
import io.layerswarm.core.SingleFlight;
import io.layerswarm.registry.Manifest;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.registry.client.RegistryException;
import io.layerswarm.registry.client.UpstreamRegistry.ManifestHead;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Manifests from the upstream. Tags are resolved upstream every time; manifests fetched by digest
 * are immutable and kept in a memory cache bounded by their total size. Identical requests that
 * arrive while one is in flight share its upstream call. Thread-safe; upstream calls run on the
 * blocking executor.
 */
final class ManifestFetcher {
  private final Executor blocking;
  private final Cache<CacheKey, Manifest> byDigest;
  private final SingleFlight<CallKey, Manifest> gets = new SingleFlight<>();
  private final SingleFlight<CallKey, ManifestHead> heads = new SingleFlight<>();

  /** Registries scope content by repository, so the cache does too. */
  private record CacheKey(String host, RepositoryName repo, Digest digest) {}

  private record CallKey(String host, RepositoryName repo, String reference, List<String> accept) {}

  /**
   * @param maxCacheBytes bound on the summed size of cached manifests
   */
  ManifestFetcher(Executor blocking, long maxCacheBytes) {
    this.blocking = blocking;
    this.byDigest =
        CacheBuilder.newBuilder()
            .maximumWeight(maxCacheBytes)
            .<CacheKey, Manifest>weigher((key, manifest) -> manifest.size())
            .build();
  }

  CompletableFuture<Manifest> get(
      UpstreamChoice upstream,
      RepositoryName repo,
      String reference,
      Optional<Digest> digest,
      List<String> accept) {
    if (digest.isPresent()) {
      Manifest cached = byDigest.getIfPresent(new CacheKey(upstream.host(), repo, digest.get()));
      if (cached != null) {
        return CompletableFuture.completedFuture(cached);
      }
    }
    CallKey key = new CallKey(upstream.host(), repo, reference, List.copyOf(accept));
    CompletableFuture<Manifest> call =
        coalesce(
            gets,
            key,
            () -> {
              try {
                return upstream.registry().getManifest(repo, reference, accept);
              } catch (RegistryException e) {
                throw UpstreamErrors.translate(
                    e,
                    Subject.MANIFEST,
                    "fetching manifest " + repo + ":" + reference,
                    upstream.describe());
              }
            });
    return call.thenApply(
        manifest -> {
          if (digest.isPresent()) {
            byDigest.put(new CacheKey(upstream.host(), repo, digest.get()), manifest);
          }
          return manifest;
        });
  }

  CompletableFuture<ManifestHead> head(
      UpstreamChoice upstream,
      RepositoryName repo,
      String reference,
      Optional<Digest> digest,
      List<String> accept) {
    if (digest.isPresent()) {
      Manifest cached = byDigest.getIfPresent(new CacheKey(upstream.host(), repo, digest.get()));
      if (cached != null) {
        return CompletableFuture.completedFuture(
            new ManifestHead(cached.mediaType(), cached.digest(), cached.size()));
      }
    }
    CallKey key = new CallKey(upstream.host(), repo, reference, List.copyOf(accept));
    return coalesce(
        heads,
        key,
        () -> {
          try {
            return upstream.registry().headManifest(repo, reference, accept);
          } catch (RegistryException e) {
            throw UpstreamErrors.translate(
                e,
                Subject.MANIFEST,
                "checking manifest " + repo + ":" + reference,
                upstream.describe());
          }
        });
  }

  /** Joins the call in flight for {@code key}, or starts one on the blocking executor. */
  private <T> CompletableFuture<T> coalesce(
      SingleFlight<CallKey, T> flights, CallKey key, Futures.Call<T> call) {
    return flights.run(
        key,
        k -> Futures.supply(call, blocking, "fetch manifest " + k.repo() + ":" + k.reference()));
  }
}
