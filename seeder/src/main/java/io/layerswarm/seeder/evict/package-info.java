/**
 * Eviction: the pure {@link io.layerswarm.seeder.evict.EvictionPolicy} (disk watermarks and
 * time-to-idle), the {@link io.layerswarm.seeder.evict.Evictor} that runs it, and the {@link
 * io.layerswarm.seeder.evict.EvictionTarget} seam it evicts through, which refuses anything that
 * would break a transfer. Depends on nothing else in the seeder.
 */
package io.layerswarm.seeder.evict;
