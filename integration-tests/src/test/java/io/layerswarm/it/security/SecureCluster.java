package io.layerswarm.it.security;

import io.layerswarm.core.auth.ClusterSecret;
import io.layerswarm.core.auth.HttpAuth;
import io.layerswarm.core.auth.HttpSignature;
import io.layerswarm.core.auth.SecretFileException;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.MetainfoException;
import io.layerswarm.it.cluster.ClusterBed;
import io.layerswarm.testbed.DaemonProcess;
import io.layerswarm.testbed.FreePorts;
import io.layerswarm.testbed.Image;
import io.layerswarm.testbed.OriginRegistry;
import io.layerswarm.testbed.RegistryPusher;
import io.layerswarm.testbed.SecretFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A tracker and a seeder of the built distribution on loopback, in front of one origin, as a
 * cluster with a secret (or in open mode), and the two sides of the attacks: a member's signed
 * requests and an outsider's raw ones from another loopback address (127.0.0.0/8 is all this host,
 * so an outsider is told apart by its source address only).
 */
final class SecureCluster implements AutoCloseable {
  /** Where members' requests come from: the daemons of this host. */
  static final String MEMBER_SOURCE = "127.0.0.1";

  final ClusterBed bed;
  final Optional<Path> secretFile;
  final Path config;
  final String trackerUrl;
  final String seederUrl;
  final DaemonProcess seeder;
  final DaemonProcess tracker;
  private final HttpAuth member;

  private SecureCluster(
      ClusterBed bed,
      Optional<Path> secretFile,
      Path config,
      String trackerUrl,
      String seederUrl,
      DaemonProcess seeder,
      DaemonProcess tracker,
      HttpAuth member) {
    this.bed = bed;
    this.secretFile = secretFile;
    this.config = config;
    this.trackerUrl = trackerUrl;
    this.seederUrl = seederUrl;
    this.seeder = seeder;
    this.tracker = tracker;
    this.member = member;
  }

  /**
   * Starts a seeder and a tracker for {@code upstreamYaml} (the {@code upstreams:} section), with a
   * fresh cluster secret file when {@code withSecret}, and {@code seederYaml} lines under {@code
   * seeder:} (e.g. a notifications token file).
   */
  static SecureCluster start(
      ClusterBed bed, String upstreamYaml, boolean withSecret, String seederYaml)
      throws IOException, InterruptedException, SecretFileException {
    Path work = bed.work();
    Optional<Path> secret =
        withSecret
            ? Optional.of(SecretFiles.clusterSecret(work.resolve("cluster.secret")))
            : Optional.empty();
    Path config =
        bed.config(
            "layerswarm.yaml",
            upstreamYaml
                + secret.map(s -> "cluster:\n  secret-file: " + s + "\n").orElse("")
                + (seederYaml.isEmpty() ? "" : "seeder:\n" + seederYaml));
    int[] ports = FreePorts.pick(2);
    String trackerUrl = "http://127.0.0.1:" + ports[0];
    String seederUrl = "http://127.0.0.1:" + ports[1];
    DaemonProcess seeder =
        bed.daemon(
            "seeder",
            "seeder",
            "--config",
            config.toString(),
            "--listen",
            "127.0.0.1:" + ports[1],
            "--peer-listen",
            "127.0.0.1:0",
            "--data",
            work.resolve("seeder").toString(),
            "--tracker",
            trackerUrl);
    DaemonProcess tracker =
        bed.daemon(
            "tracker",
            "tracker",
            "--config",
            config.toString(),
            "--listen",
            "127.0.0.1:" + ports[0],
            "--seeder",
            seederUrl);
    HttpAuth member =
        secret.isEmpty()
            ? HttpAuth.open()
            : HttpAuth.of(Optional.of(ClusterSecret.load(secret.get())), InstantSource.system());
    return new SecureCluster(bed, secret, config, trackerUrl, seederUrl, seeder, tracker, member);
  }

  /**
   * Docker's registry as the origin, without credentials, in {@code <work>/origin}, holding {@code
   * image} as {@code library/app:1}.
   */
  static OriginRegistry origin(ClusterBed bed, Image image)
      throws IOException, InterruptedException {
    OriginRegistry origin = bed.track(OriginRegistry.start(bed.work().resolve("origin")));
    new RegistryPusher(origin.baseUri()).push(image, "library/app", "1");
    return origin;
  }

  /**
   * A seeder and a tracker in front of {@code origin}, with a fresh secret when {@code withSecret}.
   */
  static SecureCluster start(ClusterBed bed, OriginRegistry origin, boolean withSecret)
      throws IOException, InterruptedException, SecretFileException {
    return start(bed, "upstreams:\n  - url: " + origin.baseUri() + "\n", withSecret, "");
  }

  /**
   * The seeder's metainfo of blob {@code digest} of {@code library/app} on {@code origin}, asked as
   * a member: the seeder fetches the blob and seeds it.
   */
  Metainfo seederMetainfo(OriginRegistry origin, String digest)
      throws IOException, MetainfoException {
    Response torrent =
        memberGet(
            MEMBER_SOURCE,
            seederUrl,
            "/metainfo/" + digest + "?registry=" + origin.hostPort() + "&repo=library/app");
    if (torrent.status() != 200) {
      throw new IOException(
          "metainfo of " + digest + ": " + torrent.status() + " " + torrent.text());
    }
    return Metainfo.parse(torrent.body());
  }

  /** An agent of this cluster (same config, same secret) on {@code 127.0.0.1:<port>}. */
  DaemonProcess agent(String name, int port) throws IOException, InterruptedException {
    return bed.daemon(
        name,
        "agent",
        "--config",
        config.toString(),
        "--listen",
        "127.0.0.1:" + port,
        "--peer-listen",
        "127.0.0.1:0",
        "--data",
        bed.work().resolve(name).toString(),
        "--tracker",
        trackerUrl,
        "--admin-socket",
        "");
  }

  /** The secret as the daemons read it (the file's text), if there is one. */
  Optional<String> secretText() throws IOException {
    return secretFile.isEmpty()
        ? Optional.empty()
        : Optional.of(SecretFiles.content(secretFile.get()));
  }

  /** An HTTP GET from {@code source}, signed as a member signs it. */
  Response memberGet(String source, String baseUrl, String target) throws IOException {
    URI uri = URI.create(baseUrl + target);
    List<String> headers = new ArrayList<>();
    member.sign("GET", uri).ifPresent(s -> headers.add(HttpSignature.HEADER + ": " + s));
    return raw(source, uri, "GET", headers, new byte[0]);
  }

  /** An unsigned HTTP GET from {@code source}: what anyone can send. */
  static Response get(String source, String baseUrl, String target) throws IOException {
    return raw(source, URI.create(baseUrl + target), "GET", List.of(), new byte[0]);
  }

  /** One HTTP/1.1 request with {@code Connection: close} from a socket bound to {@code source}. */
  static Response raw(String source, URI uri, String method, List<String> headers, byte[] body)
      throws IOException {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
      socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5_000);
      socket.setSoTimeout(120_000);
      StringBuilder head =
          new StringBuilder(method)
              .append(' ')
              .append(HttpSignature.target(uri))
              .append(" HTTP/1.1\r\nHost: ")
              .append(uri.getHost())
              .append(':')
              .append(uri.getPort())
              .append("\r\nConnection: close\r\nContent-Length: ")
              .append(body.length)
              .append("\r\n");
      headers.forEach(h -> head.append(h).append("\r\n"));
      head.append("\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
      InputStream in = socket.getInputStream();
      return Response.parse(in.readAllBytes());
    }
  }

  /** A parsed HTTP/1.1 response (the body as sent, no chunked encoding). */
  record Response(int status, String head, byte[] body) {
    static Response parse(byte[] all) {
      String text = new String(all, StandardCharsets.ISO_8859_1);
      int end = text.indexOf("\r\n\r\n");
      String head = end < 0 ? text : text.substring(0, end);
      byte[] body = end < 0 ? new byte[0] : java.util.Arrays.copyOfRange(all, end + 4, all.length);
      int status = head.length() >= 12 ? Integer.parseInt(head.substring(9, 12)) : -1;
      return new Response(status, head, body);
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** Every file under the work directory whose name ends with {@code suffix}. */
  List<Path> files(String suffix) throws IOException {
    try (Stream<Path> all = Files.walk(bed.work())) {
      return all.filter(Files::isRegularFile)
          .filter(p -> p.getFileName().toString().endsWith(suffix))
          .toList();
    }
  }

  @Override
  public void close() {
    bed.close();
  }
}
