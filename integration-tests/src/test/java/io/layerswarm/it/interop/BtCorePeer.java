package io.layerswarm.it.interop;

import bt.Bt;
import bt.data.file.FileSystemStorage;
import bt.protocol.crypto.EncryptionPolicy;
import bt.runtime.BtClient;
import bt.runtime.BtRuntime;
import bt.runtime.Config;
import bt.torrent.TorrentSessionState;
import bt.tracker.http.HttpTrackerModule;
import java.io.IOException;
import java.net.InetAddress;
import java.net.MalformedURLException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One torrent in atomashpolskiy bt-core 1.10, in this JVM, with a runtime of its own.
 *
 * <p>One runtime per torrent, always: bt keeps a runtime-wide block buffer keyed by piece index and
 * offset but not by torrent, so two torrents in one runtime corrupt each other's pieces (see the
 * project's design notes). MSE is off: our engine speaks plain BEP 3 only. No PEX, no local
 * discovery; the HTTP tracker client is the only peer source.
 */
public final class BtCorePeer implements AutoCloseable {

  private static final long STATE_PERIOD_MILLIS = 200;

  private final BtRuntime runtime;
  private final BtClient client;
  private final CompletableFuture<?> future;
  private final boolean seeding;
  private volatile TorrentSessionState state;

  /** Completes with the first state report that shows every piece verified. */
  private final CompletableFuture<Void> complete = new CompletableFuture<>();

  private BtCorePeer(BtRuntime runtime, BtClient client, boolean seeding) {
    this.runtime = runtime;
    this.client = client;
    this.seeding = seeding;
    this.future =
        client.startAsync(
            s -> {
              state = s;
              if (isComplete()) {
                complete.complete(null);
              }
            },
            STATE_PERIOD_MILLIS);
  }

  /**
   * Starts bt on {@code 127.0.0.1:port} for {@code torrentFile} with its data in {@code dataDir}: a
   * seed if {@code dataDir} holds the complete file (bt checks it first), otherwise a download that
   * stops when complete (then {@link #completion()} completes).
   */
  public static BtCorePeer start(Path torrentFile, Path dataDir, int port, boolean seed)
      throws IOException {
    Files.createDirectories(dataDir);
    Config config = new Config();
    config.setAcceptorAddress(InetAddress.getLoopbackAddress());
    config.setAcceptorPort(port);
    config.setMseDisabled(true);
    config.setEncryptionPolicy(EncryptionPolicy.REQUIRE_PLAINTEXT);
    // Ask the tracker again soon if the first answer had no usable peer (the default is minutes).
    config.setTrackerQueryInterval(Duration.ofSeconds(5));
    config.setPeerDiscoveryInterval(Duration.ofSeconds(1));
    BtRuntime runtime =
        BtRuntime.builder(config)
            .module(new HttpTrackerModule())
            .disablePeerExchange()
            .disableLocalServiceDiscovery()
            .disableAutomaticShutdown()
            .build();
    try {
      var builder =
          Bt.client(runtime)
              .storage(new FileSystemStorage(dataDir))
              .torrent(torrentFile.toUri().toURL());
      if (!seed) {
        builder.stopWhenDownloaded();
      }
      return new BtCorePeer(runtime, builder.build(), seed);
    } catch (MalformedURLException | RuntimeException e) {
      runtime.shutdown();
      throw new IOException("bt could not start on " + torrentFile + ": " + e, e);
    }
  }

  /** The last state bt reported (every 200 ms), or null before the first report. */
  public TorrentSessionState state() {
    return state;
  }

  /** True once bt has every piece verified (a seed). */
  public boolean isComplete() {
    TorrentSessionState s = state;
    return s != null && s.getPiecesTotal() > 0 && s.getPiecesRemaining() == 0;
  }

  /** For a download: completes when bt has every piece and stopped; fails if bt failed. */
  public CompletableFuture<?> completion() {
    return future;
  }

  public boolean isSeeding() {
    return seeding;
  }

  /** Blocks until {@link #isComplete()}, bounded by {@code timeout}. */
  public void awaitComplete(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      // Whichever comes first: a state report with every piece, or bt ending (a download stops
      // when complete; a failure ends it too).
      CompletableFuture.anyOf(complete, future).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      throw new IOException("bt failed: " + describe(), e.getCause());
    } catch (TimeoutException e) {
      throw new IOException("bt not complete within " + timeout.toSeconds() + " s: " + describe());
    }
    if (!seeding) {
      try {
        future.get(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        throw new IOException("bt failed: " + describe(), e.getCause());
      } catch (TimeoutException e) {
        throw new IOException("bt did not stop after completing: " + describe(), e);
      }
    }
  }

  public String describe() {
    TorrentSessionState s = state;
    return s == null
        ? "no state yet"
        : "pieces "
            + s.getPiecesComplete()
            + "/"
            + s.getPiecesTotal()
            + ", downloaded "
            + s.getDownloaded()
            + " B, uploaded "
            + s.getUploaded()
            + " B, peers "
            + s.getConnectedPeers().size();
  }

  /** Stops the client and its runtime (closing its port and files); never throws. */
  @Override
  public void close() {
    try {
      if (client.isStarted()) {
        client.stop();
      }
    } catch (RuntimeException ignored) {
      // stopping a client that failed can throw; the runtime shutdown below still releases it
    } finally {
      runtime.shutdown();
    }
  }
}
