/**
 * The seeder service. Public: {@link io.layerswarm.seeder.SeederServer}, which opens the data
 * directory and wires the packages below together, and {@link io.layerswarm.seeder.SeederConfig}.
 *
 * <p>Packages depend one way, along the path of a request: this one on all below; {@code http} (the
 * control endpoint) on {@code seeding} (a blob held, verified and seeded, one flight per digest),
 * {@code preheat} and {@code metrics}; {@code seeding} on {@code store} (metainfo files), {@code
 * evict} (the eviction policy over the {@code EvictionTarget} seam) and {@code metrics}; {@code
 * admin} (the gRPC API) on {@code preheat} and {@code evict}.
 */
package io.layerswarm.seeder;
