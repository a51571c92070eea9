package io.layerswarm.core.metainfo;

/** A .torrent file that is not valid bencode or lacks a required field. */
public final class MetainfoException extends Exception {
  private static final long serialVersionUID = 1L;

  public MetainfoException(String message) {
    super(message);
  }

  public MetainfoException(String message, Throwable cause) {
    super(message, cause);
  }
}
