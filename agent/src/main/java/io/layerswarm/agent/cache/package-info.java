/**
 * The agent's disk cache decisions, free of I/O: {@link io.layerswarm.agent.cache.CachePolicy}
 * (budget with watermarks, time to idle) and {@link io.layerswarm.agent.cache.BlobLeases} (who
 * reads what now). The janitor that applies them lives in {@code agent.mirror}.
 */
package io.layerswarm.agent.cache;
