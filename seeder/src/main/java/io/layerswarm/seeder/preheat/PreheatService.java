package io.layerswarm.seeder.preheat;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.Manifest;
import io.layerswarm.registry.RegistryHost;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.registry.client.RegistryException;
import io.layerswarm.registry.client.UpstreamRegistry;
import io.layerswarm.registry.client.Upstreams;
import io.layerswarm.registry.image.Descriptor;
import io.layerswarm.registry.image.ImageReference;
import io.layerswarm.registry.image.ManifestFormatException;
import io.layerswarm.registry.image.ManifestParser;
import io.layerswarm.registry.image.ParsedManifest;
import io.layerswarm.registry.image.Platform;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Preheats images: resolves each reference on its upstream (tags are resolved now, so a preheat
 * warms what the tag names at this moment), reads the manifest, follows an OCI index or Docker
 * manifest list to the selected platforms (all of them, or one), and has every config and layer
 * blob warmed by the {@link BlobWarmer}, several at a time on the blob executor.
 *
 * <p>Progress per image: {@code resolved} (with the blob count and total bytes), then per blob
 * {@code fetching} and {@code done} or {@code error}, then {@code complete} or {@code failed}. An
 * image whose manifest cannot be found or read fails without touching any blob.
 *
 * <p>Thread-safe. {@link #preheat} blocks its caller until every blob of every image has an answer;
 * it must not run on the blob executor itself.
 */
public final class PreheatService {
  private static final Logger log = LoggerFactory.getLogger(PreheatService.class);

  /** An index may list indexes; real ones don't nest deeper than this. */
  private static final int MAX_INDEX_DEPTH = 2;

  private final Upstreams upstreams;
  private final BlobWarmer warmer;
  private final Executor blobs;
  private final Consumer<PreheatEvent> observer;

  /**
   * @param blobs runs the blob warm-ups (blocking); its size bounds the parallel fetches
   * @param observer sees every event of every preheat (for metrics); must not block
   */
  public PreheatService(
      Upstreams upstreams, BlobWarmer warmer, Executor blobs, Consumer<PreheatEvent> observer) {
    this.upstreams = Objects.requireNonNull(upstreams, "upstreams");
    this.warmer = Objects.requireNonNull(warmer, "warmer");
    this.blobs = Objects.requireNonNull(blobs, "blobs");
    this.observer = Objects.requireNonNull(observer, "observer");
  }

  /**
   * Parses every reference first, so that a typo fails the whole request before any work.
   *
   * @throws IllegalArgumentException naming the first bad reference
   */
  public static List<ImageReference> parse(List<String> images) {
    if (images.isEmpty()) {
      throw new IllegalArgumentException("no images to preheat");
    }
    List<ImageReference> parsed = new ArrayList<>(images.size());
    for (String image : images) {
      parsed.add(ImageReference.parse(image));
    }
    return parsed;
  }

  /**
   * Preheats the images one after the other, their blobs in parallel.
   *
   * @param images as requested (the progress names them this way)
   * @return true when every image completed
   * @throws IllegalArgumentException when a reference does not parse (before any work)
   */
  public boolean preheat(
      List<String> images, Optional<Platform> platform, PreheatListener listener) {
    List<ImageReference> references = parse(images);
    PreheatListener serialized = serialized(listener);
    boolean all = true;
    for (int i = 0; i < images.size(); i++) {
      if (serialized.cancelled()) {
        return false;
      }
      all &= preheat(images.get(i), references.get(i), platform, serialized);
    }
    return all;
  }

  /**
   * Preheats one image.
   *
   * @param label the name progress events carry
   * @return true when every blob is held
   */
  public boolean preheat(
      String label, ImageReference image, Optional<Platform> platform, PreheatListener listener) {
    PreheatListener serialized = serialized(listener);
    ImageReference resolved = image.withDefaultRegistry(RegistryHost.of(upstreams.defaultHost()));
    RegistryHost registry = resolved.registry().orElseThrow();
    Optional<UpstreamRegistry> upstream = upstreams.forHost(registry.value());
    if (upstream.isEmpty()) {
      emit(
          serialized,
          new PreheatEvent(
              label,
              Optional.empty(),
              0,
              0,
              PreheatEvent.State.FAILED,
              "unknown upstream registry " + registry + "; configured: " + upstreams.hosts()));
      return false;
    }
    Resolution resolution;
    try {
      resolution = resolve(upstream.get(), resolved, platform);
    } catch (ResolveException e) {
      log.info("preheat {}: {}", label, e.getMessage());
      emit(
          serialized,
          new PreheatEvent(label, e.manifest, 0, 0, PreheatEvent.State.FAILED, e.getMessage()));
      return false;
    }
    long total = 0;
    for (Descriptor blob : resolution.blobs()) {
      total += blob.size();
    }
    emit(
        serialized,
        new PreheatEvent(
            label,
            Optional.of(resolution.manifest()),
            0,
            total,
            PreheatEvent.State.RESOLVED,
            resolution.blobs().size()
                + " blobs"
                + (resolution.platforms().isEmpty() ? "" : " for " + resolution.platforms())));
    return warmAll(label, registry, resolved.repository(), resolution, total, serialized);
  }

  private boolean warmAll(
      String label,
      RegistryHost registry,
      RepositoryName repo,
      Resolution resolution,
      long total,
      PreheatListener listener) {
    AtomicLong done = new AtomicLong();
    List<CompletableFuture<Boolean>> results = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    for (Descriptor blob : resolution.blobs()) {
      if (listener.cancelled()) {
        synchronized (failures) {
          failures.add(blob.digest() + ": cancelled");
        }
        continue;
      }
      CompletableFuture<Boolean> result = new CompletableFuture<>();
      results.add(result);
      Runnable task =
          () -> {
            try {
              result.complete(warmOne(label, registry, repo, blob, done, failures, listener));
            } catch (RuntimeException | Error e) {
              result.completeExceptionally(e);
            }
          };
      try {
        blobs.execute(task);
      } catch (RejectedExecutionException e) {
        String message = "the seeder is shutting down";
        synchronized (failures) {
          failures.add(blob.digest() + ": " + message);
        }
        emit(
            listener,
            new PreheatEvent(
                label,
                Optional.of(blob.digest()),
                0,
                blob.size(),
                PreheatEvent.State.ERROR,
                message));
        result.complete(false);
      }
    }
    for (CompletableFuture<Boolean> result : results) {
      try {
        result.join();
      } catch (RuntimeException e) {
        log.error("preheat {}: a blob task failed unexpectedly", label, e);
        synchronized (failures) {
          failures.add("internal error: " + e);
        }
      }
    }
    if (failures.isEmpty()) {
      emit(
          listener,
          new PreheatEvent(
              label,
              Optional.of(resolution.manifest()),
              done.get(),
              total,
              PreheatEvent.State.COMPLETE,
              resolution.blobs().size() + " blobs held"));
      return true;
    }
    String message;
    synchronized (failures) {
      message =
          failures.size()
              + " of "
              + resolution.blobs().size()
              + " blobs failed: "
              + String.join("; ", failures);
    }
    emit(
        listener,
        new PreheatEvent(
            label,
            Optional.of(resolution.manifest()),
            done.get(),
            total,
            PreheatEvent.State.FAILED,
            message));
    return false;
  }

  /** Runs on the blob executor. */
  private boolean warmOne(
      String label,
      RegistryHost registry,
      RepositoryName repo,
      Descriptor blob,
      AtomicLong done,
      List<String> failures,
      PreheatListener listener) {
    Optional<Digest> digest = Optional.of(blob.digest());
    emit(
        listener,
        new PreheatEvent(
            label,
            digest,
            0,
            blob.size(),
            PreheatEvent.State.FETCHING,
            "from " + registry + "/" + repo));
    try {
      String where = warmer.warm(blob.digest(), registry, repo);
      done.addAndGet(blob.size());
      emit(
          listener,
          new PreheatEvent(
              label, digest, blob.size(), blob.size(), PreheatEvent.State.DONE, where));
      return true;
    } catch (PreheatException e) {
      synchronized (failures) {
        failures.add(blob.digest() + ": " + e.getMessage());
      }
      emit(
          listener,
          new PreheatEvent(
              label, digest, 0, blob.size(), PreheatEvent.State.ERROR, e.getMessage()));
      return false;
    }
  }

  /** The manifest digest, the blobs to warm (config and layers, no repeats), the platforms. */
  private record Resolution(Digest manifest, List<Descriptor> blobs, List<String> platforms) {}

  private static final class ResolveException extends Exception {
    private static final long serialVersionUID = 1L;
    final Optional<Digest> manifest;

    ResolveException(String message, Optional<Digest> manifest, Throwable cause) {
      super(message, cause);
      this.manifest = manifest;
    }
  }

  private Resolution resolve(
      UpstreamRegistry upstream, ImageReference image, Optional<Platform> platform)
      throws ResolveException {
    RepositoryName repo = image.repository();
    Manifest top = fetch(upstream, image, repo, image.reference(), Optional.empty());
    Map<Digest, Descriptor> blobs = new LinkedHashMap<>();
    Set<String> platforms = new LinkedHashSet<>();
    collect(upstream, image, repo, top, platform, 0, blobs, platforms, Optional.empty());
    return new Resolution(top.digest(), List.copyOf(blobs.values()), List.copyOf(platforms));
  }

  private void collect(
      UpstreamRegistry upstream,
      ImageReference image,
      RepositoryName repo,
      Manifest manifest,
      Optional<Platform> platform,
      int depth,
      Map<Digest, Descriptor> blobs,
      Set<String> platforms,
      Optional<Platform> selectedAs)
      throws ResolveException {
    ParsedManifest parsed;
    try {
      parsed = ManifestParser.parse(manifest);
    } catch (ManifestFormatException e) {
      throw new ResolveException(
          "cannot preheat " + image + ": " + e.getMessage(), Optional.of(manifest.digest()), e);
    }
    if (parsed instanceof ParsedManifest.ImageManifest single) {
      for (Descriptor blob : single.blobs()) {
        blobs.putIfAbsent(blob.digest(), blob);
      }
      selectedAs.ifPresent(p -> platforms.add(p.toString()));
      return;
    }
    ParsedManifest.ImageIndex index = (ParsedManifest.ImageIndex) parsed;
    if (depth >= MAX_INDEX_DEPTH) {
      throw new ResolveException(
          "cannot preheat " + image + ": indexes nested deeper than " + MAX_INDEX_DEPTH,
          Optional.of(manifest.digest()),
          null);
    }
    List<Descriptor> children = index.select(platform);
    if (children.isEmpty()) {
      List<String> offered = new ArrayList<>();
      for (Descriptor child : index.manifests()) {
        child.platform().ifPresent(p -> offered.add(p.toString()));
      }
      throw new ResolveException(
          "cannot preheat "
              + image
              + ": its index has no manifest for "
              + platform.map(Platform::toString).orElse("any platform")
              + " (it has "
              + offered
              + ")",
          Optional.of(manifest.digest()),
          null);
    }
    for (Descriptor child : children) {
      Manifest childManifest =
          fetch(upstream, image, repo, child.digest().toString(), Optional.of(manifest.digest()));
      collect(
          upstream,
          image,
          repo,
          childManifest,
          platform,
          depth + 1,
          blobs,
          platforms,
          child.platform());
    }
  }

  private static Manifest fetch(
      UpstreamRegistry upstream,
      ImageReference image,
      RepositoryName repo,
      String reference,
      Optional<Digest> parent)
      throws ResolveException {
    try {
      return upstream.getManifest(repo, reference, UpstreamRegistry.DEFAULT_ACCEPT);
    } catch (RegistryException e) {
      throw new ResolveException("cannot preheat " + image + ": " + e.getMessage(), parent, e);
    }
  }

  private void emit(PreheatListener listener, PreheatEvent event) {
    try {
      observer.accept(event);
    } catch (RuntimeException e) {
      log.warn("preheat observer failed", e);
    }
    listener.progress(event);
  }

  /** Calls {@code listener} under a lock, so blob threads never call it at once. */
  private static PreheatListener serialized(PreheatListener listener) {
    if (listener instanceof Serialized) {
      return listener;
    }
    return new Serialized(listener);
  }

  private static final class Serialized implements PreheatListener {
    private final PreheatListener delegate;

    Serialized(PreheatListener delegate) {
      this.delegate = delegate;
    }

    @Override
    public synchronized void progress(PreheatEvent event) {
      delegate.progress(event);
    }

    @Override
    public boolean cancelled() {
      return delegate.cancelled();
    }
  }
}
