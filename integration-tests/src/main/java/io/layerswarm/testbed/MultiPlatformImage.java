package io.layerswarm.testbed;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A multi-platform image: an OCI image index or a Docker manifest list over single-platform {@link
 * Image}s, keyed by {@code os/architecture}. The images are pushed by digest, the index under the
 * tag, as {@code docker buildx} does.
 *
 * @param index the index blob; its digest is what the registry reports for the tag
 * @param images the images by platform, in index order
 */
public record MultiPlatformImage(Blob index, Map<String, Image> images) implements AutoCloseable {
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String DOCKER_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";
  private static final ObjectMapper JSON = new ObjectMapper();

  public MultiPlatformImage {
    images = Collections.unmodifiableMap(new LinkedHashMap<>(images));
  }

  /**
   * The index over {@code images} (by {@code os/architecture}); an OCI index when the images are
   * OCI, a Docker manifest list when they are Docker schema 2.
   */
  public static MultiPlatformImage of(Map<String, Image> images) throws IOException {
    ManifestFormat format = images.values().iterator().next().format();
    String mediaType = format == ManifestFormat.OCI ? OCI_INDEX : DOCKER_LIST;
    ObjectNode root = JSON.createObjectNode();
    root.put("schemaVersion", 2);
    root.put("mediaType", mediaType);
    ArrayNode manifests = root.putArray("manifests");
    for (Map.Entry<String, Image> e : images.entrySet()) {
      if (e.getValue().format() != format) {
        throw new IllegalArgumentException("every image of an index has the format " + format);
      }
      String[] platform = e.getKey().split("/", 2);
      Blob manifest = e.getValue().manifest();
      ObjectNode entry = manifests.addObject();
      entry.put("mediaType", manifest.mediaType());
      entry.put("digest", manifest.digest());
      entry.put("size", manifest.size());
      entry.putObject("platform").put("architecture", platform[1]).put("os", platform[0]);
    }
    return new MultiPlatformImage(Blob.ofBytes(mediaType, JSON.writeValueAsBytes(root)), images);
  }

  public String indexDigest() {
    return index.digest();
  }

  /** Pushes every image by digest, then the index under {@code tag}; returns the index digest. */
  public String push(RegistryPusher pusher, String repository, String tag)
      throws IOException, InterruptedException {
    for (Image image : images.values()) {
      pusher.push(image, repository, image.manifestDigest());
    }
    return pusher.pushManifest(repository, tag, index);
  }

  @Override
  public void close() throws IOException {
    for (Image image : images.values()) {
      image.close();
    }
  }
}
