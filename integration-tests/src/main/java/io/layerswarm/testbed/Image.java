package io.layerswarm.testbed;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A synthetic single-platform image built by {@link ImageBuilder}. Closing it deletes the temp
 * files that back its large layers.
 *
 * @param format manifest flavour
 * @param manifest the manifest blob; its digest is what a registry reports for the pushed tag
 * @param config the image config blob
 * @param layers layers, base first
 * @param seed the random seed the content came from; building again with it gives identical digests
 * @param blobDir directory holding this image's file-backed blobs (deleted on close), or null if
 *     none
 */
public record Image(
    ManifestFormat format, Blob manifest, Blob config, List<Layer> layers, long seed, Path blobDir)
    implements AutoCloseable {

  public Image {
    layers = List.copyOf(layers);
  }

  public String manifestDigest() {
    return manifest.digest();
  }

  /** Config and layers: everything a registry must hold besides the manifest, in push order. */
  public List<Blob> blobs() {
    List<Blob> all = new ArrayList<>(layers.size() + 1);
    all.add(config);
    layers.forEach(l -> all.add(l.blob()));
    return all;
  }

  public List<String> layerDigests() {
    return layers.stream().map(Layer::digest).toList();
  }

  public List<String> diffIds() {
    return layers.stream().map(Layer::diffId).toList();
  }

  /** Sum of the compressed layer sizes: the bytes a full pull transfers for layers. */
  public long totalLayerBytes() {
    return layers.stream().mapToLong(Layer::size).sum();
  }

  public Optional<Blob> blob(String digest) {
    if (manifest.digest().equals(digest)) {
      return Optional.of(manifest);
    }
    return blobs().stream().filter(b -> b.digest().equals(digest)).findFirst();
  }

  @Override
  public void close() throws IOException {
    FileTrees.deleteRecursively(blobDir);
  }
}
