/**
 * The swarm policy of one torrent without sockets ({@link io.layerswarm.swarm.torrent.TorrentCore})
 * and the ports it runs on ({@link io.layerswarm.swarm.torrent.TorrentPorts}: a loop, a clock, a
 * random source, a piece store, piece memory, a dialer). The engine runs it on Netty; the simulator
 * runs the same class on a virtual clock and a simulated network. This package, and the types its
 * ports name, are the simulator's interface to the engine.
 */
package io.layerswarm.swarm.torrent;
