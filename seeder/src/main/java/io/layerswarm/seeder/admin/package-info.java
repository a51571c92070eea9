/**
 * The seeder's admin gRPC API ({@code seeder_admin.proto}): preheats, the held blobs and their
 * eviction, and the ring's health, served on {@code seeder.admin-listen}.
 */
package io.layerswarm.seeder.admin;
