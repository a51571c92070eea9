package io.layerswarm.tracker.testing;

import io.layerswarm.core.metainfo.PeerId;
import io.layerswarm.tracker.peerstore.Peer;
import io.layerswarm.tracker.peerstore.PeerAddress;
import io.layerswarm.tracker.peerstore.Topology;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Peer fixtures from strings: {@code "S name zone/rack"} is a seed, {@code "L name"} a leecher
 * without topology, {@code "L name zone"} a leecher with a zone only. The name makes the peer id
 * (padded to 20 bytes) and the port (stable per name), all at 10.0.0.1.
 */
public final class Peers {
  private Peers() {}

  public static Peer peer(String spec) {
    String[] parts = spec.trim().split("\\s+");
    if (parts.length < 2 || !(parts[0].equals("S") || parts[0].equals("L"))) {
      throw new IllegalArgumentException("spec is 'S|L name [zone[/rack]]': " + spec);
    }
    String name = parts[1];
    Topology topology = Topology.UNKNOWN;
    if (parts.length > 2) {
      String[] zoneRack = parts[2].split("/", 2);
      topology = Topology.of(zoneRack[0], zoneRack.length > 1 ? zoneRack[1] : null);
    }
    return new Peer(
        id(name), new PeerAddress(ip("10.0.0.1"), port(name)), parts[0].equals("S"), topology);
  }

  public static List<Peer> peers(String... specs) {
    List<Peer> peers = new ArrayList<>();
    for (String spec : specs) {
      peers.add(peer(spec));
    }
    return peers;
  }

  public static PeerId id(String name) {
    byte[] id = new byte[20];
    byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(bytes, 0, id, 0, Math.min(bytes.length, 20));
    for (int i = bytes.length; i < 20; i++) {
      id[i] = '_';
    }
    return new PeerId(id);
  }

  public static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal); // literals only: no lookup happens
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }

  public static int port(String name) {
    return 10_000 + Math.floorMod(name.hashCode(), 50_000);
  }

  public static String names(List<Peer> peers) {
    StringBuilder out = new StringBuilder();
    for (Peer peer : peers) {
      if (out.length() > 0) {
        out.append(' ');
      }
      out.append(new String(peer.id().bytes(), StandardCharsets.US_ASCII).replace("_", ""));
    }
    return out.toString();
  }
}
