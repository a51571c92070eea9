package io.layerswarm.core.bencode;

/** Malformed or oversized bencoded input. The message names the offset and what was expected. */
public final class BencodeException extends Exception {
  private static final long serialVersionUID = 1L;

  public BencodeException(String message) {
    super(message);
  }
}
