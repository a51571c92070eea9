package io.layerswarm.agent.mirror;

/** The upstream has no such manifest (upstream 404). */
public final class ManifestNotFoundException extends MirrorException {
  private static final long serialVersionUID = 1L;

  ManifestNotFoundException(String message) {
    super(message);
  }

  ManifestNotFoundException(String message, Throwable cause) {
    super(message, cause);
  }
}
