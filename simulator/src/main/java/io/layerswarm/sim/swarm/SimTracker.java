package io.layerswarm.sim.swarm;

import io.layerswarm.sim.kernel.Simulation;
import io.layerswarm.swarm.tracker.AnnounceCodec;
import io.layerswarm.swarm.tracker.AnnounceRequest;
import io.layerswarm.swarm.tracker.AnnounceResponse;
import io.layerswarm.swarm.tracker.TrackerClient;
import io.layerswarm.swarm.tracker.TrackerException;
import io.layerswarm.tracker.announce.AnnounceEndpoint;
import io.layerswarm.tracker.announce.AnnouncePolicy;
import io.layerswarm.tracker.announce.TrackerReply;
import io.layerswarm.tracker.peerstore.InMemoryPeerStore;
import java.net.URI;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * The real tracker's announce endpoint (its peer store and {@code PeerSelector}) in the simulation:
 * each announce is encoded as the engine's HTTP client would send it, answered by {@link
 * AnnounceEndpoint}, and decoded as the engine would read it, after a network round trip. The
 * tracker's traffic is not put on the simulated links: a few hundred bytes per announce.
 */
public final class SimTracker {
  /** The announce URL every simulated torrent uses; it is never resolved. */
  static final URI ANNOUNCE = URI.create("http://tracker.sim/announce");

  /** The tracker's defaults (tracker config): 30 s interval, 5 s min, 90 s TTL, numwant 50/200. */
  public static final AnnouncePolicy DEFAULT_POLICY =
      new AnnouncePolicy(
          Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofSeconds(90), 50, 200);

  private final Simulation simulation;
  private final AnnounceEndpoint endpoint;
  private final Duration oneWay;
  private long announces;

  /**
   * @param oneWay the delay from a host to the tracker (and back), each way
   */
  public SimTracker(Simulation simulation, AnnouncePolicy policy, Duration oneWay) {
    this.simulation = simulation;
    this.endpoint =
        new AnnounceEndpoint(
            new InMemoryPeerStore(new Random(simulation.random("tracker").nextLong())),
            simulation.clock(),
            policy);
    this.oneWay = oneWay;
  }

  /** Announces answered so far. */
  public long announces() {
    return announces;
  }

  /** The tracker client of {@code host}. */
  Client client(SimHost host) {
    return new Client(host);
  }

  /** One host's view of the tracker: its announces come from its address. */
  final class Client implements TrackerClient {
    private final SimHost host;

    Client(SimHost host) {
      this.host = host;
    }

    @Override
    public CompletableFuture<AnnounceResponse> announce(URI tracker, AnnounceRequest request) {
      CompletableFuture<AnnounceResponse> result = new CompletableFuture<>();
      String query = AnnounceCodec.uri(tracker, request).getRawQuery();
      long delay = oneWay.toNanos();
      simulation.schedule(
          delay,
          () -> {
            if (host.isFailed()) {
              return; // A dead host's announce never leaves it.
            }
            announces++;
            TrackerReply reply = endpoint.announce(query, host.address().getAddress());
            byte[] body = reply.body();
            simulation.schedule(
                delay,
                () -> {
                  try {
                    result.complete(AnnounceCodec.parse(body));
                  } catch (TrackerException e) {
                    result.completeExceptionally(e);
                  }
                });
          });
      return result;
    }
  }
}
