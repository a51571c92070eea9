package io.layerswarm.agent.mirror;

/**
 * No tracker returned usable metainfo for a blob; the message lists each tracker's answer. The
 * fetch falls back to the origin, so clients do not see this error.
 */
public final class MetainfoUnavailableException extends MirrorException {
  private static final long serialVersionUID = 1L;

  public MetainfoUnavailableException(String message) {
    super(message);
  }
}
