/**
 * The seeder's meters ({@link io.layerswarm.seeder.metrics.SeederMetrics}), rendered as Prometheus
 * text on {@code GET /metrics}.
 */
package io.layerswarm.seeder.metrics;
