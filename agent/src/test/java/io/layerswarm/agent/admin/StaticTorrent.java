package io.layerswarm.agent.admin;

import io.layerswarm.core.Digest;
import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.swarm.PeerSnapshot;
import io.layerswarm.swarm.Torrent;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A torrent whose counters and peers the test sets; its metainfo is real, named by the content's
 * digest.
 */
record StaticTorrent(
    Metainfo metainfo,
    long verifiedBytes,
    int connectedPeers,
    long uploadedBytes,
    long downloadedBytes,
    List<PeerSnapshot> peerList)
    implements Torrent {

  StaticTorrent {
    peerList = List.copyOf(peerList);
  }

  /** With {@code connectedPeers} counted but no peer listed. */
  StaticTorrent(
      Metainfo metainfo,
      long verifiedBytes,
      int connectedPeers,
      long uploadedBytes,
      long downloadedBytes) {
    this(metainfo, verifiedBytes, connectedPeers, uploadedBytes, downloadedBytes, List.of());
  }

  /** Metainfo for {@code content}, written to {@code dir}. */
  static Metainfo metainfo(Path dir, byte[] content) {
    try {
      Digest digest = Digest.sha256(content);
      Path file = Files.write(dir.resolve(digest.hex()), content);
      return Metainfo.create(
          file, digest.hex(), List.of(URI.create("http://tracker/announce")), 16 * 1024);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public long duplicateBytes() {
    return 0;
  }

  @Override
  public InfoHash infoHash() {
    return metainfo.infoHash();
  }

  @Override
  public boolean isComplete() {
    return verifiedBytes == metainfo.length();
  }

  @Override
  public CompletableFuture<Path> completion() {
    return new CompletableFuture<>();
  }

  @Override
  public CompletableFuture<List<PeerSnapshot>> peers() {
    return CompletableFuture.completedFuture(peerList);
  }

  @Override
  public InputStream openStream(long offset) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void addPeers(Collection<InetSocketAddress> peers) {
    throw new UnsupportedOperationException();
  }
}
