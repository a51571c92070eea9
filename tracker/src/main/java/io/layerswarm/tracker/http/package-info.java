/**
 * The tracker's HTTP edge on Netty: {@link io.layerswarm.tracker.http.TrackerChannelInitializer}
 * builds each connection's pipeline, one handler per concern, and the endpoints hand their work to
 * {@linkplain io.layerswarm.tracker.http.BoundedExecutor bounded pools} (one for peer-store calls,
 * one behind the single-flight {@link io.layerswarm.tracker.http.MetainfoFetcher}) so no event loop
 * blocks. HTTP statuses are chosen here and nowhere else. Depends on {@code announce}, {@code
 * auth}, {@code metainfo} and {@code peerstore}.
 */
package io.layerswarm.tracker.http;
