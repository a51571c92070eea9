/**
 * The seeder's HTTP control endpoint on Netty ({@code GET /metainfo/sha256:<hex>}, {@code
 * /healthz}, {@code /metrics}, {@code POST /notifications}): {@link
 * io.layerswarm.seeder.http.ControlChannelInitializer} builds the pipeline, {@link
 * io.layerswarm.seeder.http.ControlRoute} is the request grammar, and {@link
 * io.layerswarm.seeder.http.ControlResponses} the one place where seeder errors become HTTP
 * statuses. Blocking lookups run on a bounded executor, never on the event loop.
 */
package io.layerswarm.seeder.http;
