package io.layerswarm.it.bench;

import io.layerswarm.core.auth.ClusterKey;
import io.layerswarm.core.auth.ClusterSecret;
import io.layerswarm.core.auth.KeyPurpose;
import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.PeerId;
import io.layerswarm.core.metainfo.PieceLength;
import io.layerswarm.swarm.EngineConfig;
import io.layerswarm.swarm.SwarmEngine;
import io.layerswarm.swarm.Torrent;
import io.layerswarm.swarm.wire.MemberProof;
import io.layerswarm.swarm.wire.MemberProof.Role;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * What admitting only cluster members costs on the peer wire (decision 14): the HMAC membership
 * proof ({@link MemberProof}) against mutual TLS with a cluster CA (Netty's {@link SslHandler}, TLS
 * 1.3, the JDK's provider, EC P-256 member certificates signed by a CA, made with keytool) and
 * against plaintext. Not a test; needs Linux (epoll). Three measurements, each after a warm-up in
 * the same JVM, CPU being the whole process's (both ends of every connection, JIT and GC included):
 *
 * <ul>
 *   <li><b>engine</b>: two {@link SwarmEngine}s in this process, one seeding a blob of {@code
 *       --mib} MiB to the other over loopback, in open mode and with a cluster secret (plaintext
 *       after the proof): MB/s and CPU-s per GiB of the whole download, SHA-1 and disk included;
 *   <li><b>pipe</b>: the same bytes from the same file over one loopback connection in 16 KiB
 *       blocks, as the engine uploads pieces: plaintext as file regions (sendfile, as the engine
 *       sends them), TLS as buffers read from the file and encrypted (an {@link SslHandler} cannot
 *       send a file region); the receiver only counts. The difference is what TLS adds per GiB;
 *   <li><b>handshakes</b>: {@code --connections} connections one after another, each opened,
 *       admitted and closed: the BitTorrent handshake alone, with the membership proof, and after a
 *       mutual TLS handshake: CPU and wall time per connection.
 * </ul>
 *
 * <pre>
 * PeerWireCost --dir D [--mib 512] [--connections 500]
 * </pre>
 *
 * Prints a Markdown table.
 */
public final class PeerWireCost {
  private static final int BLOCK = 16 * 1024;
  private static final int WINDOW = 64; // blocks in flight per connection, 1 MiB
  private static final int HANDSHAKE = 68;
  private static final String PASSWORD = "changeit";

  private enum Admit {
    PLAIN,
    HMAC,
    TLS
  }

  private final Path dir;
  private final EventLoopGroup group;
  private final SslContext tlsServer;
  private final SslContext tlsClient;
  private final ClusterKey peerKey = ClusterSecret.random().key(KeyPurpose.PEER);
  private final List<String> rows = new ArrayList<>();

  private PeerWireCost(Path dir) throws Exception {
    this.dir = dir;
    this.group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
    Path ca = Files.createDirectories(dir.resolve("ca"));
    Files.deleteIfExists(ca.resolve("cluster.p12"));
    keytool(ca, "-genkeypair", "-alias", "ca", "-dname", "CN=cluster-ca", "-ext", "bc:c");
    member(ca, "server");
    member(ca, "client");
    this.tlsServer =
        SslContextBuilder.forServer(keys(ca, "server"))
            .trustManager(trust(ca))
            .clientAuth(ClientAuth.REQUIRE)
            .sslProvider(SslProvider.JDK)
            .protocols("TLSv1.3")
            .build();
    this.tlsClient =
        SslContextBuilder.forClient()
            .keyManager(keys(ca, "client"))
            .trustManager(trust(ca))
            .sslProvider(SslProvider.JDK)
            .protocols("TLSv1.3")
            .build();
  }

  public static void main(String[] args) throws Exception {
    Path dir = null;
    long mib = 512;
    int connections = 500;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--dir" -> dir = Path.of(args[i + 1]);
        case "--mib" -> mib = Long.parseLong(args[i + 1]);
        case "--connections" -> connections = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (dir == null || !Epoll.isAvailable()) {
      System.err.println("usage: PeerWireCost --dir D [--mib 512] [--connections 500] (Linux)");
      System.exit(1);
    }
    Files.createDirectories(dir);
    PeerWireCost bench = new PeerWireCost(dir);
    try {
      bench.run(mib << 20, connections);
    } finally {
      bench.group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  private void run(long bytes, int connections) throws Exception {
    Path blob = randomFile(dir.resolve("blob"), bytes);
    Path warm = randomFile(dir.resolve("warm"), Math.min(bytes, 64L << 20));
    // Warm-up: JIT and pools, every path once, not measured.
    engine(warm, false, false);
    engine(warm, true, false);
    pipe(warm, false, false);
    pipe(warm, true, false);
    for (Admit admit : Admit.values()) {
      handshakes(admit, Math.max(50, connections / 5), false);
    }
    System.out.println("| measure | admission | MB/s | CPU-s/GiB (both ends) | per connection |");
    System.out.println("|---|---|---:|---:|---:|");
    engine(blob, false, true);
    engine(blob, true, true);
    pipe(blob, false, true);
    pipe(blob, true, true);
    for (Admit admit : Admit.values()) {
      handshakes(admit, connections, true);
    }
    rows.forEach(System.out::println);
  }

  // ---- engine -----------------------------------------------------------------------------------

  private void engine(Path blob, boolean secret, boolean report) throws Exception {
    long size = Files.size(blob);
    Metainfo metainfo = Metainfo.create(blob, "blob", List.of(), PieceLength.forSize(size));
    InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    EngineConfig config = EngineConfig.defaults(loopback);
    if (secret) {
      config = config.withClusterSecret(ClusterSecret.random());
    }
    Path got = dir.resolve("got");
    Path part = dir.resolve("part");
    Files.deleteIfExists(got);
    try (SwarmEngine seeder = SwarmEngine.start(config);
        SwarmEngine leecher = SwarmEngine.start(config)) {
      seeder.seed(metainfo, blob).completion().get(5, TimeUnit.MINUTES); // Checked before.
      long cpu0 = cpuNanos();
      long t0 = System.nanoTime();
      Torrent torrent = leecher.download(metainfo, part, got);
      torrent.addPeers(List.of(seeder.listenAddress()));
      torrent.completion().get(10, TimeUnit.MINUTES);
      long wall = System.nanoTime() - t0;
      long cpu = cpuNanos() - cpu0;
      if (report) {
        rows.add(
            row("engine, " + fmtMib(size), secret ? "HMAC proof" : "plaintext", size, wall, cpu));
      }
    } finally {
      Files.deleteIfExists(got);
    }
  }

  // ---- pipe -------------------------------------------------------------------------------------

  private void pipe(Path blob, boolean tls, boolean report) throws Exception {
    long size = Files.size(blob);
    CompletableFuture<Long> received = new CompletableFuture<>();
    Channel server =
        new ServerBootstrap()
            .group(group)
            .channel(EpollServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    if (tls) {
                      ch.pipeline().addLast(tlsServer.newHandler(ch.alloc()));
                    }
                    ch.pipeline().addLast(new Sink(size, received));
                  }
                })
            .bind(InetAddress.getLoopbackAddress(), 0)
            .sync()
            .channel();
    try (FileChannel file = FileChannel.open(blob, StandardOpenOption.READ)) {
      long cpu0 = cpuNanos();
      long t0 = System.nanoTime();
      Channel client =
          new Bootstrap()
              .group(group)
              .channel(EpollSocketChannel.class)
              .handler(
                  new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                      if (tls) {
                        ch.pipeline().addLast(client(ch, server));
                      }
                      ch.pipeline().addLast(new Uploader(file, size, tls));
                    }
                  })
              .connect(server.localAddress())
              .sync()
              .channel();
      received.get(3, TimeUnit.MINUTES);
      long wall = System.nanoTime() - t0;
      long cpu = cpuNanos() - cpu0;
      String suite = tls ? cipher(client) : "";
      client.close().sync();
      if (report) {
        rows.add(
            row(
                "pipe, " + fmtMib(size) + " in 16 KiB blocks",
                tls ? "mutual TLS 1.3 (" + suite + ")" : "plaintext (HMAC proof alike)",
                size,
                wall,
                cpu));
      }
    } finally {
      server.close().sync();
    }
  }

  private static String cipher(Channel ch) {
    SslHandler ssl = ch.pipeline().get(SslHandler.class);
    return ssl.engine().getSession().getCipherSuite();
  }

  /** Sends a file's bytes in blocks, at most {@link #WINDOW} blocks written and not yet sent. */
  private static final class Uploader extends ChannelInboundHandlerAdapter {
    private final FileChannel file;
    private final long size;
    private final boolean tls;
    private long next;
    private int inFlight;

    Uploader(FileChannel file, long size, boolean tls) {
      this.file = file;
      this.size = size;
      this.tls = tls;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      if (tls) {
        ctx.pipeline()
            .get(SslHandler.class)
            .handshakeFuture()
            .addListener(f -> ctx.executor().execute(() -> fill(ctx)));
      } else {
        fill(ctx);
      }
      ctx.fireChannelActive();
    }

    private void fill(ChannelHandlerContext ctx) {
      while (inFlight < WINDOW && next < size) {
        int length = (int) Math.min(BLOCK, size - next);
        ChannelFuture sent;
        if (tls) {
          ByteBuf block = ctx.alloc().directBuffer(length);
          try {
            block.writeBytes(file, next, length);
          } catch (IOException e) {
            block.release();
            ctx.close();
            return;
          }
          sent = ctx.write(block);
        } else {
          // A plain DefaultFileRegion closes the file once sent, as the engine's do not.
          sent =
              ctx.write(
                  new DefaultFileRegion(file, next, length) {
                    @Override
                    protected void deallocate() {}
                  });
        }
        next += length;
        inFlight++;
        sent.addListener(
            f -> {
              inFlight--;
              if (f.isSuccess()) {
                fill(ctx);
              } else {
                ctx.close(); // The receiver then fails the run.
              }
            });
      }
      ctx.flush();
    }
  }

  /** Counts what arrives and completes once {@code size} bytes did. */
  private static final class Sink extends ChannelInboundHandlerAdapter {
    private final long size;
    private final CompletableFuture<Long> done;
    private long count;

    Sink(long size, CompletableFuture<Long> done) {
      this.size = size;
      this.done = done;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      count += ((ByteBuf) msg).readableBytes();
      ReferenceCountUtil.release(msg);
      if (count >= size) {
        done.complete(count);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      done.completeExceptionally(cause);
      ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      done.completeExceptionally(new IOException("closed after " + count + " bytes"));
      ctx.fireChannelInactive();
    }
  }

  // ---- handshakes -------------------------------------------------------------------------------

  private void handshakes(Admit admit, int count, boolean report) throws Exception {
    InfoHash infoHash = new InfoHash(new byte[20]);
    Channel server =
        new ServerBootstrap()
            .group(group)
            .channel(EpollServerSocketChannel.class)
            .childHandler(
                initializer(
                    admit,
                    () -> new Admitter(admit, false, infoHash, peerKey),
                    ch -> tlsServer.newHandler(ch.alloc()),
                    null))
            .bind(InetAddress.getLoopbackAddress(), 0)
            .sync()
            .channel();
    try {
      long cpu0 = cpuNanos();
      long t0 = System.nanoTime();
      for (int i = 0; i < count; i++) {
        CompletableFuture<Void> admitted = new CompletableFuture<>();
        Channel client =
            new Bootstrap()
                .group(group)
                .channel(EpollSocketChannel.class)
                .handler(
                    initializer(
                        admit,
                        () -> new Admitter(admit, true, infoHash, peerKey),
                        ch -> client(ch, server),
                        admitted))
                .connect(server.localAddress())
                .sync()
                .channel();
        admitted.get(30, TimeUnit.SECONDS);
        client.close().sync();
      }
      long wall = System.nanoTime() - t0;
      long cpu = cpuNanos() - cpu0;
      if (report) {
        String what =
            switch (admit) {
              case PLAIN -> "BitTorrent handshake only";
              case HMAC -> "handshake + HMAC proof";
              case TLS -> "mutual TLS 1.3 + handshake";
            };
        rows.add(
            String.format(
                Locale.ROOT,
                "| %d connections, opened, admitted, closed | %s | – | – | %.2f ms CPU, %.2f ms"
                    + " wall |",
                count,
                what,
                cpu / 1e6 / count,
                wall / 1e6 / count));
      }
    } finally {
      server.close().sync();
    }
  }

  /** The client's TLS handler, which checks the server's certificate names its address. */
  private SslHandler client(Channel ch, Channel server) {
    InetSocketAddress to = (InetSocketAddress) server.localAddress();
    return tlsClient.newHandler(ch.alloc(), to.getHostString(), to.getPort());
  }

  private static ChannelInitializer<Channel> initializer(
      Admit admit,
      Supplier<Admitter> admitter,
      Function<Channel, SslHandler> tls,
      CompletableFuture<Void> admitted) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        if (admit == Admit.TLS) {
          ch.pipeline().addLast(tls.apply(ch));
        }
        Admitter a = admitter.get();
        a.admitted = admitted;
        ch.pipeline().addLast(a);
      }
    };
  }

  /**
   * One side of an admission: BEP 3 handshakes (after the TLS handshake, with TLS), and with HMAC
   * the nonces and proofs as {@link MemberProof} specifies, the proofs made and checked with the
   * cluster key.
   */
  private static final class Admitter extends ChannelInboundHandlerAdapter {
    private final Admit admit;
    private final boolean dialer;
    private final InfoHash infoHash;
    private final ClusterKey key;
    private final PeerId self = PeerId.random();
    private final MemberProof.Nonce nonce = MemberProof.nonce();
    private ByteBuf in;
    private MemberProof.Exchange exchange;
    private CompletableFuture<Void> admitted;

    Admitter(Admit admit, boolean dialer, InfoHash infoHash, ClusterKey key) {
      this.admit = admit;
      this.dialer = dialer;
      this.infoHash = infoHash;
      this.key = key;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      in = ctx.alloc().buffer(256);
      if (dialer) {
        if (admit == Admit.TLS) {
          ctx.pipeline()
              .get(SslHandler.class)
              .handshakeFuture()
              .addListener(
                  f -> {
                    if (f.isSuccess()) {
                      ctx.executor().execute(() -> hello(ctx));
                    } else {
                      fail(f.cause());
                    }
                  });
        } else {
          hello(ctx);
        }
      }
      ctx.fireChannelActive();
    }

    private void hello(ChannelHandlerContext ctx) {
      ByteBuf out = ctx.alloc().buffer(HANDSHAKE + MemberProof.NONCE_BYTES);
      out.writeByte(19).writeBytes("BitTorrent protocol".getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(new byte[] {0, 0, 0, (byte) (admit == Admit.HMAC ? 1 : 0), 0, 0, 0, 4});
      out.writeBytes(infoHash.bytes()).writeBytes(self.bytes());
      if (admit == Admit.HMAC) {
        out.writeBytes(nonce.bytes());
      }
      ctx.writeAndFlush(out);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf b = (ByteBuf) msg;
      in.writeBytes(b);
      b.release();
      int hello = HANDSHAKE + (admit == Admit.HMAC ? MemberProof.NONCE_BYTES : 0);
      if (exchange == null && in.readableBytes() >= hello) {
        byte[] theirs = new byte[hello];
        in.readBytes(theirs);
        if (!dialer) {
          hello(ctx);
        }
        if (admit != Admit.HMAC) {
          done();
          return;
        }
        PeerId peer = new PeerId(java.util.Arrays.copyOfRange(theirs, 48, 68));
        byte[] theirNonce = java.util.Arrays.copyOfRange(theirs, 68, hello);
        exchange =
            dialer
                ? new MemberProof.Exchange(infoHash, self, peer, nonce.bytes(), theirNonce)
                : new MemberProof.Exchange(infoHash, peer, self, theirNonce, nonce.bytes());
        if (dialer) {
          ctx.writeAndFlush(
              Unpooled.wrappedBuffer(MemberProof.proof(key, Role.DIALER, exchange).mac()));
        }
      }
      if (exchange != null && in.readableBytes() >= MemberProof.PROOF_BYTES) {
        byte[] proof = new byte[MemberProof.PROOF_BYTES];
        in.readBytes(proof);
        Role theirs = dialer ? Role.ACCEPTER : Role.DIALER;
        if (!MemberProof.verify(key, theirs, exchange, new MemberProof.Proof(proof))) {
          fail(new IllegalStateException("proof does not check"));
          ctx.close();
          return;
        }
        if (!dialer) {
          ctx.writeAndFlush(
              Unpooled.wrappedBuffer(MemberProof.proof(key, Role.ACCEPTER, exchange).mac()));
        }
        done();
      }
    }

    private void done() {
      if (admitted != null) {
        admitted.complete(null);
      }
    }

    private void fail(Throwable cause) {
      if (admitted != null) {
        admitted.completeExceptionally(cause);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      fail(cause);
      ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      in.release();
      fail(new IOException("closed before admission"));
      ctx.fireChannelInactive();
    }
  }

  // ---- TLS material: a cluster CA and two members, made with keytool ----------------------------

  private static void member(Path ca, String name) throws Exception {
    keytool(ca, "-genkeypair", "-alias", name, "-dname", "CN=" + name, "-ext", "san=ip:127.0.0.1");
    Path csr = ca.resolve(name + ".csr");
    Path crt = ca.resolve(name + ".crt");
    keytool(ca, "-certreq", "-alias", name, "-file", csr.toString());
    keytool(
        ca,
        "-gencert",
        "-alias",
        "ca",
        "-infile",
        csr.toString(),
        "-outfile",
        crt.toString(),
        "-ext",
        "san=ip:127.0.0.1");
    keytool(ca, "-importcert", "-alias", name, "-file", crt.toString(), "-noprompt");
  }

  private static void keytool(Path ca, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    command.addAll(
        List.of(
            "-keyalg",
            "EC",
            "-groupname",
            "secp256r1",
            "-validity",
            "2",
            "-storetype",
            "PKCS12",
            "-keystore",
            ca.resolve("cluster.p12").toString(),
            "-storepass",
            PASSWORD,
            "-keypass",
            PASSWORD));
    if (!List.of(args).get(0).equals("-genkeypair")) {
      // Only -genkeypair takes the key options.
      int at = command.indexOf("-keyalg");
      command.subList(at, at + 6).clear();
    }
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("keytool " + String.join(" ", args) + ": " + output);
    }
  }

  private static KeyStore store(Path ca) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(ca.resolve("cluster.p12"))) {
      store.load(in, PASSWORD.toCharArray());
    }
    return store;
  }

  /** The key manager of member {@code name} only (its key and chain up to the CA). */
  private static KeyManagerFactory keys(Path ca, String name) throws Exception {
    KeyStore all = store(ca);
    KeyStore one = KeyStore.getInstance("PKCS12");
    one.load(null, null);
    one.setKeyEntry(
        name,
        all.getKey(name, PASSWORD.toCharArray()),
        PASSWORD.toCharArray(),
        all.getCertificateChain(name));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(one, PASSWORD.toCharArray());
    return kmf;
  }

  /** Trusts the cluster CA only. */
  private static TrustManagerFactory trust(Path ca) throws Exception {
    KeyStore anchors = KeyStore.getInstance("PKCS12");
    anchors.load(null, null);
    anchors.setCertificateEntry("ca", store(ca).getCertificate("ca"));
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(anchors);
    return tmf;
  }

  // ---- figures ----------------------------------------------------------------------------------

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static String row(String measure, String admission, long bytes, long wall, long cpu) {
    double gib = bytes / (double) (1L << 30);
    return String.format(
        Locale.ROOT,
        "| %s | %s | %.1f | %.2f | – |",
        measure,
        admission,
        bytes / 1e6 / (wall / 1e9),
        cpu / 1e9 / gib);
  }

  private static String fmtMib(long bytes) {
    return (bytes >> 20) + " MiB";
  }

  private static Path randomFile(Path file, long size) throws IOException {
    if (Files.exists(file) && Files.size(file) == size) {
      return file;
    }
    Random random = new Random(size);
    byte[] chunk = new byte[1 << 20];
    try (FileChannel out =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      for (long written = 0; written < size; written += chunk.length) {
        random.nextBytes(chunk);
        int n = (int) Math.min(chunk.length, size - written);
        out.write(java.nio.ByteBuffer.wrap(chunk, 0, n));
      }
    }
    return file;
  }
}
