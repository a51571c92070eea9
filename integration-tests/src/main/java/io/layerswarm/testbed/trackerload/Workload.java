package io.layerswarm.testbed.trackerload;

import io.layerswarm.swarm.tracker.AnnounceCodec;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * The simulated fleet: H hosts that each announce L layers, as our agent's {@code
 * HttpTrackerClient} does (BEP 3 query, {@code compact=1}, {@code numwant}). Host {@code h} has its
 * own peer id and port; it announces over connection {@code h % C}, whose socket is bound to its
 * own 127.x.y.z address, so a tracker that keys peers by address sees C addresses with H/C hosts
 * each (distinct ports). Info hashes are random (seeded), one per layer.
 *
 * @param hosts H
 * @param layers L, one swarm each
 * @param connections C, the generator's keep-alive connections and source addresses
 * @param numwant peers asked for in each announce (our agent asks for 50)
 * @param layerBytes the {@code left} of a host that is still pulling
 */
record Workload(int hosts, int layers, int connections, int numwant, long layerBytes, long seed) {
  static final int FIRST_PORT = 10_000;
  private static final HexFormat HEX = HexFormat.of();

  Workload {
    if (hosts < 1 || hosts > 65_535 - FIRST_PORT) {
      throw new IllegalArgumentException("hosts must be 1.." + (65_535 - FIRST_PORT));
    }
    if (layers < 1 || layers > 1_000) {
      throw new IllegalArgumentException("layers must be 1..1000");
    }
    if (connections < 1 || connections > 60_000) {
      throw new IllegalArgumentException("connections must be 1..60000");
    }
    if (numwant < 0 || numwant > 1_000) {
      throw new IllegalArgumentException("numwant must be 0..1000");
    }
  }

  /** The layers' info hashes, 20 bytes each, the same for every run with this seed. */
  List<byte[]> infoHashes() {
    Random random = new Random(seed);
    List<byte[]> out = new ArrayList<>(layers);
    for (int i = 0; i < layers; i++) {
      byte[] hash = new byte[20];
      random.nextBytes(hash);
      out.add(hash);
    }
    return out;
  }

  /** The info hashes as 40 lowercase hex digits, for opentracker's whitelist. */
  List<String> infoHashesHex() {
    return infoHashes().stream().map(HEX::formatHex).toList();
  }

  /** The connection (and so the source address) host {@code h} announces over. */
  int connectionOf(int host) {
    return host % connections;
  }

  /** Connection {@code c}'s source address: 127.10.x.y, never .0 in the last byte. */
  static InetAddress sourceAddress(int connection) {
    int n = connection + 1;
    try {
      return InetAddress.getByAddress(new byte[] {127, 10, (byte) (n / 255), (byte) (n % 255 + 1)});
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The request targets, built from pre-encoded parts so that the generator stays cheap. */
  Targets targets() {
    return new Targets(this);
  }

  /** Builds {@code /announce?...} for a host, a layer and an event. Thread-confined. */
  static final class Targets {
    private final Workload w;
    private final String[] infoHashParam;
    private final StringBuilder sb = new StringBuilder(256);

    private Targets(Workload w) {
      this.w = w;
      List<byte[]> hashes = w.infoHashes();
      infoHashParam = new String[hashes.size()];
      for (int i = 0; i < hashes.size(); i++) {
        infoHashParam[i] = percentEncode(hashes.get(i));
      }
    }

    /**
     * @param started true: {@code event=started} by a host still pulling; false: a regular announce
     *     of a host that holds the layer ({@code left=0})
     */
    String announce(int host, int layer, boolean started) {
      sb.setLength(0);
      sb.append("/announce?info_hash=").append(infoHashParam[layer]);
      sb.append("&peer_id=").append(peerId(host));
      sb.append("&port=").append(FIRST_PORT + host);
      sb.append("&uploaded=0&downloaded=0&left=").append(started ? w.layerBytes() : 0);
      sb.append("&compact=1&numwant=").append(w.numwant());
      if (started) {
        sb.append("&event=started");
      }
      return sb.toString();
    }
  }

  /** 20 ASCII bytes, like our agent's {@code -LS0100-} prefix plus 12 digits. */
  static String peerId(int host) {
    return String.format("-LS0100-%012d", host);
  }

  static String percentEncode(byte[] bytes) {
    return AnnounceCodec.encode(bytes);
  }
}
