package io.layerswarm.swarm.log;

import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.core.metainfo.Metainfo;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.regex.Pattern;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The context keys of the swarm's log events: slf4j key-value pairs, which logback's {@code %kvp}
 * renders as {@code digest="sha256:…" torrent="…" peer="10.0.0.2:6881"}. Pairs travel with the
 * event, unlike a thread-local MDC, which a torrent's work would lose as it hops between event
 * loops and disk threads.
 */
public final class LogKeys {
  /** The blob, {@code sha256:<hex>}. */
  public static final String DIGEST = "digest";

  /** The info hash, 40 lowercase hex characters. */
  public static final String TORRENT = "torrent";

  /** The remote end of a connection, {@code ip:port}. */
  public static final String PEER = "peer";

  private static final Pattern SHA256_HEX = Pattern.compile("[a-f0-9]{64}");

  private LogKeys() {}

  /**
   * Adds the torrent's info hash, and its blob digest when the name is one (LayerSwarm names each
   * torrent by its blob's sha256 hex; see {@link Metainfo}).
   */
  public static LoggingEventBuilder torrent(LoggingEventBuilder event, Metainfo metainfo) {
    String name = metainfo.name();
    if (SHA256_HEX.matcher(name).matches()) {
      event.addKeyValue(DIGEST, "sha256:" + name);
    }
    return torrent(event, metainfo.infoHash());
  }

  /** Adds the info hash, for events of a torrent whose metainfo is not at hand. */
  public static LoggingEventBuilder torrent(LoggingEventBuilder event, InfoHash infoHash) {
    return event.addKeyValue(TORRENT, infoHash.hex());
  }

  /** Adds the peer's address. */
  public static LoggingEventBuilder peer(LoggingEventBuilder event, SocketAddress address) {
    return event.addKeyValue(PEER, () -> hostPort(address));
  }

  /** {@code ip:port}, IPv6 in brackets; without {@link InetSocketAddress}'s leading slash. */
  public static String hostPort(SocketAddress address) {
    if (!(address instanceof InetSocketAddress inet)) {
      return String.valueOf(address);
    }
    String host =
        inet.getAddress() == null ? inet.getHostString() : inet.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + inet.getPort();
  }
}
