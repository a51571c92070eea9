package io.layerswarm.agent.mirror;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.store.BlobStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/** Reads the verified blob in the store, once its transfer is over. */
final class StoreSource implements LiveTransfer.Source {
  private final FileChannel channel;

  private StoreSource(FileChannel channel) {
    this.channel = channel;
  }

  /**
   * Opens the stored {@code digest}.
   *
   * @throws BlobReadException when it left the store, or its size is not the {@code expectedSize}
   *     promised to the reader
   */
  static StoreSource open(BlobStore store, Digest digest, long expectedSize) throws IOException {
    Optional<Path> path = store.path(digest);
    if (path.isEmpty()) {
      throw new BlobReadException(
          new MirrorStorageException("blob " + digest + " left the store while it was streamed"));
    }
    FileChannel channel;
    try {
      channel = FileChannel.open(path.get(), StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new BlobReadException(
          new MirrorStorageException(
              "blob " + digest + " left the store while it was streamed", e));
    }
    long actual = channel.size();
    if (actual != expectedSize) {
      channel.close();
      throw new BlobReadException(
          new BlobVerificationException(
              "blob "
                  + digest
                  + " has "
                  + actual
                  + " bytes, not the "
                  + expectedSize
                  + " the metainfo announced"));
    }
    return new StoreSource(channel);
  }

  @Override
  public int read(byte[] b, int off, int len, long position) throws IOException {
    return channel.read(ByteBuffer.wrap(b, off, len), position);
  }

  @Override
  public boolean verified() {
    return true;
  }

  @Override
  public String describe() {
    return "the store";
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
