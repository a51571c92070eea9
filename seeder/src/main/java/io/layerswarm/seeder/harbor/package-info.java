/**
 * Harbor's P2P preheat through the Dragonfly open API ({@code GET /healthy}, {@code POST
 * /oapi/v1/jobs}, {@code GET /oapi/v1/jobs/{id}}), the shape Harbor's "dragonfly" provider driver
 * speaks: the request's validation ({@link io.layerswarm.seeder.harbor.JobRequest}), who may call
 * ({@link io.layerswarm.seeder.harbor.ApiCredentials}), the bounded job table ({@link
 * io.layerswarm.seeder.harbor.JobTable}) and the shell that runs jobs on the preheat service
 * ({@link io.layerswarm.seeder.harbor.HarborPreheat}).
 */
package io.layerswarm.seeder.harbor;
