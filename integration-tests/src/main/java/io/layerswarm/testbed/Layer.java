package io.layerswarm.testbed;

import java.util.Objects;

/**
 * A gzipped tar layer.
 *
 * @param blob the compressed blob as pushed to a registry
 * @param diffId sha256 of the uncompressed tar (what the image config's rootfs.diff_ids lists)
 * @param tarSize size of the uncompressed tar
 * @param payloadBytes bytes of file content inside the tar (random data, or the busybox binary and
 *     its files)
 */
public record Layer(Blob blob, String diffId, long tarSize, long payloadBytes) {

  public Layer {
    Objects.requireNonNull(blob, "blob");
    Digests.requireSha256(diffId);
  }

  public String digest() {
    return blob.digest();
  }

  public long size() {
    return blob.size();
  }
}
