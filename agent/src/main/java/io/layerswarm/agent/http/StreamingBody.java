package io.layerswarm.agent.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A response body read from a blocking {@link InputStream} (a blob still arriving) on a pump
 * thread, and handed to Netty's {@code ChunkedWriteHandler} as chunks, never blocking the event
 * loop.
 *
 * <p>Backpressure: the pump reads only while fewer than {@link #QUEUE_CHUNKS} chunks wait; the
 * chunked writer takes a chunk only while the channel is writable. So a slow client holds at most
 * about {@code (QUEUE_CHUNKS + 1) * CHUNK_BYTES} bytes here plus the channel's write buffer,
 * whatever the blob's size.
 *
 * <p>Failure: when the input fails, {@link #readChunk} throws, the chunked writer fails the write,
 * and the connection is closed before the body is complete; the client sees a short read.
 *
 * <p>Threads: {@link #readChunk}, {@link #isEndOfInput} and {@link #close} on the event loop; the
 * pump on the given executor; the input is used and closed by the pump thread only.
 */
final class StreamingBody implements ChunkedInput<ByteBuf> {
  static final int CHUNK_BYTES = 64 * 1024;
  static final int QUEUE_CHUNKS = 8;

  /** A client that takes nothing for this long gets its response aborted. */
  static final long CLIENT_STALL_LIMIT_MILLIS = TimeUnit.MINUTES.toMillis(10);

  private static final long OFFER_SLICE_MILLIS = 200;

  /** A blocking input never returns 0 bytes for a non-empty read; this bounds a broken one. */
  private static final int MAX_EMPTY_READS = 1000;

  private final InputStream input;
  private final long length;
  private final ByteBufAllocator alloc;
  private final ArrayBlockingQueue<ByteBuf> queue = new ArrayBlockingQueue<>(QUEUE_CHUNKS);
  private final CompletableFuture<Void> ready = new CompletableFuture<>();
  private volatile Runnable wakeUp = () -> {};
  private volatile Throwable failure;
  private volatile boolean pumped;
  private volatile boolean closed;
  private volatile long produced;

  /** Whoever sets this first closes the input: the pump when it runs, else {@link #close}. */
  private final AtomicBoolean inputClaimed = new AtomicBoolean();

  private Future<?> pump;
  private long handedOut;

  /**
   * @param input the body's bytes; exactly {@code length} are read. The pump closes it.
   * @param length bytes in the body, at least 1
   */
  StreamingBody(InputStream input, long length, ByteBufAllocator alloc) {
    if (length <= 0) {
      throw new IllegalArgumentException("a streamed body has bytes: " + length);
    }
    this.input = input;
    this.length = length;
    this.alloc = alloc;
  }

  /**
   * Starts the pump. If the executor refuses, the input is closed and the exception thrown.
   *
   * @throws RejectedExecutionException when no pump thread is free
   */
  synchronized void start(ExecutorService executor) {
    try {
      pump = executor.submit(this::run);
    } catch (RejectedExecutionException e) {
      closeInput();
      throw e;
    }
  }

  /**
   * Completes when the first chunk is ready, so the response head can go out with bytes right
   * behind it; fails when the input failed before any byte (then nothing was sent, and the failure
   * can still become an error status).
   */
  CompletableFuture<Void> ready() {
    return ready;
  }

  /** Called (on any thread) when a chunk, the end or a failure is ready: resume the writer. */
  void onReady(Runnable wakeUp) {
    this.wakeUp = wakeUp;
  }

  /** Bytes the pump has read from the input so far. */
  long producedBytes() {
    return produced;
  }

  private void run() {
    if (!inputClaimed.compareAndSet(false, true)) {
      return; // closed before the pump started
    }
    byte[] staging = new byte[CHUNK_BYTES];
    try {
      long done = 0;
      int emptyReads = 0;
      while (done < length) {
        int want = (int) Math.min(CHUNK_BYTES, length - done);
        int n = input.read(staging, 0, want);
        if (n < 0) {
          throw new EOFException("body ended after " + done + " of " + length + " bytes");
        }
        if (n == 0) {
          if (++emptyReads > MAX_EMPTY_READS) {
            throw new IOException(
                "the body's input returned nothing " + MAX_EMPTY_READS + " times at byte " + done);
          }
          continue;
        }
        emptyReads = 0;
        ByteBuf chunk = alloc.directBuffer(n, n);
        chunk.writeBytes(staging, 0, n);
        if (!enqueue(chunk)) {
          return; // closed
        }
        done += n;
        produced = done;
        ready.complete(null);
        wakeUp.run();
      }
      pumped = true;
    } catch (Throwable t) {
      failure = t;
      ready.completeExceptionally(t);
    } finally {
      closeInput();
      if (closed) {
        releaseQueued();
      }
      // Clear an interrupt from close(), so the pool thread comes back clean.
      Thread.interrupted();
      wakeUp.run();
    }
  }

  /** Waits for room in the queue, bounded; false when closed meanwhile (chunk released). */
  private boolean enqueue(ByteBuf chunk) throws IOException, InterruptedException {
    long waited = 0;
    while (!queue.offer(chunk, OFFER_SLICE_MILLIS, TimeUnit.MILLISECONDS)) {
      if (closed) {
        chunk.release();
        return false;
      }
      waited += OFFER_SLICE_MILLIS;
      if (waited >= CLIENT_STALL_LIMIT_MILLIS) {
        chunk.release();
        throw new IOException(
            "the client took nothing for "
                + TimeUnit.MILLISECONDS.toMinutes(CLIENT_STALL_LIMIT_MILLIS)
                + " minutes");
      }
    }
    if (closed) {
      releaseQueued();
      return false;
    }
    return true;
  }

  private void closeInput() {
    try {
      input.close();
    } catch (IOException e) {
      // Nothing to flush: it is read-only.
    }
  }

  private void releaseQueued() {
    ByteBuf chunk;
    while ((chunk = queue.poll()) != null) {
      chunk.release();
    }
  }

  @Deprecated
  @Override
  public ByteBuf readChunk(ChannelHandlerContext ctx) throws Exception {
    return readChunk(ctx.alloc());
  }

  @Override
  public ByteBuf readChunk(ByteBufAllocator allocator) throws Exception {
    ByteBuf chunk = queue.poll();
    if (chunk != null) {
      handedOut += chunk.readableBytes();
      return chunk;
    }
    Throwable failed = failure;
    if (failed != null) {
      if (failed instanceof Exception e) {
        throw e;
      }
      throw new IOException("streaming the body failed: " + failed, failed);
    }
    return null; // not yet: the pump calls wakeUp when there is more
  }

  @Override
  public boolean isEndOfInput() {
    return pumped && queue.isEmpty();
  }

  /**
   * Stops the pump (interrupting a read blocked on the swarm or the origin) and drops what is
   * queued. Idempotent; also right when the response is complete.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (inputClaimed.compareAndSet(false, true)) {
      closeInput(); // the pump never ran
    } else if (pump != null) {
      pump.cancel(true);
    }
    releaseQueued();
    ready.completeExceptionally(new ClosedChannelException());
  }

  @Override
  public long length() {
    return length;
  }

  @Override
  public long progress() {
    return handedOut;
  }
}
