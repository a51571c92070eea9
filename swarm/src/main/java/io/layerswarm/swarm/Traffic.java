package io.layerswarm.swarm;

/**
 * Piece payload a torrent, or an engine, moved over the peer wire. Received payload splits in two:
 * {@code downloadedBytes}, the blocks the download needed, and {@code duplicateBytes}, those it did
 * not (a block that arrived twice in the endgame, or after its request was withdrawn); their sum is
 * all payload received.
 *
 * @param uploadedBytes sent to peers
 * @param downloadedBytes received from peers and needed
 * @param duplicateBytes received from peers and not needed
 */
public record Traffic(long uploadedBytes, long downloadedBytes, long duplicateBytes) {
  public static final Traffic ZERO = new Traffic(0, 0, 0);

  public Traffic {
    if (uploadedBytes < 0 || downloadedBytes < 0 || duplicateBytes < 0) {
      throw new IllegalArgumentException(
          "byte counts must be >= 0: "
              + uploadedBytes
              + ", "
              + downloadedBytes
              + ", "
              + duplicateBytes);
    }
  }

  public Traffic plus(Traffic other) {
    return new Traffic(
        uploadedBytes + other.uploadedBytes,
        downloadedBytes + other.downloadedBytes,
        duplicateBytes + other.duplicateBytes);
  }
}
