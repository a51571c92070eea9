/**
 * The agent's Prometheus meters ({@link io.layerswarm.agent.metrics.AgentMetrics}). The HTTP edge
 * ({@code agent.http}) records answers here and serves the text; this package reads the mirror's
 * counters and never the other way round.
 */
package io.layerswarm.agent.metrics;
