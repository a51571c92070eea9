/**
 * The tracker's admin gRPC API ({@code tracker_admin.proto}): swarms, the peers of a swarm, and the
 * peer store's health, served on {@code tracker.admin-listen}. Depends on the peer store and the
 * generated API only, not on the tracker's root package (which starts it).
 */
package io.layerswarm.tracker.admin;
