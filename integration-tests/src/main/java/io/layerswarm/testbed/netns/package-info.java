/**
 * Multi-host test bed in network namespaces and the swarm benchmark ({@code bench/swarm-bench}).
 *
 * <ul>
 *   <li>{@link io.layerswarm.testbed.netns.NetnsTopology}: hosts as namespaces {@code
 *       lsb-<pid>-<host>} on a bridge in {@code lsb-<pid>-br}, 10.201.0.0/24, every link capped
 *       both ways with {@code tc tbf};
 *   <li>{@link io.layerswarm.testbed.netns.NetnsRegistry}: docker-registry (origin or pull-through
 *       cache) inside a host, with its access log read by offset;
 *   <li>{@link io.layerswarm.testbed.netns.BarrierPull}: skopeo on many hosts released at one
 *       instant;
 *   <li>{@link io.layerswarm.testbed.netns.SwarmBench}, {@link
 *       io.layerswarm.testbed.netns.SwarmBenchReport}, {@link
 *       io.layerswarm.testbed.netns.SwarmBenchMain}: direct vs. cache tree vs. LayerSwarm.
 * </ul>
 *
 * Nothing is created in the root namespace and no traffic leaves the namespaces; everything started
 * is stopped by PID, and the namespaces are deleted, even when a run fails.
 */
package io.layerswarm.testbed.netns;
