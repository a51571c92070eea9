/**
 * The tracker service. Public: {@link io.layerswarm.tracker.TrackerServer}, which wires the
 * packages below together, {@link io.layerswarm.tracker.TrackerConfig}, {@link
 * io.layerswarm.tracker.PeerStores}, and {@link io.layerswarm.tracker.TrackerException} for a
 * tracker that cannot start.
 *
 * <p>Wiring, as the launcher does it:
 *
 * <pre>{@code
 * TrackerConfig config = TrackerConfig.defaults(new InetSocketAddress(8080))
 *     .withSeeders(seeders)
 *     .withRedis(URI.create("redis://10.0.0.5:6379/0"))   // optional: replicas share swarms
 *     .withClusterSecret(ClusterSecret.load(secretFile)); // optional: members only
 * try (PeerStore store = PeerStores.open(config);
 *     SeederCluster seeders = SeederCluster.start(config.seeders(), 2);  // ring, health checks
 *     TrackerServer tracker = TrackerServer.start(config, store,
 *         seeders.metainfoSource(HttpMetainfoSource.DEFAULT_TIMEOUT), InstantSource.system())) {
 *   ...
 * } // the server closes first, then the health checks, then the store
 * }</pre>
 *
 * <p>Packages depend one way, along the path of a request: this one on {@code http} (the Netty
 * edge) and {@code admin} (the gRPC API); {@code http} on {@code announce} (protocol decisions, no
 * I/O) and {@code metainfo} (torrents from the seeders); {@code announce} and {@code admin} on
 * {@code peerstore} (the swarm state seam, its stores, and peer selection).
 */
package io.layerswarm.tracker;
