package io.layerswarm.agent.mirror;

import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.swarm.PeerSnapshot;
import io.layerswarm.swarm.Torrent;
import io.layerswarm.testing.Await;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A swarm whose downloads the test drives by hand: it provides the bytes, marks how many are
 * verified, and finishes. Records what the fetcher asked of it.
 */
final class FakeSwarm implements Swarm {
  record Download(Metainfo metainfo, Path partFile, Path finalFile, FakeTorrent torrent) {}

  record Seed(Metainfo metainfo, Path file, FakeTorrent torrent) {}

  final List<Download> downloads = new CopyOnWriteArrayList<>();
  final List<Seed> seeds = new CopyOnWriteArrayList<>();
  final List<InfoHash> removed = new CopyOnWriteArrayList<>();

  @Override
  public Torrent download(Metainfo metainfo, Path partFile, Path finalFile) {
    FakeTorrent torrent = new FakeTorrent(metainfo, finalFile);
    downloads.add(new Download(metainfo, partFile, finalFile, torrent));
    return torrent;
  }

  /** As the engine: a torrent already running for the info hash is returned, nothing is added. */
  @Override
  public Torrent seed(Metainfo metainfo, Path file) {
    for (Torrent running : torrents()) {
      if (running.infoHash().equals(metainfo.infoHash())) {
        return running;
      }
    }
    FakeTorrent torrent = new FakeTorrent(metainfo, file);
    seeds.add(new Seed(metainfo, file, torrent));
    torrent.completion.complete(file);
    return torrent;
  }

  @Override
  public void remove(InfoHash infoHash) {
    removed.add(infoHash);
    for (Download download : downloads) {
      if (download.metainfo().infoHash().equals(infoHash)) {
        download.torrent().remove();
      }
    }
    for (Seed seed : seeds) {
      if (seed.metainfo().infoHash().equals(infoHash)) {
        seed.torrent().remove();
      }
    }
  }

  /** Torrents not removed, as an engine would list them. */
  Collection<Torrent> torrents() {
    List<Torrent> result = new ArrayList<>();
    for (Download download : downloads) {
      if (!download.torrent().removed()) {
        result.add(download.torrent());
      }
    }
    for (Seed seed : seeds) {
      if (!seed.torrent().removed()) {
        result.add(seed.torrent());
      }
    }
    return result;
  }

  /**
   * The one download, waiting (at most 10 s) for it to be registered: the fetcher starts it on its
   * own thread after the metainfo arrives.
   */
  Download onlyDownload() {
    Await.until(
        "the fetcher to start a download", Duration.ofSeconds(10), () -> !downloads.isEmpty());
    if (downloads.size() != 1) {
      throw new AssertionError("expected one download, got " + downloads);
    }
    return downloads.get(0);
  }

  static final class FakeTorrent implements Torrent {
    private final Metainfo metainfo;
    private final Path finalFile;
    final CompletableFuture<Path> completion = new CompletableFuture<>();
    final CompletableFuture<Optional<String>> trackersDown = new CompletableFuture<>();
    volatile long verifiedBytes;
    private volatile long receivedBytes;
    volatile long uploadedBytes;
    volatile int connectedPeers;
    volatile List<PeerSnapshot> peers = List.of();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private byte[] content;
    private boolean removed;

    FakeTorrent(Metainfo metainfo, Path finalFile) {
      this.metainfo = metainfo;
      this.finalFile = finalFile;
    }

    /** The bytes this download will have; streams read verified ones from here. */
    void provide(byte[] bytes) {
      lock.lock();
      try {
        content = bytes.clone();
      } finally {
        lock.unlock();
      }
    }

    /** Marks the first {@code bytes} verified, waking streams. */
    void verifyUpTo(long bytes) {
      lock.lock();
      try {
        verifiedBytes = bytes;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }

    /**
     * Pieces beyond the verified start arrived too ({@code bytes} needed in all), as a rarest-first
     * download has them.
     */
    void received(long bytes) {
      receivedBytes = bytes;
    }

    /** Writes {@code content} as the finished download and completes. */
    void finish(byte[] bytes) throws IOException {
      Files.write(finalFile, bytes);
      lock.lock();
      try {
        if (content == null) {
          content = bytes.clone();
        }
        verifiedBytes = bytes.length;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
      completion.complete(finalFile);
    }

    void remove() {
      lock.lock();
      try {
        removed = true;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
      completion.completeExceptionally(new IOException("torrent " + infoHash() + " removed"));
    }

    boolean removed() {
      lock.lock();
      try {
        return removed;
      } finally {
        lock.unlock();
      }
    }

    @Override
    public CompletableFuture<Optional<String>> trackersDown() {
      return trackersDown;
    }

    @Override
    public InfoHash infoHash() {
      return metainfo.infoHash();
    }

    @Override
    public Metainfo metainfo() {
      return metainfo;
    }

    @Override
    public CompletableFuture<Path> completion() {
      return completion;
    }

    @Override
    public long verifiedBytes() {
      return verifiedBytes;
    }

    @Override
    public boolean isComplete() {
      return completion.isDone() && !completion.isCompletedExceptionally();
    }

    @Override
    public int connectedPeers() {
      return connectedPeers;
    }

    @Override
    public long uploadedBytes() {
      return uploadedBytes;
    }

    @Override
    public long downloadedBytes() {
      return Math.max(verifiedBytes, receivedBytes);
    }

    @Override
    public long duplicateBytes() {
      return 0;
    }

    @Override
    public CompletableFuture<List<PeerSnapshot>> peers() {
      return CompletableFuture.completedFuture(removed() ? List.of() : peers);
    }

    /** Like the engine's: verified bytes in order, blocking for more, failing once removed. */
    @Override
    public InputStream openStream(long offset) {
      if (offset < 0 || offset > metainfo.length()) {
        throw new IllegalArgumentException("offset " + offset);
      }
      return new InputStream() {
        private long position = offset;

        @Override
        public int read() throws IOException {
          byte[] one = new byte[1];
          int n = read(one, 0, 1);
          return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          Objects.checkFromIndexSize(off, len, b.length);
          if (position >= metainfo.length()) {
            return -1;
          }
          lock.lock();
          try {
            while (content == null || verifiedBytes <= position) {
              if (removed) {
                throw new IOException("torrent " + infoHash() + " was removed");
              }
              if (!changed.await(30, TimeUnit.SECONDS)) {
                throw new IOException("test never verified byte " + position);
              }
            }
            int n = (int) Math.min(len, verifiedBytes - position);
            System.arraycopy(content, (int) position, b, off, n);
            position += n;
            return n;
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted at " + position);
          } finally {
            lock.unlock();
          }
        }

        @Override
        public int available() {
          lock.lock();
          try {
            return content == null ? 0 : (int) Math.max(0, verifiedBytes - position);
          } finally {
            lock.unlock();
          }
        }
      };
    }

    @Override
    public void addPeers(Collection<InetSocketAddress> peers) {}
  }
}
