package io.layerswarm.agent.mirror;

import java.io.IOException;

/**
 * A {@link LiveBlob} stream cannot go on: the transfer failed (for example the blob did not match
 * its digest) or the bytes could not be read. The response must be aborted: the client never gets
 * the last bytes, so it sees a short body and retries. {@link #reason()} says why, with the
 * mirror's meaning, for an answer when nothing was sent yet.
 */
public final class BlobReadException extends IOException {
  private static final long serialVersionUID = 1L;

  BlobReadException(MirrorException reason) {
    super(reason.getMessage(), reason);
  }

  public MirrorException reason() {
    return (MirrorException) getCause();
  }
}
