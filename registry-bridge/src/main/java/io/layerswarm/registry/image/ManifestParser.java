package io.layerswarm.registry.image;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.layerswarm.core.Digest;
import io.layerswarm.registry.Manifest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the descriptors out of a manifest: an OCI image manifest or Docker schema 2 manifest gives
 * its config and layers, an OCI image index or Docker manifest list gives its child manifests with
 * their platforms. Unknown fields are ignored (the specs allow extensions); the fields we use must
 * have the right type and value. Docker schema 1 is refused: it has no config blob and registries
 * convert it on request anyway ({@link
 * io.layerswarm.registry.client.UpstreamRegistry#DEFAULT_ACCEPT}).
 *
 * <p>Specs: OCI image spec {@code manifest.md}, {@code image-index.md}, {@code descriptor.md};
 * Docker Image Manifest V2, Schema 2. Stateless and thread-safe.
 */
public final class ManifestParser {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ManifestParser() {}

  /** Parses a manifest as the registry returned it; errors name its digest. */
  public static ParsedManifest parse(Manifest manifest) throws ManifestFormatException {
    return parse(manifest.bytes(), manifest.mediaType(), "manifest " + manifest.digest());
  }

  /**
   * Parses manifest bytes.
   *
   * @param declaredMediaType the {@code Content-Type} the registry sent, or null; the JSON's own
   *     {@code mediaType} field wins when it names a type we know
   * @param what names the manifest in error messages, for example {@code manifest sha256:...}
   */
  public static ParsedManifest parse(byte[] bytes, String declaredMediaType, String what)
      throws ManifestFormatException {
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new ManifestFormatException(
          "read " + what + ": not JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new ManifestFormatException("read " + what + ": " + e, e);
    }
    if (root == null || !root.isObject()) {
      throw new ManifestFormatException("read " + what + ": not a JSON object");
    }
    JsonNode schemaVersion = root.get("schemaVersion");
    String field = optionalText(root, "mediaType", what).orElse("");
    if (MediaTypes.isSchema1(field)
        || MediaTypes.isSchema1(declaredMediaType)
        || (schemaVersion != null && schemaVersion.isInt() && schemaVersion.intValue() == 1)) {
      throw new ManifestFormatException(
          "read "
              + what
              + ": Docker schema 1 manifests are not"
              + " supported; push the image again with a current client");
    }
    if (schemaVersion != null && !(schemaVersion.isInt() && schemaVersion.intValue() == 2)) {
      throw new ManifestFormatException(
          "read "
              + what
              + ": schemaVersion must be 2, not "
              + abbreviate(schemaVersion.toString()));
    }
    String mediaType = kind(root, field, declaredMediaType, what);
    if (MediaTypes.isIndex(mediaType)) {
      return new ParsedManifest.ImageIndex(mediaType, index(root, what));
    }
    Descriptor config = descriptor(require(root, "config", what), what + " config", false);
    List<Descriptor> layers = new ArrayList<>();
    JsonNode layerArray = root.get("layers");
    if (layerArray != null && !layerArray.isNull()) {
      if (!layerArray.isArray()) {
        throw new ManifestFormatException("read " + what + ": layers must be an array");
      }
      for (int i = 0; i < layerArray.size(); i++) {
        layers.add(descriptor(layerArray.get(i), what + " layers[" + i + "]", false));
      }
    }
    return new ParsedManifest.ImageManifest(mediaType, config, layers);
  }

  /** The media type to read the manifest as: the JSON field, the header, then the shape. */
  private static String kind(JsonNode root, String field, String declared, String what)
      throws ManifestFormatException {
    if (MediaTypes.isManifestOrIndex(field)) {
      return MediaTypes.bare(field);
    }
    if (MediaTypes.isManifestOrIndex(declared)) {
      return MediaTypes.bare(declared);
    }
    // The OCI formats may leave mediaType out; their shape tells them apart.
    if (root.has("manifests")) {
      return MediaTypes.OCI_INDEX;
    }
    if (root.has("config")) {
      return MediaTypes.OCI_MANIFEST;
    }
    throw new ManifestFormatException(
        "read "
            + what
            + ": neither an image manifest nor an index"
            + " (media type "
            + abbreviate(field.isEmpty() ? String.valueOf(declared) : field)
            + ")");
  }

  private static List<Descriptor> index(JsonNode root, String what) throws ManifestFormatException {
    JsonNode manifests = require(root, "manifests", what);
    if (!manifests.isArray()) {
      throw new ManifestFormatException("read " + what + ": manifests must be an array");
    }
    List<Descriptor> children = new ArrayList<>(manifests.size());
    for (int i = 0; i < manifests.size(); i++) {
      children.add(descriptor(manifests.get(i), what + " manifests[" + i + "]", true));
    }
    return children;
  }

  private static Descriptor descriptor(JsonNode node, String where, boolean withPlatform)
      throws ManifestFormatException {
    if (node == null || !node.isObject()) {
      throw new ManifestFormatException("read " + where + ": not a descriptor object");
    }
    String mediaType = optionalText(node, "mediaType", where).orElse("");
    String digestText =
        optionalText(node, "digest", where)
            .orElseThrow(
                () -> new ManifestFormatException("read " + where + ": digest is missing"));
    Digest digest;
    try {
      digest = Digest.parse(digestText);
    } catch (IllegalArgumentException e) {
      throw new ManifestFormatException(
          "read " + where + ": digest " + abbreviate(digestText) + ": " + e.getMessage(), e);
    }
    JsonNode size = node.get("size");
    if (size == null
        || !size.canConvertToLong()
        || !size.isIntegralNumber()
        || size.longValue() < 0) {
      throw new ManifestFormatException(
          "read "
              + where
              + ": size must be a non-negative integer, not "
              + (size == null ? "missing" : abbreviate(size.toString())));
    }
    Optional<Platform> platform = Optional.empty();
    JsonNode platformNode = node.get("platform");
    if (withPlatform && platformNode != null && !platformNode.isNull()) {
      platform = Optional.of(platform(platformNode, where));
    }
    return new Descriptor(mediaType, digest, size.longValue(), platform);
  }

  private static Platform platform(JsonNode node, String where) throws ManifestFormatException {
    if (!node.isObject()) {
      throw new ManifestFormatException("read " + where + ": platform must be an object");
    }
    String os = optionalText(node, "os", where + " platform").orElse("");
    String architecture = optionalText(node, "architecture", where + " platform").orElse("");
    Optional<String> variant =
        optionalText(node, "variant", where + " platform").filter(v -> !v.isEmpty());
    try {
      return new Platform(os, architecture, variant);
    } catch (IllegalArgumentException e) {
      throw new ManifestFormatException("read " + where + ": " + e.getMessage(), e);
    }
  }

  private static JsonNode require(JsonNode node, String name, String where)
      throws ManifestFormatException {
    JsonNode value = node.get(name);
    if (value == null || value.isNull()) {
      throw new ManifestFormatException("read " + where + ": " + name + " is missing");
    }
    return value;
  }

  private static Optional<String> optionalText(JsonNode node, String name, String where)
      throws ManifestFormatException {
    JsonNode value = node.get(name);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isTextual()) {
      throw new ManifestFormatException("read " + where + ": " + name + " must be a string");
    }
    return Optional.of(value.textValue());
  }

  private static String abbreviate(String text) {
    return text.length() <= 80 ? text : text.substring(0, 80) + "...";
  }
}
