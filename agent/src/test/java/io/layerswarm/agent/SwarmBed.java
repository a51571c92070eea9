package io.layerswarm.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.layerswarm.core.Digest;
import io.layerswarm.core.bencode.Bencode;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.swarm.EngineConfig;
import io.layerswarm.swarm.SwarmEngine;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A seeding engine and a fake tracker on loopback: the tracker serves the metainfo of what the
 * engine seeds, and every announce gets the seeder as its peer (the seeder gets none). Records
 * metainfo lookups and the ports that announced.
 */
final class SwarmBed implements AutoCloseable {
  final HttpServer tracker;
  final SwarmEngine seeder;
  final URI trackerBase;
  final List<String> metainfoQueries = new CopyOnWriteArrayList<>();
  final List<Integer> announcedPorts = new CopyOnWriteArrayList<>();
  private final Map<String, Metainfo> byDigest = new ConcurrentHashMap<>();

  SwarmBed() throws IOException {
    this(EngineConfig.defaults(new InetSocketAddress("127.0.0.1", 0)));
  }

  SwarmBed(EngineConfig seederConfig) throws IOException {
    tracker = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    trackerBase = URI.create("http://127.0.0.1:" + tracker.getAddress().getPort());
    seeder = SwarmEngine.start(seederConfig);
    tracker.createContext("/metainfo/", this::metainfo);
    tracker.createContext("/announce", this::announce);
    tracker.start();
  }

  /** Seeds {@code file} (the blob {@code digest}) with metainfo naming this tracker. */
  Metainfo seed(Path file, Digest digest, int pieceLength) throws IOException {
    Metainfo metainfo =
        Metainfo.create(
            file, digest.hex(), List.of(URI.create(trackerBase + "/announce")), pieceLength);
    byDigest.put(digest.toString(), metainfo);
    seeder.seed(metainfo, file);
    return metainfo;
  }

  private void metainfo(HttpExchange exchange) throws IOException {
    metainfoQueries.add(exchange.getRequestURI().getRawPath());
    String digest = exchange.getRequestURI().getPath().substring("/metainfo/".length());
    Metainfo known = byDigest.get(digest);
    byte[] body = known == null ? new byte[0] : known.encode();
    exchange.sendResponseHeaders(known == null ? 404 : 200, body.length == 0 ? -1 : body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  /** BEP 3 announce with a BEP 23 compact peer list: the seeder, to everyone but the seeder. */
  private void announce(HttpExchange exchange) throws IOException {
    int port = -1;
    for (String pair : exchange.getRequestURI().getRawQuery().split("&")) {
      if (pair.startsWith("port=")) {
        port = Integer.parseInt(URLDecoder.decode(pair.substring(5), StandardCharsets.UTF_8));
      }
    }
    announcedPorts.add(port);
    int seederPort = seeder.listenAddress().getPort();
    ByteBuffer peers = ByteBuffer.allocate(port == seederPort ? 0 : 6);
    if (port != seederPort) {
      peers.put(new byte[] {127, 0, 0, 1}).putShort((short) seederPort);
    }
    Map<String, Object> response = new LinkedHashMap<>();
    response.put("interval", 30L);
    response.put("peers", peers.array());
    byte[] body = Bencode.encode(response);
    exchange.sendResponseHeaders(200, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  @Override
  public void close() {
    seeder.close();
    tracker.stop(0);
  }
}
