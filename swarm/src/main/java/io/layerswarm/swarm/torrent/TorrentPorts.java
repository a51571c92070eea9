package io.layerswarm.swarm.torrent;

import io.layerswarm.swarm.loop.Loop;
import io.layerswarm.swarm.storage.PieceMemory;
import io.layerswarm.swarm.storage.PieceStore;
import java.time.InstantSource;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * Everything a {@link TorrentCore} touches outside itself. The engine passes a Netty event loop,
 * the system clock, a file store and TCP; the simulator its event loop, virtual clock, seeded
 * random source, a store without bytes and simulated connections.
 *
 * @param loop the thread that owns the torrent
 * @param clock every timeout, choke turn and rate reads it
 * @param random every random choice draws from it (split off per torrent)
 * @param store the torrent's pieces
 * @param memory the host's budget for pieces in progress, shared by its torrents
 * @param dialer opens connections
 * @param peerSequence numbers connections uniquely within the host (the choker's tie-breaker)
 */
public record TorrentPorts(
    Loop loop,
    InstantSource clock,
    SplittableRandom random,
    PieceStore store,
    PieceMemory memory,
    Dialer dialer,
    LongSupplier peerSequence) {
  public TorrentPorts {
    Objects.requireNonNull(loop, "loop");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(random, "random");
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(memory, "memory");
    Objects.requireNonNull(dialer, "dialer");
    Objects.requireNonNull(peerSequence, "peerSequence");
  }
}
