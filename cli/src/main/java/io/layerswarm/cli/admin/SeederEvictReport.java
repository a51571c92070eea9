package io.layerswarm.cli.admin;

import io.layerswarm.proto.admin.SeederEvictResponse;

/**
 * What {@code layerswarm seeder-evict} shows. The record is the {@code --json} output (snake_case
 * keys); {@link #table} is the human form. Pure.
 *
 * @param reason why not, when not evicted: {@code not held}, {@code uploading}, {@code fetching},
 *     {@code in use}; null when evicted
 */
record SeederEvictReport(String digest, boolean evicted, long bytesFreed, String reason) {
  static final String NOT_HELD = "not held";

  static SeederEvictReport of(String digest, SeederEvictResponse r) {
    return new SeederEvictReport(
        digest, r.getEvicted(), r.getBytesFreed(), r.getEvicted() ? null : r.getReason());
  }

  String table() {
    return evicted
        ? "evicted " + digest + ": " + Units.bytes(bytesFreed) + " freed\n"
        : "not evicted " + digest + ": " + reason + "\n";
  }

  /** 0 evicted, 4 not held, 1 in use. */
  int exitCode() {
    if (evicted) {
      return ServiceOptions.EXIT_OK;
    }
    return NOT_HELD.equals(reason) ? ServiceOptions.EXIT_NOT_FOUND : ServiceOptions.EXIT_ERROR;
  }
}
