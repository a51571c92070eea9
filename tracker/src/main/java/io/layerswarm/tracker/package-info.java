/**
 * The tracker service. Public: {@link io.layerswarm.tracker.TrackerServer}, {@link
 * io.layerswarm.tracker.TrackerConfig} with its {@link io.layerswarm.tracker.Passkey}, {@link
 * io.layerswarm.tracker.PeerStores}, the {@link io.layerswarm.tracker.MetainfoSource} seam with
 * {@link io.layerswarm.tracker.HttpMetainfoSource} and the seeder ring's health in {@link
 * io.layerswarm.tracker.SeederCluster}, and the exceptions rooted at {@link
 * io.layerswarm.tracker.TrackerException}. Everything else here is the Netty shell,
 * package-private: one handler per concern, one initializer that builds the pipeline.
 *
 * <p>Wiring, as the launcher does it:
 *
 * <pre>{@code
 * TrackerConfig config = TrackerConfig.defaults(new InetSocketAddress(8080))
 *     .withSeeders(seeders)
 *     .withRedis(URI.create("redis://10.0.0.5:6379/0"))   // optional: replicas share swarms
 *     .withPasskey(Passkey.of(secret));                    // optional: /<passkey>/announce
 * try (PeerStore store = PeerStores.open(config);
 *     SeederCluster seeders = SeederCluster.start(config.seeders(), 2);  // ring, health checks
 *     TrackerServer tracker = TrackerServer.start(config, store,
 *         seeders.metainfoSource(HttpMetainfoSource.DEFAULT_TIMEOUT), InstantSource.system())) {
 *   ...
 * } // the server closes first, then the health checks, then the store
 * }</pre>
 *
 * <p>Packages depend one way: this one on {@code announce} (protocol decisions, no I/O), which
 * depends on {@code peerstore} (the swarm state seam, its stores, and peer selection).
 */
package io.layerswarm.tracker;
