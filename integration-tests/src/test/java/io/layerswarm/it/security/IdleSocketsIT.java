package io.layerswarm.it.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.it.cluster.ClusterBed;
import io.layerswarm.testbed.DaemonProcess;
import io.layerswarm.testbed.FreePorts;
import io.layerswarm.testbed.Image;
import io.layerswarm.testbed.Skopeo;
import io.layerswarm.testbed.TestbedDirs;
import io.layerswarm.testing.Await;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, "one host can take every peer slot", against the built distribution: 1000 sockets that
 * never send a byte, from 8 loopback addresses, held against an agent's peer port (each one the
 * agent closes is opened again) while the agent pulls an image. The agent's incoming budget is
 * spent, but it still dials the seeder (outgoing connections have their own budget) and pulls every
 * blob from the swarm.
 */
class IdleSocketsIT {
  private static final int SOCKETS = 1000;
  private static final List<String> SOURCES =
      List.of(
          "127.0.0.10",
          "127.0.0.11",
          "127.0.0.12",
          "127.0.0.13",
          "127.0.0.14",
          "127.0.0.15",
          "127.0.0.16",
          "127.0.0.17");

  private ClusterBed bed;

  @AfterEach
  void stop() {
    if (bed != null) {
      bed.close();
    }
  }

  @Test
  void anAgentHeldBy1000IdleSocketsStillPullsEveryBlobFromTheSwarm() throws Exception {
    pullWhileIdleSocketsHold("agent");
  }

  @Test
  void aSeederHeldBy1000IdleSocketsStillServesAnAgentsPull() throws Exception {
    pullWhileIdleSocketsHold("seeder");
  }

  /**
   * An agent pulls the image while 1000 idle sockets hold the peer port of {@code target} ("agent"
   * or "seeder"): every blob must come from the swarm. The agent gets past its own spent budget by
   * dialing out; into the seeder's (a seed does not dial), by taking the slot of the oldest socket
   * still handshaking.
   */
  private void pullWhileIdleSocketsHold(String target) throws Exception {
    bed = new ClusterBed(TestbedDirs.create("security-idle-sockets-" + target));
    Image image = bed.image("image", 3, 12L << 20);
    SecureCluster cluster = SecureCluster.start(bed, SecureCluster.origin(bed, image), true);
    int port = FreePorts.pick();
    DaemonProcess agent = cluster.agent("agent", port);
    DaemonProcess held = target.equals("agent") ? agent : cluster.seeder;
    Path pullDir = bed.work().resolve("pull");
    Skopeo.Result pull;
    try (IdleSockets idle = IdleSockets.hold(ClusterBed.peerAddress(held), SOCKETS)) {
      Await.until(
          "1000 idle sockets open to the " + target,
          Duration.ofSeconds(30),
          () -> idle.open() >= 990);
      int heldAtStart = idle.open();
      pull = ClusterBed.pull("127.0.0.1:" + port, "library/app", "1", pullDir);
      System.out.printf(
          "idle sockets held against the %s: %d at the start of the pull, %d at its end; %d"
              + " opened in all%n",
          target, heldAtStart, idle.open(), idle.opened());
    }

    assertThat(pull.ok()).as("pull: %s", pull.output()).isTrue();
    assertThat(new TreeSet<>(Skopeo.readDir(pullDir).blobDigests()))
        .isEqualTo(ClusterBed.blobDigests(image));
    String metrics = ClusterBed.get(URI.create("http://127.0.0.1:" + port + "/metrics"));
    assertThat(ClusterBed.metric(metrics, "agent_blob_fetches_total", "result=\"swarm\""))
        .as("blobs from the swarm while the idle sockets held the %s's incoming budget", target)
        .isEqualTo(image.layers().size());
    // The config is tiny: it came inside its metainfo answer (decision 31).
    assertThat(ClusterBed.metric(metrics, "agent_blob_fetches_total", "result=\"inline\""))
        .isEqualTo(1);
    assertThat(ClusterBed.metric(metrics, "agent_origin_fallback_bytes_total", "")).isZero();
  }

  /**
   * {@code count} TCP connections to a peer port, spread over {@link #SOURCES}, that send nothing;
   * each one the other side closes is opened again, at most every 100 ms. One thread and a
   * selector.
   */
  static final class IdleSockets implements AutoCloseable {
    private final InetSocketAddress target;
    private final Selector selector;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong opened = new AtomicLong();
    private final List<Integer> closedSlots = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    private IdleSockets(InetSocketAddress target, int count) throws IOException {
      this.target = target;
      this.selector = Selector.open();
      for (int slot = 0; slot < count; slot++) {
        closedSlots.add(slot);
      }
      this.thread = new Thread(this::run, "idle-sockets");
      thread.setDaemon(true);
    }

    static IdleSockets hold(InetSocketAddress target, int count) throws IOException {
      IdleSockets sockets = new IdleSockets(target, count);
      sockets.thread.start();
      return sockets;
    }

    int open() {
      return open.get();
    }

    long opened() {
      return opened.get();
    }

    private void run() {
      ByteBuffer sink = ByteBuffer.allocate(256);
      // Bounded: at most 100 rounds of reopening each socket.
      long maxOpens = 100L * SOURCES.size() * 125;
      try {
        while (running && opened.get() < maxOpens) {
          List<Integer> reopen = new ArrayList<>(closedSlots);
          closedSlots.clear();
          for (int slot : reopen) {
            try {
              SocketChannel ch = SocketChannel.open();
              ch.bind(
                  new InetSocketAddress(
                      InetAddress.getByName(SOURCES.get(slot % SOURCES.size())), 0));
              ch.connect(target);
              ch.configureBlocking(false);
              ch.register(selector, SelectionKey.OP_READ, slot);
              open.incrementAndGet();
              opened.incrementAndGet();
            } catch (IOException e) {
              closedSlots.add(slot);
            }
          }
          selector.select(100);
          for (SelectionKey key : selector.selectedKeys()) {
            SocketChannel ch = (SocketChannel) key.channel();
            int n;
            try {
              sink.clear();
              n = ch.read(sink);
            } catch (IOException e) {
              n = -1;
            }
            if (n < 0) {
              key.cancel();
              ch.close();
              open.decrementAndGet();
              closedSlots.add((Integer) key.attachment());
            }
          }
          selector.selectedKeys().clear();
        }
      } catch (IOException e) {
        // Stopped.
      }
    }

    @Override
    public void close() throws Exception {
      running = false;
      selector.wakeup();
      thread.join(10_000);
      for (SelectionKey key : selector.keys()) {
        key.channel().close();
      }
      selector.close();
    }
  }
}
