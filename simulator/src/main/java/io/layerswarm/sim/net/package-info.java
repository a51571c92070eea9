/**
 * A flow-level network model on the event kernel: {@link io.layerswarm.sim.net.Host}s with upload
 * and download capacities (bits per second) and latencies (nanoseconds), optional racks and zones
 * joined by oversubscribed links, and duplex {@link io.layerswarm.sim.net.Connection}s whose
 * directions are FIFO message streams sharing every resource max-min fairly. Messages have sizes
 * and take time; bytes are never simulated one by one. Single-threaded, like the kernel.
 */
package io.layerswarm.sim.net;
