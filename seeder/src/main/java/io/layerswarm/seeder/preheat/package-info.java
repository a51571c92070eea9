/**
 * Preheats: images resolved on their upstream and every blob warmed on its owners in the seeder
 * ring ({@link io.layerswarm.seeder.preheat.PreheatService}, {@link
 * io.layerswarm.seeder.preheat.RingWarmer}), on request or from registry push notifications ({@link
 * io.layerswarm.seeder.preheat.NotificationQueue}). Depends on nothing else in the seeder.
 */
package io.layerswarm.seeder.preheat;
