package io.layerswarm.tracker.announce;

/**
 * A bencoded tracker response body. A {@linkplain #failure() failure} carries BEP 3's {@code
 * failure reason} and is still sent with HTTP 200, which is what BitTorrent clients expect. A
 * failure is either the client's fault (a bad or refused request) or {@linkplain #unavailable() the
 * tracker's} (its peer store is down, or it is too busy); a client with several trackers moves on
 * to the next one either way.
 */
public final class TrackerReply {
  private final byte[] body;
  private final boolean failure;
  private final boolean unavailable;

  TrackerReply(byte[] body, boolean failure, boolean unavailable) {
    this.body = body.clone();
    this.failure = failure;
    this.unavailable = unavailable;
  }

  /** A refusal of the client's request, e.g. a bad parameter. */
  public static TrackerReply failure(String reason) {
    return ReplyEncoder.failure(reason);
  }

  /** A failure that is the tracker's, e.g. too busy; the client should retry, maybe elsewhere. */
  public static TrackerReply unavailable(String reason) {
    return ReplyEncoder.unavailable(reason);
  }

  /** The bencoded body; a fresh copy. */
  public byte[] body() {
    return body.clone();
  }

  public boolean failure() {
    return failure;
  }

  /** True for a failure caused by the tracker, not by the request. */
  public boolean unavailable() {
    return unavailable;
  }
}
