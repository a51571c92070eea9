package io.layerswarm.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * JSON for the fuzz targets of registry documents (manifests, notifications): documents as trees
 * for {@link io.layerswarm.testing.fuzz.TreeMutations}, their encoding, and the leaves and tokens
 * that make a JSON document wrong in type or value while it stays JSON.
 */
public final class FuzzJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A digest that parses. */
  public static final String DIGEST = "sha256:" + "ab".repeat(32);

  /** JSON values of every type, boundary numbers, and strings near the grammar of digests. */
  public static final List<Object> LEAVES =
      Arrays.asList(
          null,
          true,
          0,
          -1,
          1.5,
          Long.MAX_VALUE,
          new BigInteger("18446744073709551616"),
          Double.NaN,
          "",
          " ",
          DIGEST,
          "sha256:" + "ab".repeat(31),
          "sha256:" + "AB".repeat(32),
          "sha512:" + "ab".repeat(64),
          "sha256:",
          "library/app",
          "Library/App",
          "a".repeat(300),
          "../x",
          "linux",
          "amd64",
          "unknown",
          "application/vnd.oci.image.manifest.v1+json",
          "application/vnd.oci.image.index.v1+json",
          "application/vnd.docker.distribution.manifest.v2+json",
          "application/vnd.docker.distribution.manifest.list.v2+json",
          "application/vnd.docker.distribution.manifest.v1+prettyjws",
          "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
          "push",
          "http://127.0.0.1:5000/v2/app/manifests/" + DIGEST,
          "http://[::1/x",
          "127.0.0.1:5000",
          "\u0000\n\"\\",
          List.of(),
          Map.of());

  /** Tokens of the JSON grammar, for byte edits. */
  public static final List<String> TOKENS =
      List.of(
          "{",
          "}",
          "[",
          "]",
          ",",
          ":",
          "\"",
          "\\",
          "\\u0000",
          "\\ud800",
          "null",
          "true",
          "-0",
          "1e999",
          "18446744073709551616",
          "[".repeat(1200),
          "\"sha256:",
          "\u00e9",
          "\uffff");

  private FuzzJson() {}

  /** The document as JSON bytes. */
  public static byte[] bytes(Object tree) {
    try {
      return JSON.writeValueAsBytes(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("maps, lists and JSON leaves always serialize", e);
    }
  }

  /** JSON texts as trees (maps, lists, leaves). */
  public static List<Object> trees(List<String> documents) {
    List<Object> trees = new ArrayList<>();
    for (String document : documents) {
      try {
        trees.add(JSON.readValue(document, new TypeReference<Object>() {}));
      } catch (JsonProcessingException e) {
        throw new UncheckedIOException("a seed is not JSON: " + document, e);
      }
    }
    return trees;
  }

  /** JSON texts as UTF-8 bytes. */
  public static List<byte[]> utf8(List<String> documents) {
    return documents.stream().map(d -> d.getBytes(StandardCharsets.UTF_8)).toList();
  }
}
