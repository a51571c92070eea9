package io.layerswarm.seeder;

import io.layerswarm.core.Digest;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.MetainfoAnswer;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.registry.store.BlobStore;
import io.layerswarm.seeder.http.ControlRequestHandler;
import io.layerswarm.seeder.seeding.SeederException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /metainfo/...} with tiny blobs inlined (decision 31): after the lookup made sure the
 * blob is held and seeded, a blob of at most {@code maxBytes} is read from the store and sent in
 * the answer, so the agent serves it without a swarm. The blob keeps being seeded, for agents that
 * do not read the inlined bytes. Bytes that cannot be read, or that no longer hash to the digest
 * (the file changed on disk), are not sent: the answer is then the torrent alone, as before.
 *
 * <p>Thread-safe; blocks (on the seeder's lookup pool).
 */
final class InliningLookup implements ControlRequestHandler.Lookup {
  private static final Logger log = LoggerFactory.getLogger(InliningLookup.class);

  private final ControlRequestHandler.Lookup lookup;
  private final BlobStore blobs;
  private final int maxBytes;

  /**
   * @param maxBytes {@code seeder.inline-max-bytes}: 0 to {@link MetainfoAnswer#MAX_INLINE_BYTES};
   *     0 inlines nothing
   */
  InliningLookup(ControlRequestHandler.Lookup lookup, BlobStore blobs, int maxBytes) {
    if (maxBytes < 0 || maxBytes > MetainfoAnswer.MAX_INLINE_BYTES) {
      throw new IllegalArgumentException("seeder.inline-max-bytes out of range: " + maxBytes);
    }
    this.lookup = lookup;
    this.blobs = blobs;
    this.maxBytes = maxBytes;
  }

  @Override
  public Metainfo metainfo(Digest digest, String registry, RepositoryName repo)
      throws SeederException {
    return lookup.metainfo(digest, registry, repo);
  }

  @Override
  public byte[] answer(Digest digest, String registry, RepositoryName repo) throws SeederException {
    Metainfo metainfo = lookup.metainfo(digest, registry, repo);
    if (metainfo.length() > maxBytes) {
      return MetainfoAnswer.encode(metainfo);
    }
    return read(digest, metainfo)
        .map(bytes -> MetainfoAnswer.encode(metainfo, bytes))
        .orElseGet(() -> MetainfoAnswer.encode(metainfo));
  }

  /** The held blob's bytes, if they are still the blob; empty (and why, logged) otherwise. */
  private Optional<byte[]> read(Digest digest, Metainfo metainfo) {
    byte[] bytes;
    try (InputStream in = blobs.open(digest, 0)) {
      bytes = in.readNBytes((int) metainfo.length() + 1);
    } catch (IOException | RuntimeException e) {
      // Evicted since the lookup, for example: the swarm serves it.
      log.atInfo()
          .addKeyValue("digest", digest)
          .log("not inlining the blob into its metainfo: reading it failed: {}", e.toString());
      return Optional.empty();
    }
    Optional<String> problem =
        MetainfoAnswer.of(metainfo, Optional.of(bytes)).inlineProblem(digest);
    if (problem.isPresent()) {
      log.atWarn()
          .addKeyValue("digest", digest)
          .log("not inlining the blob into its metainfo: {}", problem.get());
      return Optional.empty();
    }
    return Optional.of(bytes);
  }
}
