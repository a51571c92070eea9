package io.layerswarm.tracker.announce;

/**
 * A bencoded tracker response body. A {@linkplain #failure() failure} carries BEP 3's
 * {@code failure reason} and is still sent with HTTP 200, which is what BitTorrent clients expect.
 */
public final class TrackerReply {
  private final byte[] body;
  private final boolean failure;

  TrackerReply(byte[] body, boolean failure) {
    this.body = body.clone();
    this.failure = failure;
  }

  /** The bencoded body; a fresh copy. */
  public byte[] body() {
    return body.clone();
  }

  public boolean failure() {
    return failure;
  }
}
