/**
 * Pinned images ({@code agent.pins}): the agent keeps their blobs local, through the same swarm and
 * origin path a client's pull takes, re-resolves their tags on an interval, and keeps their blobs
 * from eviction. {@link io.layerswarm.agent.pins.Pinner} is the I/O shell; what to fetch, when to
 * look again and what is complete are pure decisions ({@link io.layerswarm.agent.pins.PinState},
 * {@link io.layerswarm.agent.pins.RefreshSchedule}).
 */
package io.layerswarm.agent.pins;
