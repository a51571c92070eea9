/**
 * Gets a blob held, verified and seeded: {@link io.layerswarm.seeder.seeding.SeederService} runs
 * one flight per digest that fetches the blob from its upstream when it is not held (copied and
 * checked against its sha256, abandoned when the origin stalls), makes and stores its metainfo, and
 * seeds it; evictions take the same flight. The seeder's errors are rooted at {@link
 * io.layerswarm.seeder.seeding.SeederException}. Blocking; knows nothing of HTTP.
 */
package io.layerswarm.seeder.seeding;
