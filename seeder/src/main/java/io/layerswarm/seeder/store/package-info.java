/**
 * The seeder's torrent metainfo by blob digest: the {@link
 * io.layerswarm.seeder.store.MetainfoStore} seam with a file and an in-memory implementation. Blobs
 * themselves live in registry-bridge's {@code BlobStore}. Depends on nothing else in the seeder.
 */
package io.layerswarm.seeder.store;
