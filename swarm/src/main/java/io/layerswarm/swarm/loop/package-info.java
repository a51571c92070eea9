/**
 * The thread a torrent's state lives on, as a port: the engine adapts a Netty event loop to it and
 * the simulator its virtual-time event loop, so the same policy classes run in both.
 */
package io.layerswarm.swarm.loop;
