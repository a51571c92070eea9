/**
 * Fleet preheats: an admin asks the tracker (admin API) to have every agent it knows, or those of a
 * zone or rack, fetch an image into its cache through the swarm, a bounded number at a time. Agents
 * learn of it from the tracker they already talk to: they poll the signed {@code /fleet} endpoint,
 * which also carries their progress back; no agent opens a port for it.
 *
 * <p>{@link io.layerswarm.tracker.fleet.FleetJob} is the pure schedule of one job (who may start,
 * leases, time-outs, totals) as a function of the reports and an instant; {@link
 * io.layerswarm.tracker.fleet.FleetStore} is the seam that holds members and jobs ({@link
 * io.layerswarm.tracker.fleet.InMemoryFleetStore}); {@link io.layerswarm.tracker.fleet.Fleet} is
 * the thin shell the HTTP endpoint and the admin API call. Depends on nothing else in the tracker.
 */
package io.layerswarm.tracker.fleet;
