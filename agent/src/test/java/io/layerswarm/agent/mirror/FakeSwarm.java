package io.layerswarm.agent.mirror;

import io.layerswarm.swarm.Torrent;
import io.layerswarm.swarm.metainfo.InfoHash;
import io.layerswarm.swarm.metainfo.Metainfo;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** A swarm whose downloads the test finishes by hand. Records what the fetcher asked of it. */
final class FakeSwarm implements Swarm {
  record Download(Metainfo metainfo, Path partFile, Path finalFile, FakeTorrent torrent) {}

  record Seed(Metainfo metainfo, Path file) {}

  final List<Download> downloads = new CopyOnWriteArrayList<>();
  final List<Seed> seeds = new CopyOnWriteArrayList<>();
  final List<InfoHash> removed = new CopyOnWriteArrayList<>();

  @Override
  public Torrent download(Metainfo metainfo, Path partFile, Path finalFile) {
    FakeTorrent torrent = new FakeTorrent(metainfo, finalFile);
    downloads.add(new Download(metainfo, partFile, finalFile, torrent));
    return torrent;
  }

  @Override
  public Torrent seed(Metainfo metainfo, Path file) {
    seeds.add(new Seed(metainfo, file));
    FakeTorrent torrent = new FakeTorrent(metainfo, file);
    torrent.completion.complete(file);
    return torrent;
  }

  @Override
  public void remove(InfoHash infoHash) {
    removed.add(infoHash);
    for (Download download : downloads) {
      if (download.metainfo().infoHash().equals(infoHash)) {
        download.torrent().completion.completeExceptionally(
            new IOException("torrent " + infoHash + " removed"));
      }
    }
  }

  Download onlyDownload() {
    if (downloads.size() != 1) {
      throw new AssertionError("expected one download, got " + downloads);
    }
    return downloads.get(0);
  }

  static final class FakeTorrent implements Torrent {
    private final Metainfo metainfo;
    private final Path finalFile;
    final CompletableFuture<Path> completion = new CompletableFuture<>();
    volatile long verifiedBytes;

    FakeTorrent(Metainfo metainfo, Path finalFile) {
      this.metainfo = metainfo;
      this.finalFile = finalFile;
    }

    /** Writes {@code content} as the finished download and completes. */
    void finish(byte[] content) throws IOException {
      Files.write(finalFile, content);
      verifiedBytes = content.length;
      completion.complete(finalFile);
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
      return 0;
    }

    @Override
    public long uploadedBytes() {
      return 0;
    }

    @Override
    public long downloadedBytes() {
      return verifiedBytes;
    }

    @Override
    public InputStream openStream(long offset) {
      throw new UnsupportedOperationException("not used by the fetcher yet");
    }

    @Override
    public void addPeers(Collection<InetSocketAddress> peers) {}
  }
}
