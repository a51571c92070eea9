package io.layerswarm.agent.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.testing.Await;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The pump between a blocking input and the chunked writer, without a channel. */
class StreamingBodyTest {
  private static final ByteBufAllocator ALLOC = new UnpooledByteBufAllocator(false);
  private final ExecutorService pumps = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    pumps.shutdownNow();
  }

  /** {@code length} bytes of a counter pattern, counting what was read and signalling each read. */
  private static final class CountingInput extends InputStream {
    final long length;
    final AtomicLong read = new AtomicLong();
    final Semaphore reads = new Semaphore(0);
    final AtomicBoolean closed = new AtomicBoolean();
    volatile Thread reader;

    CountingInput(long length) {
      this.length = length;
    }

    @Override
    public int read() {
      throw new UnsupportedOperationException();
    }

    @Override
    public int read(byte[] b, int off, int len) {
      reader = Thread.currentThread();
      long at = read.get();
      if (at >= length) {
        return -1;
      }
      int n = (int) Math.min(len, length - at);
      for (int i = 0; i < n; i++) {
        b[off + i] = (byte) (at + i);
      }
      read.addAndGet(n);
      reads.release();
      return n;
    }

    @Override
    public void close() {
      closed.set(true);
    }
  }

  /**
   * Takes chunks the way the chunked writer does: when none is ready, it waits (bounded) for the
   * body's signal that one is.
   */
  private static long drain(StreamingBody body) throws Exception {
    long total = 0;
    long expected = 0;
    Semaphore ready = new Semaphore(0);
    body.onReady(ready::release);
    while (!body.isEndOfInput()) {
      ByteBuf chunk = body.readChunk(ALLOC);
      if (chunk == null) {
        assertThat(ready.tryAcquire(60, TimeUnit.SECONDS)).as("the pump delivers").isTrue();
        continue;
      }
      try {
        for (int i = 0; i < chunk.readableBytes(); i++) {
          assertThat(chunk.getByte(chunk.readerIndex() + i)).isEqualTo((byte) (expected + i));
        }
        expected += chunk.readableBytes();
        total += chunk.readableBytes();
      } finally {
        chunk.release();
      }
    }
    return total;
  }

  @Test
  void thePumpReadsAtMostAQueueAheadOfAWriterThatTakesNothing() throws Exception {
    long length = 64L * 1024 * 1024;
    CountingInput input = new CountingInput(length);
    StreamingBody body = new StreamingBody(input, length, ALLOC);
    body.start(pumps);
    long bound = (long) (StreamingBody.QUEUE_CHUNKS + 1) * StreamingBody.CHUNK_BYTES;

    // The pump fills the queue, reads one more chunk into its hands, and must stop there: once it
    // waits for room in the queue (its only timed wait), it has read all it will.
    assertThat(input.reads.tryAcquire(StreamingBody.QUEUE_CHUNKS + 1, 30, TimeUnit.SECONDS))
        .isTrue();
    Await.until(
        "the pump to wait for room in the queue",
        () -> input.reader.getState() == Thread.State.TIMED_WAITING);
    assertThat(input.reads.tryAcquire(1))
        .as("no read beyond the queue while nothing is taken")
        .isFalse();
    assertThat(input.read.get()).isLessThanOrEqualTo(bound);

    assertThat(drain(body)).isEqualTo(length);
    assertThat(body.progress()).isEqualTo(length);
    body.close();
    Await.until("the pump to close its input", input.closed::get);
    assertThat(input.closed).as("the pump closes its input").isTrue();
  }

  @Test
  void aFailureBeforeTheFirstByteFailsReadyAndTheChunks() throws Exception {
    IOException broken = new IOException("blob failed verification");
    InputStream failing =
        new InputStream() {
          @Override
          public int read() throws IOException {
            throw broken;
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            throw broken;
          }
        };
    StreamingBody body = new StreamingBody(failing, 10, ALLOC);
    body.start(pumps);

    assertThatThrownBy(() -> body.ready().get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isSameAs(broken);
    assertThatThrownBy(() -> body.readChunk(ALLOC)).isSameAs(broken);
    assertThat(body.isEndOfInput()).isFalse();
    body.close();
  }

  @Test
  void anInputThatEndsEarlyIsAFailureNotAShortBody() throws Exception {
    CountingInput input = new CountingInput(1000);
    StreamingBody body = new StreamingBody(input, 5000, ALLOC);
    body.start(pumps);
    body.ready().get(30, TimeUnit.SECONDS);

    assertThatThrownBy(() -> drain(body)).hasMessageContaining("ended after 1000 of 5000");
    body.close();
  }

  @Test
  void closingBeforeThePumpRunsClosesTheInput() {
    CountingInput input = new CountingInput(100);
    StreamingBody body = new StreamingBody(input, 100, ALLOC);

    body.close();
    body.start(pumps);

    assertThat(input.closed).isTrue();
    assertThat(input.read.get()).isZero();
    assertThat(body.ready()).isCompletedExceptionally();
  }
}
