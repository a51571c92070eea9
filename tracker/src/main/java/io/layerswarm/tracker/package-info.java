/**
 * The tracker service. Public: {@link io.layerswarm.tracker.TrackerServer},
 * {@link io.layerswarm.tracker.TrackerConfig}, the {@link io.layerswarm.tracker.MetainfoSource}
 * seam with {@link io.layerswarm.tracker.HttpMetainfoSource}, and the exceptions rooted at
 * {@link io.layerswarm.tracker.TrackerException}. Everything else here is the Netty shell,
 * package-private: one handler per concern, one initializer that builds the pipeline.
 *
 * <p>Wiring, as the launcher does it:
 * <pre>{@code
 * TrackerConfig config = TrackerConfig.defaults(new InetSocketAddress(8080)).withSeeders(seeders);
 * try (TrackerServer tracker = TrackerServer.start(config, new InMemoryPeerStore(),
 *     new HttpMetainfoSource(config.seeders()), InstantSource.system())) {
 *   ...
 * }
 * }</pre>
 *
 * <p>Packages depend one way: this one on {@code announce} (protocol decisions, no I/O), which
 * depends on {@code peerstore} (the swarm state seam and peer selection).
 */
package io.layerswarm.tracker;
