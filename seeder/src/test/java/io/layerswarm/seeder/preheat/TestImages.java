package io.layerswarm.seeder.preheat;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.Manifest;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.registry.client.InMemoryUpstreamRegistry;
import io.layerswarm.registry.image.MediaTypes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Pushes images (blobs, manifests, indexes) into an in-memory upstream. */
final class TestImages {
  private TestImages() {}

  /** A pushed image manifest: its digest and the blobs a pull fetches, config first. */
  record Pushed(Digest manifest, List<Digest> blobs, long bytes) {}

  /** Pushes random layers of the given sizes plus a config, and a manifest naming them. */
  static Pushed image(
      InMemoryUpstreamRegistry upstream,
      RepositoryName repo,
      String tag,
      String seed,
      int... layerSizes) {
    return image(upstream, repo, tag, seed, List.of(), layerSizes);
  }

  /** As above, with extra layers already pushed (shared between images). */
  static Pushed image(
      InMemoryUpstreamRegistry upstream,
      RepositoryName repo,
      String tag,
      String seed,
      List<Digest> sharedLayers,
      int... layerSizes) {
    byte[] config = ("{\"architecture\":\"" + seed + "\"}").getBytes(StandardCharsets.UTF_8);
    Digest configDigest = upstream.putBlob(repo, config);
    List<Digest> blobs = new ArrayList<>();
    blobs.add(configDigest);
    long bytes = config.length;
    StringBuilder layers = new StringBuilder();
    List<Digest> all = new ArrayList<>(sharedLayers);
    List<Long> sizes = new ArrayList<>();
    for (Digest shared : sharedLayers) {
      sizes.add(-1L);
    }
    for (int i = 0; i < layerSizes.length; i++) {
      byte[] layer = bytes(layerSizes[i], seed + i);
      all.add(upstream.putBlob(repo, layer));
      sizes.add((long) layer.length);
    }
    for (int i = 0; i < all.size(); i++) {
      long size = sizes.get(i) >= 0 ? sizes.get(i) : SHARED_SIZE;
      if (layers.length() > 0) {
        layers.append(',');
      }
      layers
          .append("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"size\":")
          .append(size)
          .append(",\"digest\":\"")
          .append(all.get(i))
          .append("\"}");
      if (!blobs.contains(all.get(i))) {
        blobs.add(all.get(i));
        bytes += size;
      }
    }
    String json =
        "{\"schemaVersion\":2,\"mediaType\":\""
            + MediaTypes.OCI_MANIFEST
            + "\","
            + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"size\":"
            + config.length
            + ",\"digest\":\""
            + configDigest
            + "\"},\"layers\":["
            + layers
            + "]}";
    Manifest manifest = manifest(json, MediaTypes.OCI_MANIFEST);
    upstream.putManifest(repo, tag, manifest);
    return new Pushed(manifest.digest(), blobs, bytes);
  }

  /** The size given to shared layers in manifests (they are made by {@link #sharedLayer}). */
  static final int SHARED_SIZE = 3000;

  static Digest sharedLayer(InMemoryUpstreamRegistry upstream, RepositoryName repo) {
    return upstream.putBlob(repo, bytes(SHARED_SIZE, "shared"));
  }

  /** Pushes an OCI index over the given manifests with their platforms ("linux/amd64", ...). */
  static Digest index(
      InMemoryUpstreamRegistry upstream,
      RepositoryName repo,
      String tag,
      List<Pushed> manifests,
      List<String> platforms) {
    StringBuilder entries = new StringBuilder();
    for (int i = 0; i < manifests.size(); i++) {
      String[] platform = platforms.get(i).split("/");
      if (i > 0) {
        entries.append(',');
      }
      entries
          .append("{\"mediaType\":\"")
          .append(MediaTypes.OCI_MANIFEST)
          .append("\",\"size\":1,")
          .append("\"digest\":\"")
          .append(manifests.get(i).manifest())
          .append("\",")
          .append("\"platform\":{\"os\":\"")
          .append(platform[0])
          .append("\",\"architecture\":\"")
          .append(platform[1])
          .append('"')
          .append(platform.length > 2 ? ",\"variant\":\"" + platform[2] + "\"" : "")
          .append("}}");
    }
    Manifest index =
        manifest(
            "{\"schemaVersion\":2,\"mediaType\":\""
                + MediaTypes.OCI_INDEX
                + "\",\"manifests\":["
                + entries
                + "]}",
            MediaTypes.OCI_INDEX);
    upstream.putManifest(repo, tag, index);
    return index.digest();
  }

  static Manifest manifest(String json, String mediaType) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    return new Manifest(bytes, mediaType, Digest.sha256(bytes));
  }

  static byte[] bytes(int length, String seed) {
    byte[] bytes = new byte[length];
    new java.util.Random(seed.hashCode()).nextBytes(bytes);
    return bytes;
  }
}
