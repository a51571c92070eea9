/**
 * Pure scheduling decisions: which blocks to request (piece picker) and whom to upload to (choker).
 * No Netty, no threads, no system clock: time comes from an injected {@link
 * java.time.InstantSource}, so tests advance a fake clock instead of sleeping.
 */
package io.layerswarm.swarm.sched;
