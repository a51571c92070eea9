package io.layerswarm.sim.scenario;

import io.layerswarm.sim.net.NetworkOptions;
import io.layerswarm.swarm.torrent.TorrentPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One simulated pull: who pulls what, over which network, against which seeders.
 *
 * @param hosts pulling hosts (agents)
 * @param layerBytes the image's layers, each a blob and a torrent
 * @param configBytes the image's config blob, fetched like a layer; 0 for none
 * @param linkBitsPerSecond every host's upload and download capacity (agents, seeders, origin)
 * @param latency one-way delay each host adds to a path
 * @param seeders seeder hosts; each seeds every blob (a ring of that many owners)
 * @param preheated whether the seeders hold every blob before the pull; else they fetch each blob
 *     from the origin on its first request
 * @param originBitsPerSecond the origin's upload (cold seeders only)
 * @param arrivalWindow hosts start their pull at uniformly random times within it
 * @param failFraction the share of pulling hosts that crash at a random time during their pull
 * @param concurrentLayers blobs a host fetches at once, each read in order as it streams (dockerd:
 *     3, containerd and skopeo: all)
 * @param pieceLength the torrents' piece length; 0 for the seeder's ({@code PieceLength.forSize})
 * @param blockSize bytes per request in the simulation; 0 for a whole piece per request
 * @param reseedRestarts whether an agent replaces a finished download by a new seed torrent (its
 *     connections close; the agent before decision 15), rather than keeping the torrent
 * @param verifyBytesPerSecond the agent's sha256 rate, for the check of a blob before it serves it
 * @param verifyStreamed whether the agent hashes a swarm download's in-order prefix as its stream
 *     reads it, leaving only the rest after the last piece (decision 36); else it hashes the whole
 *     blob after the last piece
 * @param inlineMaxBytes blobs up to this size come inside their metainfo answer, with no torrent
 *     (the seeder's {@code seeder.inline-max-bytes}, decision 31); 0 for none
 * @param clientStart from a pull's start to its first request through the agent (the client process
 *     starting, its manifest request); counted in T
 * @param wireOverhead bytes on the wire per payload byte (TCP/IP over Ethernet framing: 1514 /
 *     1448); link capacities carry payload at their rate divided by this
 * @param racks hosts spread over this many racks in one zone; 0 for a flat network
 * @param rackOversubscription a rack's uplink is its hosts' capacity divided by this
 * @param policy the engine's swarm settings every host runs
 * @param seederPolicy the settings the seeders run (the block size is the scenario's)
 * @param network the network model's approximations (exact: {@link NetworkOptions#EXACT})
 * @param seed the simulation's seed
 */
public record Scenario(
    int hosts,
    List<Long> layerBytes,
    long configBytes,
    long linkBitsPerSecond,
    Duration latency,
    int seeders,
    boolean preheated,
    long originBitsPerSecond,
    Duration arrivalWindow,
    double failFraction,
    int concurrentLayers,
    int pieceLength,
    int blockSize,
    boolean reseedRestarts,
    double verifyBytesPerSecond,
    boolean verifyStreamed,
    int inlineMaxBytes,
    Duration clientStart,
    double wireOverhead,
    int racks,
    double rackOversubscription,
    TorrentPolicy policy,
    TorrentPolicy seederPolicy,
    NetworkOptions network,
    long seed) {
  public Scenario {
    if (hosts < 1 || seeders < 1) {
      throw new IllegalArgumentException("hosts and seeders must be >= 1");
    }
    layerBytes = List.copyOf(layerBytes);
    if (layerBytes.isEmpty() || layerBytes.stream().anyMatch(b -> b < 1)) {
      throw new IllegalArgumentException("layers must be at least one of >= 1 byte each");
    }
    if (configBytes < 0 || linkBitsPerSecond < 1 || originBitsPerSecond < 1) {
      throw new IllegalArgumentException("sizes and rates must be positive");
    }
    if (failFraction < 0 || failFraction >= 1) {
      throw new IllegalArgumentException("failFraction must be in [0, 1): " + failFraction);
    }
    if (concurrentLayers < 1 || pieceLength < 0 || blockSize < 0 || verifyBytesPerSecond <= 0) {
      throw new IllegalArgumentException("concurrentLayers, blockSize, verify rate out of range");
    }
    if (inlineMaxBytes < 0) {
      throw new IllegalArgumentException("inlineMaxBytes must be >= 0: " + inlineMaxBytes);
    }
    if (racks < 0 || rackOversubscription < 1) {
      throw new IllegalArgumentException("racks >= 0 and oversubscription >= 1");
    }
    Objects.requireNonNull(latency, "latency");
    Objects.requireNonNull(clientStart, "clientStart");
    if (!(wireOverhead >= 1)) {
      throw new IllegalArgumentException("wireOverhead must be >= 1: " + wireOverhead);
    }
    Objects.requireNonNull(arrivalWindow, "arrivalWindow");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(seederPolicy, "seederPolicy");
    Objects.requireNonNull(network, "network");
  }

  /** Whether {@code blob} comes inside its metainfo answer rather than through a swarm. */
  public boolean inline(Blob blob) {
    return blob.bytes() <= inlineMaxBytes;
  }

  /** S: the bytes of every blob a host pulls. */
  public long imageBytes() {
    return layerBytes.stream().mapToLong(Long::longValue).sum() + configBytes;
  }

  /** S/D in seconds: the time a host's own link needs for the image. */
  public double secondsPerImage() {
    return imageBytes() * 8.0 / linkBitsPerSecond;
  }

  /** An image of {@code totalBytes} split into {@code layers} equal layers. */
  public static List<Long> equalLayers(long totalBytes, int layers) {
    long each = totalBytes / layers;
    Long[] sizes = new Long[layers];
    for (int i = 0; i < layers; i++) {
      sizes[i] = i == layers - 1 ? totalBytes - each * (layers - 1) : each;
    }
    return List.of(sizes);
  }

  public Scenario withHosts(int hosts) {
    return new Scenario(
        hosts,
        layerBytes,
        configBytes,
        linkBitsPerSecond,
        latency,
        seeders,
        preheated,
        originBitsPerSecond,
        arrivalWindow,
        failFraction,
        concurrentLayers,
        pieceLength,
        blockSize,
        reseedRestarts,
        verifyBytesPerSecond,
        verifyStreamed,
        inlineMaxBytes,
        clientStart,
        wireOverhead,
        racks,
        rackOversubscription,
        policy,
        seederPolicy,
        network,
        seed);
  }
}
