package io.layerswarm.tracker.auth;

import java.util.Optional;

/**
 * Decides whether a request path reaches an endpoint when a cluster passkey may be configured.
 * Without a passkey only the plain path ({@code /announce}) is served. With one, only {@code
 * /<passkey>/announce} is: the plain path is refused with a failure reason, and so is a wrong
 * passkey. Pure; thread-safe.
 */
public final class PasskeyGate {
  /** What a path means for one endpoint. */
  public enum Verdict {
    /** Not a path of this endpoint: pass the request on (it ends as a 404). */
    NOT_THIS_ENDPOINT,
    /** Served. */
    ALLOWED,
    /** The plain path on a tracker that requires a passkey. */
    MISSING,
    /** A passkey segment that is not the tracker's passkey. */
    WRONG
  }

  public static final String MISSING_REASON = "this tracker requires a passkey";
  public static final String WRONG_REASON = "invalid passkey";

  private final Optional<Passkey> passkey;

  public PasskeyGate(Optional<Passkey> passkey) {
    this.passkey = passkey;
  }

  /**
   * @param endpoint the plain path, e.g. {@code /announce}
   */
  public Verdict check(String path, String endpoint) {
    if (path.equals(endpoint)) {
      return passkey.isPresent() ? Verdict.MISSING : Verdict.ALLOWED;
    }
    if (passkey.isEmpty() || !path.endsWith(endpoint)) {
      return Verdict.NOT_THIS_ENDPOINT;
    }
    String segment = path.substring(0, path.length() - endpoint.length());
    if (segment.length() < 2 || segment.charAt(0) != '/' || segment.indexOf('/', 1) >= 0) {
      return Verdict.NOT_THIS_ENDPOINT;
    }
    return passkey.get().matches(segment.substring(1)) ? Verdict.ALLOWED : Verdict.WRONG;
  }

  /**
   * For endpoints that stay open to everyone (metainfo): {@code path} without a leading {@code
   * /<passkey>} segment when that segment is the passkey, else {@code path} itself. Lets clients
   * that put the passkey into their tracker base URL reach them too.
   */
  public String stripPasskey(String path) {
    if (passkey.isEmpty() || path.length() < 2) {
      return path;
    }
    int end = path.indexOf('/', 1);
    if (end < 0 || !passkey.get().matches(path.substring(1, end))) {
      return path;
    }
    return path.substring(end);
  }
}
