package io.layerswarm.registry.image;

import io.layerswarm.core.Digest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** What {@link ManifestParser} reads from a manifest: an image manifest or an index. */
public sealed interface ParsedManifest {
  /** The media type the manifest was read as. */
  String mediaType();

  /**
   * An OCI image manifest or Docker schema 2 manifest: one config blob and the layers, in order.
   */
  record ImageManifest(String mediaType, Descriptor config, List<Descriptor> layers)
      implements ParsedManifest {
    public ImageManifest {
      Objects.requireNonNull(mediaType, "mediaType");
      Objects.requireNonNull(config, "config");
      layers = List.copyOf(layers);
    }

    /**
     * The blobs a pull fetches from the registry: the config, then every layer that is
     * distributable, without repeats.
     */
    public List<Descriptor> blobs() {
      List<Descriptor> blobs = new ArrayList<>(layers.size() + 1);
      List<Digest> seen = new ArrayList<>(layers.size() + 1);
      blobs.add(config);
      seen.add(config.digest());
      for (Descriptor layer : layers) {
        if (!MediaTypes.isNonDistributable(layer.mediaType()) && !seen.contains(layer.digest())) {
          blobs.add(layer);
          seen.add(layer.digest());
        }
      }
      return blobs;
    }
  }

  /** An OCI image index or Docker manifest list: child manifests, each usually for a platform. */
  record ImageIndex(String mediaType, List<Descriptor> manifests) implements ParsedManifest {
    public ImageIndex {
      Objects.requireNonNull(mediaType, "mediaType");
      manifests = List.copyOf(manifests);
    }

    /**
     * The child manifests for {@code platform}, or, when it is empty, all of them but those of the
     * {@code unknown/unknown} placeholder platform that Docker uses for attestations (a pull never
     * fetches those). An entry without a platform only matches when no platform is asked for.
     */
    public List<Descriptor> select(Optional<Platform> platform) {
      List<Descriptor> selected = new ArrayList<>();
      for (Descriptor manifest : manifests) {
        Optional<Platform> own = manifest.platform();
        boolean wanted =
            platform.isPresent()
                ? own.isPresent() && platform.get().accepts(own.get())
                : own.isEmpty() || !own.get().isUnknown();
        if (wanted) {
          selected.add(manifest);
        }
      }
      return selected;
    }
  }
}
