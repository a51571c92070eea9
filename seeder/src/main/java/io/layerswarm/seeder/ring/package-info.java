/**
 * The seeder's side of a ring that changes while it runs: the {@link
 * io.layerswarm.core.ring.RingMembership} it holds and serves on {@code GET /ring}, the sync with
 * the other members, and copying a blob from its previous owners when this seeder became a new one
 * ({@link io.layerswarm.seeder.ring.HttpPeerBlobs}).
 */
package io.layerswarm.seeder.ring;
