package io.layerswarm.seeder.seeding;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.Digest;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.registry.client.BlobStream;
import io.layerswarm.registry.client.InMemoryUpstreamRegistry;
import io.layerswarm.registry.client.Upstreams;
import io.layerswarm.registry.store.FileBlobStore;
import io.layerswarm.seeder.store.FileMetainfoStore;
import io.layerswarm.swarm.EngineConfig;
import io.layerswarm.swarm.SwarmEngine;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A new owner after a ring change copies a blob from the seeders that held it, else the origin. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SeederPeerCopyTest {
  private static final URI REGISTRY_URI = URI.create("http://registry.test:5000");
  private static final String REGISTRY = "registry.test:5000";
  private static final RepositoryName REPO = new RepositoryName("library/app");
  private static final URI A = URI.create("http://10.0.0.1:6970");
  private static final URI B = URI.create("http://10.0.0.2:6970");
  private static final URI C = URI.create("http://10.0.0.3:6970");

  @TempDir Path dataDir;
  private InMemoryUpstreamRegistry upstream;
  private byte[] content;
  private Digest digest;
  private SwarmEngine engine;
  private FileBlobStore blobs;
  private SeederService service;

  /** Holders in order; each answers with its bytes, nothing (empty), or an I/O failure (null). */
  private static final class Peers implements PeerBlobs {
    final Map<URI, Optional<byte[]>> answers;
    final List<URI> asked = new ArrayList<>();

    Peers(Map<URI, Optional<byte[]>> answers) {
      this.answers = answers;
    }

    @Override
    public List<URI> holders(Digest digest) {
      return List.of(A, B, C).stream().filter(answers::containsKey).toList();
    }

    @Override
    public Optional<BlobStream> open(URI seeder, Digest digest) throws IOException {
      asked.add(seeder);
      Optional<byte[]> answer = answers.get(seeder);
      if (answer == null) {
        throw new IOException("connection refused");
      }
      return answer.map(b -> new BlobStream(new ByteArrayInputStream(b), b.length, 0));
    }
  }

  @BeforeEach
  void start() throws IOException {
    upstream = new InMemoryUpstreamRegistry(REGISTRY_URI);
    content = SeederServiceTest.randomBytes(300 * 1024 + 7, 3);
    digest = upstream.putBlob(REPO, content);
    blobs = new FileBlobStore(dataDir);
    engine = SwarmEngine.start(EngineConfig.defaults(new InetSocketAddress("127.0.0.1", 0)));
    service =
        new SeederService(
            Upstreams.single(upstream),
            blobs,
            FileMetainfoStore.open(dataDir.resolve("metainfo")),
            engine,
            List.of(URI.create("http://127.0.0.1:1/announce")),
            Duration.ofSeconds(10));
  }

  @AfterEach
  void stop() {
    engine.close();
  }

  @Test
  void aNewOwnerCopiesTheBlobFromAPreviousOwnerAndTheOriginSendsNothing() throws Exception {
    Peers peers = new Peers(Map.of(A, Optional.empty(), B, Optional.of(content)));
    service.usePeers(peers);

    Metainfo metainfo = service.metainfo(digest, REGISTRY, REPO);

    assertThat(metainfo.length()).isEqualTo(content.length);
    assertThat(peers.asked).containsExactly(A, B);
    assertThat(upstream.blobBytesServed()).isZero();
    assertThat(service.originBytes()).isZero();
    assertThat(Files.readAllBytes(blobs.path(digest).orElseThrow())).isEqualTo(content);
  }

  @Test
  void peersThatFailOrSendOtherBytesAreSkippedAndTheOriginIsAskedLast() throws Exception {
    byte[] other = content.clone();
    other[1000] ^= 1;
    Map<URI, Optional<byte[]>> answers = new java.util.HashMap<>();
    answers.put(A, null); // refused
    answers.put(B, Optional.of(other)); // a damaged copy: the digest check refuses it
    Peers peers = new Peers(answers);
    service.usePeers(peers);

    service.metainfo(digest, REGISTRY, REPO);

    assertThat(peers.asked).containsExactly(A, B);
    assertThat(upstream.blobBytesServed()).isEqualTo(content.length);
    assertThat(Files.readAllBytes(blobs.path(digest).orElseThrow())).isEqualTo(content);
  }

  @Test
  void aHeldBlobIsNotCopiedAgain() throws Exception {
    service.metainfo(digest, REGISTRY, REPO);
    Peers peers = new Peers(Map.of(A, Optional.of(content)));
    service.usePeers(peers);

    service.metainfo(digest, REGISTRY, REPO);

    assertThat(peers.asked).isEmpty();
  }
}
