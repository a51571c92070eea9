package io.layerswarm.cli.admin;

import io.layerswarm.cli.admin.TableFormatter.Column;
import io.layerswarm.proto.admin.TrackerHealth;

/**
 * What {@code layerswarm tracker-health} shows. The record is the {@code --json} output (snake_case
 * keys); {@link #table} is the human form. Pure.
 *
 * @param peerStoreLocation {@code redis://host:port/db}; null for the in-memory store
 * @param reason why the store is down; null when up
 * @param swarms live swarms (0 while down); so is peers
 */
record TrackerHealthReport(
    boolean up,
    String listen,
    boolean signatureRequired,
    String peerStore,
    String peerStoreLocation,
    String reason,
    int swarms,
    int peers) {

  static TrackerHealthReport of(TrackerHealth h) {
    return new TrackerHealthReport(
        h.getUp(),
        h.getListen(),
        h.getSignatureRequired(),
        h.getPeerStore(),
        h.getPeerStoreLocation().isEmpty() ? null : h.getPeerStoreLocation(),
        h.getUp() ? null : h.getReason(),
        h.getSwarms(),
        h.getPeers());
  }

  String table() {
    return TableFormatter.of(Column.left(""), Column.left(""))
        .row("tracker", listen + (signatureRequired ? ", members only" : ", open mode"))
        .row("peer store", peerStore + (peerStoreLocation == null ? "" : " " + peerStoreLocation))
        .row(
            "state",
            up
                ? "up: "
                    + swarms
                    + (swarms == 1 ? " swarm, " : " swarms, ")
                    + peers
                    + (peers == 1 ? " peer" : " peers")
                : "DOWN: " + reason)
        .render();
  }
}
