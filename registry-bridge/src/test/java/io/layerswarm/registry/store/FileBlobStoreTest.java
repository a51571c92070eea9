package io.layerswarm.registry.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.core.Digest;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class FileBlobStoreTest extends BlobStoreContract {
  private Path root;

  @Override
  BlobStore newStore() throws Exception {
    root = dir.resolve("store");
    return new FileBlobStore(root);
  }

  private static long count(Path directory) throws Exception {
    try (Stream<Path> entries = Files.list(directory)) {
      return entries.count();
    }
  }

  @Test
  void blobsLiveUnderBlobsSha256ByHex() throws Exception {
    put(CONTENT);

    Path expected = root.resolve("blobs/sha256/" + DIGEST.hex());
    assertThat(store.path(DIGEST)).contains(expected);
    assertThat(expected).hasBinaryContent(CONTENT);
  }

  @Test
  void writesInProgressLiveInTmpAndLeaveNothingAfterCommitOrAbort() throws Exception {
    BlobWriter committed = store.create(DIGEST);
    BlobWriter aborted = store.create(OTHER_DIGEST);
    committed.write(CONTENT);
    aborted.write(OTHER);
    assertThat(count(root.resolve("tmp"))).isEqualTo(2);

    committed.commit();
    aborted.abort();

    assertThat(count(root.resolve("tmp"))).isZero();
  }

  @Test
  void aFailedCommitLeavesNoTempFile() throws Exception {
    try (BlobWriter writer = store.create(DIGEST)) {
      writer.write(OTHER);
      assertThatThrownBy(writer::commit).isInstanceOf(Exception.class);
    }
    assertThat(count(root.resolve("tmp"))).isZero();
    assertThat(count(root.resolve("blobs/sha256"))).isZero();
  }

  @Test
  void openingTheStoreSweepsLeftoverTempFiles() throws Exception {
    Files.write(root.resolve("tmp/" + DIGEST.hex() + ".123.tmp"), new byte[10]);

    new FileBlobStore(root);

    assertThat(count(root.resolve("tmp"))).isZero();
  }

  @Test
  void blobsSurviveReopeningTheStore() throws Exception {
    put(CONTENT);

    BlobStore reopened = new FileBlobStore(root);

    assertThat(reopened.list()).containsExactly(DIGEST);
    try (InputStream in = reopened.open(DIGEST, 0)) {
      assertThat(in.readAllBytes()).isEqualTo(CONTENT);
    }
  }

  @Test
  void garbageInTheBlobDirectoryIsIgnored() throws Exception {
    put(CONTENT);
    Path blobs = root.resolve("blobs/sha256");
    Files.write(blobs.resolve("README"), new byte[3]);
    Files.write(blobs.resolve("A".repeat(64)), new byte[3]);
    Files.write(blobs.resolve(DIGEST.hex() + ".bak"), new byte[3]);
    Files.createDirectory(blobs.resolve("b".repeat(64)));
    Files.createDirectory(blobs.resolve("..."));
    Files.createSymbolicLink(blobs.resolve("c".repeat(64)), blobs.resolve(DIGEST.hex()));

    BlobStore reopened = new FileBlobStore(root);

    assertThat(reopened.list()).containsExactly(DIGEST);
    assertThat(reopened.totalBytes()).isEqualTo(CONTENT.length);
    assertThat(reopened.contains(new Digest("sha256", "b".repeat(64)))).isFalse();
    assertThat(reopened.contains(new Digest("sha256", "c".repeat(64)))).isFalse();
  }

  @Test
  void aDirectoryInTmpIsLeftAloneWhenSweeping() throws Exception {
    Files.createDirectory(root.resolve("tmp/somebody-elses"));

    new FileBlobStore(root);

    assertThat(root.resolve("tmp/somebody-elses")).isDirectory();
  }

  @Test
  void aFileWhereTheBlobDirectoryShouldBeFailsToOpen() throws Exception {
    Path broken = dir.resolve("broken");
    Files.createDirectories(broken.resolve("blobs"));
    Files.write(broken.resolve("blobs/sha256"), new byte[1]);

    assertThatThrownBy(() -> new FileBlobStore(broken)).isInstanceOf(java.io.IOException.class);
  }

  @Test
  void adoptOfAFileAlreadyStoredDropsTheFile() throws Exception {
    put(CONTENT);
    Path downloaded = Files.write(dir.resolve("again.part"), CONTENT);

    store.adopt(DIGEST, downloaded);

    assertThat(downloaded).doesNotExist();
    assertThat(count(root.resolve("tmp"))).isZero();
    assertThat(store.list()).containsExactly(DIGEST);
  }

  @Test
  void aReaderKeepsReadingABlobDeletedUnderIt() throws Exception {
    put(CONTENT);

    try (InputStream in = store.open(DIGEST, 0)) {
      store.delete(DIGEST);
      assertThat(in.readAllBytes()).isEqualTo(CONTENT);
    }
  }
}
