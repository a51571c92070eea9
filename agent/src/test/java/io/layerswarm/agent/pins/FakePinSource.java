package io.layerswarm.agent.pins;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.Manifest;
import io.layerswarm.registry.image.ImageReference;
import io.layerswarm.registry.image.MediaTypes;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** Manifests by reference and a store of digests, in memory; fetches complete at once. */
final class FakePinSource implements PinSource {
  final Map<String, Manifest> manifests = new HashMap<>();
  final Set<Digest> store = new HashSet<>();
  final Map<Digest, CompletableFuture<Void>> fetches = new LinkedHashMap<>();
  final Set<Digest> failing = new HashSet<>();

  static Digest blob(String name) {
    return Digest.sha256(name.getBytes(StandardCharsets.UTF_8));
  }

  /** Publishes an image manifest of a config and layers (each of {@code size} bytes). */
  Manifest image(String reference, String config, List<String> layers, long size) {
    StringBuilder json =
        new StringBuilder(
            "{\"schemaVersion\":2,\"mediaType\":\""
                + MediaTypes.OCI_MANIFEST
                + "\",\"config\":"
                + descriptor("application/vnd.oci.image.config.v1+json", blob(config), size)
                + ",\"layers\":[");
    for (int i = 0; i < layers.size(); i++) {
      json.append(i == 0 ? "" : ",")
          .append(
              descriptor("application/vnd.oci.image.layer.v1.tar+gzip", blob(layers.get(i)), size));
    }
    json.append("]}");
    return publish(reference, json.toString(), MediaTypes.OCI_MANIFEST);
  }

  /** Publishes an index of {@code children} for {@code platforms} ("linux/amd64", ...). */
  Manifest index(String reference, List<Manifest> children, List<String> platforms) {
    StringBuilder json =
        new StringBuilder(
            "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":[");
    for (int i = 0; i < children.size(); i++) {
      String[] p = platforms.get(i).split("/");
      Manifest child = children.get(i);
      json.append(i == 0 ? "" : ",")
          .append("{\"mediaType\":\"")
          .append(child.mediaType())
          .append("\",\"digest\":\"")
          .append(child.digest())
          .append("\",\"size\":")
          .append(child.size())
          .append(",\"platform\":{\"os\":\"")
          .append(p[0])
          .append("\",\"architecture\":\"")
          .append(p[1])
          .append("\"}}");
    }
    json.append("]}");
    return publish(reference, json.toString(), MediaTypes.OCI_INDEX);
  }

  private Manifest publish(String reference, String json, String mediaType) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    Manifest manifest = new Manifest(bytes, mediaType, Digest.sha256(bytes));
    manifests.put(reference, manifest);
    manifests.put(manifest.digest().toString(), manifest);
    return manifest;
  }

  private static String descriptor(String mediaType, Digest digest, long size) {
    return "{\"mediaType\":\""
        + mediaType
        + "\",\"digest\":\""
        + digest
        + "\",\"size\":"
        + size
        + "}";
  }

  @Override
  public CompletableFuture<Manifest> manifest(ImageReference image, String reference) {
    Manifest manifest = manifests.get(reference);
    return manifest == null
        ? CompletableFuture.failedFuture(
            new IllegalStateException("manifest unknown: " + image.repository() + ":" + reference))
        : CompletableFuture.completedFuture(manifest);
  }

  @Override
  public boolean isLocal(Digest digest) {
    return store.contains(digest);
  }

  @Override
  public CompletableFuture<Void> cache(ImageReference image, Digest digest) {
    CompletableFuture<Void> fetch = new CompletableFuture<>();
    fetches.put(digest, fetch);
    if (failing.contains(digest)) {
      fetch.completeExceptionally(new IllegalStateException("origin answered 500 for " + digest));
    } else {
      store.add(digest);
      fetch.complete(null);
    }
    return fetch;
  }
}
