package io.layerswarm.agent.mirror;

import io.layerswarm.core.Digest;

/**
 * What a blob GET answers with: the verified blob from the store ({@link OpenBlob}, sent
 * zero-copy), or a blob still arriving ({@link LiveBlob}, streamed while it is fetched). The owner
 * must close it, or hand it on.
 */
public sealed interface BlobBody permits OpenBlob, LiveBlob {
  Digest digest();

  /** Size of the whole blob in bytes. */
  long size();

  /** Gives the body up without sending it. Idempotent; never throws. */
  void discard();
}
