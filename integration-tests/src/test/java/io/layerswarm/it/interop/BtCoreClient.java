package io.layerswarm.it.interop;

import io.layerswarm.testbed.FreePorts;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/** bt-core 1.10 in this JVM, one runtime per torrent (see {@link BtCorePeer}). */
final class BtCoreClient implements ForeignClient {

  @Override
  public String name() {
    return "bt-core 1.10";
  }

  @Override
  public ForeignPeer seed(Path torrentFile, Path dataDir, Path workDir) throws IOException {
    return new Peer(BtCorePeer.start(torrentFile, dataDir, FreePorts.pick(), true));
  }

  @Override
  public ForeignPeer leech(Path torrentFile, Path dataDir, Path workDir) throws IOException {
    return new Peer(BtCorePeer.start(torrentFile, dataDir, FreePorts.pick(), false));
  }

  private record Peer(BtCorePeer bt) implements ForeignPeer {
    @Override
    public void awaitSeeding(Duration timeout) throws IOException, InterruptedException {
      bt.awaitComplete(timeout);
    }

    @Override
    public void awaitComplete(Duration timeout) throws IOException, InterruptedException {
      bt.awaitComplete(timeout);
    }

    @Override
    public String logTail() {
      return "bt: " + bt.describe() + " (bt logs through slf4j into the test output)";
    }

    @Override
    public void close() {
      bt.close();
    }
  }
}
