package io.layerswarm.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PoolArenaMetric;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class NetworkBuffersTest {
  private static long arenaAllocations() {
    return ((PooledByteBufAllocator) SwarmEngine.ALLOCATOR)
        .metric().directArenas().stream().mapToLong(PoolArenaMetric::numNormalAllocations).sum();
  }

  @Test
  void anEventLoopsReadSizedBuffersComeBackFromItsOwnCache() throws Exception {
    CompletableFuture<Long> again = new CompletableFuture<>();
    // Event loops run on such threads; only they have a cache (useCacheForAllThreads is off).
    new DefaultThreadFactory("cache-probe")
        .newThread(
            () -> {
              try {
                for (int size : new int[] {64 * 1024, 128 * 1024}) {
                  SwarmEngine.ALLOCATOR.directBuffer(size).release();
                }
                long before = arenaAllocations();
                for (int size : new int[] {64 * 1024, 128 * 1024}) {
                  ByteBuf buf = SwarmEngine.ALLOCATOR.directBuffer(size);
                  buf.release();
                }
                again.complete(arenaAllocations() - before);
              } catch (Throwable t) {
                again.completeExceptionally(t);
              }
            })
        .start();

    assertThat(again.get(10, TimeUnit.SECONDS))
        .as("allocations of a read buffer and a block's gathering buffer that reached the arena")
        .isZero();
  }
}
