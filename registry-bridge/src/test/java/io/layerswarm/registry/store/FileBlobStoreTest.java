package io.layerswarm.registry.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.client.DigestMismatchException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
  void theAdoptGoesOnFromTheHashedPrefixRatherThanRereadingIt() throws Exception {
    // A prefix hashed from other bytes than the file's: only a store that trusts it (and does not
    // hash those bytes again) can fail this file, whose content is right.
    int prefix = CONTENT.length / 2;
    byte[] other = CONTENT.clone();
    other[3] ^= 1;
    Path downloaded = Files.write(dir.resolve("download.part"), CONTENT);

    assertThatThrownBy(() -> store.adopt(DIGEST, downloaded, prefixOf(other, prefix)))
        .isInstanceOf(DigestMismatchException.class);

    assertThat(store.contains(DIGEST)).isFalse();
    assertThat(downloaded).hasBinaryContent(CONTENT);
    assertThat(count(root.resolve("tmp"))).isZero();
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
  void blobsSurviveReopeningTheStoreOnceVerified() throws Exception {
    put(CONTENT);

    FileBlobStore reopened = new FileBlobStore(root);
    reopened.verifyFound(d -> {});

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

    FileBlobStore reopened = new FileBlobStore(root);
    reopened.verifyFound(d -> {});

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

  /** Records forces; checks at each one what is visible. */
  private final class RecordingSync implements FileBlobStore.Sync {
    final List<String> events = new ArrayList<>();

    @Override
    public void file(FileChannel channel) throws IOException {
      channel.force(true);
      events.add("file forced, blob visible=" + Files.exists(blobFile()));
    }

    @Override
    public void directory(Path directory) throws IOException {
      FileBlobStore.Sync.DISK.directory(directory);
      events.add(
          "directory "
              + root.relativize(directory)
              + " forced, blob visible="
              + Files.exists(blobFile()));
    }

    private Path blobFile() {
      return root.resolve("blobs/sha256/" + DIGEST.hex());
    }
  }

  @Test
  void aCommittedBlobIsOnDiskBeforeItIsVisibleAndItsDirectoryEntryRightAfter() throws Exception {
    RecordingSync sync = new RecordingSync();
    store = new FileBlobStore(dir.resolve("synced"), sync);
    root = dir.resolve("synced");

    put(CONTENT);

    assertThat(sync.events)
        .containsExactly(
            "file forced, blob visible=false", "directory blobs/sha256 forced, blob visible=true");
  }

  @Test
  void anAdoptedFileIsForcedToDiskBeforeItIsVisible() throws Exception {
    RecordingSync sync = new RecordingSync();
    store = new FileBlobStore(dir.resolve("synced"), sync);
    root = dir.resolve("synced");
    Path downloaded = Files.write(dir.resolve("download.part"), CONTENT);

    store.adopt(DIGEST, downloaded);

    assertThat(sync.events)
        .containsExactly(
            "file forced, blob visible=false", "directory blobs/sha256 forced, blob visible=true");
  }

  @Test
  void blobsFoundAtOpenAreAbsentUntilVerified() throws Exception {
    put(CONTENT);

    FileBlobStore reopened = new FileBlobStore(root);

    assertThat(reopened.contains(DIGEST)).isFalse();
    assertThat(reopened.size(DIGEST)).isEmpty();
    assertThat(reopened.path(DIGEST)).isEmpty();
    assertThat(reopened.list()).isEmpty();
    assertThat(reopened.totalBytes()).isZero();
    assertThatThrownBy(() -> reopened.open(DIGEST, 0)).isInstanceOf(BlobNotFoundException.class);
    assertThat(reopened.unverifiedCount()).isEqualTo(1);

    List<Digest> verified = new ArrayList<>();
    FileBlobStore.Verification result = reopened.verifyFound(verified::add);

    assertThat(verified).containsExactly(DIGEST);
    assertThat(result.verified()).isEqualTo(1);
    assertThat(result.deleted()).isZero();
    assertThat(result.bytes()).isEqualTo(CONTENT.length);
    assertThat(reopened.contains(DIGEST)).isTrue();
    assertThat(reopened.unverifiedCount()).isZero();
  }

  @Test
  void aBlobZeroedOrTruncatedWhileTheStoreWasClosedIsDeletedWhenVerified() throws Exception {
    put(CONTENT);
    put(OTHER);
    Path zeroed = root.resolve("blobs/sha256/" + DIGEST.hex());
    Path truncated = root.resolve("blobs/sha256/" + OTHER_DIGEST.hex());
    Files.write(zeroed, new byte[CONTENT.length]); // same size, zero-filled: a lost page cache
    Files.write(truncated, Arrays.copyOf(OTHER, 2));

    FileBlobStore reopened = new FileBlobStore(root);
    List<Digest> verified = new ArrayList<>();
    FileBlobStore.Verification result = reopened.verifyFound(verified::add);

    assertThat(verified).isEmpty();
    assertThat(result.deleted()).isEqualTo(2);
    assertThat(zeroed).doesNotExist();
    assertThat(truncated).doesNotExist();
    assertThat(reopened.list()).isEmpty();
    assertThat(reopened.contains(DIGEST)).isFalse();
  }

  @Test
  void aWriteOfAnUnverifiedBlobReplacesItAndVerificationThenLeavesItAlone() throws Exception {
    put(CONTENT);
    Path file = root.resolve("blobs/sha256/" + DIGEST.hex());
    Files.write(file, new byte[CONTENT.length]);
    FileBlobStore reopened = new FileBlobStore(root);
    store = reopened;

    put(CONTENT); // fetched again because the store acted as if it did not have it
    FileBlobStore.Verification result = reopened.verifyFound(d -> {});

    assertThat(result.deleted()).isZero();
    assertThat(result.verified()).isZero();
    assertThat(file).hasBinaryContent(CONTENT);
    assertThat(reopened.contains(DIGEST)).isTrue();
  }

  @Test
  void deletingAnUnverifiedBlobRemovesItsFile() throws Exception {
    put(CONTENT);
    FileBlobStore reopened = new FileBlobStore(root);

    assertThat(reopened.delete(DIGEST)).isFalse();

    assertThat(root.resolve("blobs/sha256/" + DIGEST.hex())).doesNotExist();
    assertThat(reopened.unverifiedCount()).isZero();
  }
}
