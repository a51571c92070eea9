package io.layerswarm.registry.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.client.DigestMismatchException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every {@link BlobStore} must do; each implementation's test extends this. */
abstract class BlobStoreContract {
  static final byte[] CONTENT = random(200_000, 1);
  static final Digest DIGEST = Digest.sha256(CONTENT);
  static final byte[] OTHER = "other".getBytes(UTF_8);
  static final Digest OTHER_DIGEST = Digest.sha256(OTHER);

  @TempDir Path dir;
  BlobStore store;

  abstract BlobStore newStore() throws Exception;

  @BeforeEach
  void open() throws Exception {
    store = newStore();
  }

  static byte[] random(int n, long seed) {
    byte[] bytes = new byte[n];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  void put(byte[] content) throws Exception {
    try (BlobWriter writer = store.create(Digest.sha256(content))) {
      new ByteArrayInputStream(content).transferTo(writer);
      writer.commit();
    }
  }

  @Test
  void anEmptyStoreHasNothing() throws Exception {
    assertThat(store.contains(DIGEST)).isFalse();
    assertThat(store.size(DIGEST)).isEmpty();
    assertThat(store.path(DIGEST)).isEmpty();
    assertThat(store.list()).isEmpty();
    assertThat(store.totalBytes()).isZero();
  }

  @Test
  void aCommittedBlobCanBeReadBack() throws Exception {
    put(CONTENT);

    assertThat(store.contains(DIGEST)).isTrue();
    assertThat(store.size(DIGEST)).hasValue(CONTENT.length);
    try (InputStream in = store.open(DIGEST, 0)) {
      assertThat(in.readAllBytes()).isEqualTo(CONTENT);
    }
  }

  @Test
  void openFromAnOffsetSkipsThatManyBytes() throws Exception {
    put(CONTENT);

    try (InputStream in = store.open(DIGEST, 12_345)) {
      assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(CONTENT, 12_345, CONTENT.length));
    }
    try (InputStream in = store.open(DIGEST, CONTENT.length)) {
      assertThat(in.read()).isEqualTo(-1);
    }
  }

  @Test
  void openBeyondTheEndOrBeforeTheStartIsRejected() throws Exception {
    put(CONTENT);

    assertThatThrownBy(() -> store.open(DIGEST, CONTENT.length + 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(DIGEST.toString());
    assertThatThrownBy(() -> store.open(DIGEST, -1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void openingAMissingBlobIsBlobNotFoundNamingTheDigest() {
    assertThatThrownBy(() -> store.open(DIGEST, 0))
        .isInstanceOfSatisfying(
            BlobNotFoundException.class, e -> assertThat(e.digest()).isEqualTo(DIGEST))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining(DIGEST.toString())
        .hasMessageContaining("open blob");
  }

  @Test
  void aBlobIsInvisibleUntilCommitted() throws Exception {
    try (BlobWriter writer = store.create(DIGEST)) {
      writer.write(CONTENT, 0, 1000);
      assertThat(store.contains(DIGEST)).isFalse();
      assertThat(store.list()).isEmpty();
      writer.write(CONTENT, 1000, CONTENT.length - 1000);
      writer.commit();
      assertThat(writer.bytesWritten()).isEqualTo(CONTENT.length);
    }
    assertThat(store.contains(DIGEST)).isTrue();
  }

  @Test
  void aCommitWithTheWrongContentStoresNothing() throws Exception {
    BlobWriter writer = store.create(DIGEST);
    writer.write(OTHER);

    assertThatThrownBy(writer::commit)
        .isInstanceOfSatisfying(
            DigestMismatchException.class, e -> assertThat(e.expected()).isEqualTo(DIGEST))
        .hasMessageContaining(OTHER_DIGEST.hex());
    assertThat(store.contains(DIGEST)).isFalse();
    assertThat(store.contains(OTHER_DIGEST)).isFalse();
    assertThat(store.list()).isEmpty();
  }

  @Test
  void aTruncatedWriteDoesNotCommit() throws Exception {
    try (BlobWriter writer = store.create(DIGEST)) {
      writer.write(CONTENT, 0, CONTENT.length - 1);
      assertThatThrownBy(writer::commit).isInstanceOf(DigestMismatchException.class);
    }
    assertThat(store.contains(DIGEST)).isFalse();
  }

  @Test
  void closingWithoutCommitAbortsAndLaterWritesFail() throws Exception {
    BlobWriter writer = store.create(DIGEST);
    writer.write(CONTENT);
    writer.close();

    assertThat(store.contains(DIGEST)).isFalse();
    assertThatThrownBy(() -> writer.write(1)).hasMessageContaining("ABORTED");
    assertThatThrownBy(writer::commit).hasMessageContaining("commit blob " + DIGEST);
  }

  @Test
  void writingABlobThatIsAlreadyStoredKeepsIt() throws Exception {
    put(CONTENT);
    put(CONTENT);

    assertThat(store.list()).containsExactly(DIGEST);
    try (InputStream in = store.open(DIGEST, 0)) {
      assertThat(in.readAllBytes()).isEqualTo(CONTENT);
    }
  }

  @Test
  void anEmptyBlobIsABlob() throws Exception {
    put(new byte[0]);

    assertThat(store.size(Digest.sha256(new byte[0]))).hasValue(0);
  }

  @Test
  void listIsSortedAndTotalBytesAddsUp() throws Exception {
    put(CONTENT);
    put(OTHER);

    assertThat(store.list())
        .containsExactlyElementsOf(
            DIGEST.hex().compareTo(OTHER_DIGEST.hex()) < 0
                ? java.util.List.of(DIGEST, OTHER_DIGEST)
                : java.util.List.of(OTHER_DIGEST, DIGEST));
    assertThat(store.totalBytes()).isEqualTo(CONTENT.length + OTHER.length);
  }

  @Test
  void deleteRemovesTheBlobOnce() throws Exception {
    put(CONTENT);

    assertThat(store.delete(DIGEST)).isTrue();
    assertThat(store.delete(DIGEST)).isFalse();
    assertThat(store.contains(DIGEST)).isFalse();
  }

  @Test
  void adoptMovesAVerifiedFileIntoTheStore() throws Exception {
    Path downloaded = Files.write(dir.resolve("download.part"), CONTENT);

    store.adopt(DIGEST, downloaded);

    assertThat(downloaded).doesNotExist();
    try (InputStream in = store.open(DIGEST, 0)) {
      assertThat(in.readAllBytes()).isEqualTo(CONTENT);
    }
  }

  @Test
  void adoptOfAFileWithTheWrongContentStoresNothingAndLeavesTheFile() throws Exception {
    Path downloaded = Files.write(dir.resolve("download.part"), OTHER);

    assertThatThrownBy(() -> store.adopt(DIGEST, downloaded))
        .isInstanceOf(DigestMismatchException.class);

    assertThat(store.contains(DIGEST)).isFalse();
    assertThat(store.list()).isEmpty();
    assertThat(downloaded).hasBinaryContent(OTHER);
  }

  /** The sha256 state of the first {@code length} bytes of {@code bytes}. */
  static HashedPrefix prefixOf(byte[] bytes, int length) {
    MessageDigest sha256 = HashedPrefix.newSha256();
    sha256.update(bytes, 0, length);
    return HashedPrefix.of(sha256, length);
  }

  @Test
  void adoptWithAHashedPrefixStoresTheBlob() throws Exception {
    for (int length : new int[] {0, 1, CONTENT.length / 3, CONTENT.length}) {
      Path downloaded = Files.write(dir.resolve("download-" + length + ".part"), CONTENT);

      store.adopt(DIGEST, downloaded, prefixOf(CONTENT, length));

      assertThat(downloaded).doesNotExist();
      try (InputStream in = store.open(DIGEST, 0)) {
        assertThat(in.readAllBytes()).as("prefix of %d bytes", length).isEqualTo(CONTENT);
      }
      store.delete(DIGEST);
    }
  }

  @Test
  void aCorruptByteAfterTheHashedPrefixFailsTheAdopt() throws Exception {
    int prefix = CONTENT.length / 2;
    byte[] corrupt = CONTENT.clone();
    corrupt[prefix + 17] ^= 1;
    Path downloaded = Files.write(dir.resolve("download.part"), corrupt);

    assertThatThrownBy(() -> store.adopt(DIGEST, downloaded, prefixOf(CONTENT, prefix)))
        .isInstanceOf(DigestMismatchException.class);

    assertThat(store.contains(DIGEST)).isFalse();
    assertThat(store.list()).isEmpty();
    assertThat(downloaded).hasBinaryContent(corrupt);
  }

  @Test
  void aFileShorterThanItsHashedPrefixFailsTheAdopt() throws Exception {
    // The prefix covers the whole blob; were the rest "nothing", the verdict would be a match.
    byte[] truncated = Arrays.copyOf(CONTENT, CONTENT.length - 1);
    Path downloaded = Files.write(dir.resolve("download.part"), truncated);

    assertThatThrownBy(() -> store.adopt(DIGEST, downloaded, prefixOf(CONTENT, CONTENT.length)))
        .isInstanceOf(DigestMismatchException.class);

    assertThat(store.contains(DIGEST)).isFalse();
    assertThat(downloaded).hasBinaryContent(truncated);
  }

  @Test
  void aFileLongerThanTheBlobFailsTheAdoptEvenWithTheWholeBlobHashed() throws Exception {
    byte[] longer = Arrays.copyOf(CONTENT, CONTENT.length + 1);
    Path downloaded = Files.write(dir.resolve("download.part"), longer);

    assertThatThrownBy(() -> store.adopt(DIGEST, downloaded, prefixOf(CONTENT, CONTENT.length)))
        .isInstanceOf(DigestMismatchException.class);

    assertThat(store.contains(DIGEST)).isFalse();
  }

  @Test
  void adoptOfAMissingFileFails() {
    assertThatThrownBy(() -> store.adopt(DIGEST, dir.resolve("nope")))
        .isInstanceOf(NoSuchFileException.class);
  }
}
