package io.layerswarm.agent.http;

import io.layerswarm.agent.mirror.BlobBody;
import io.netty.channel.ChannelHandlerContext;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the outcome of a mirror call (its futures complete on the mirror's threads) back to the
 * channel's event loop, which alone touches the handlers' state.
 */
final class OnLoop {
  private static final Logger log = LoggerFactory.getLogger(OnLoop.class);

  private OnLoop() {}

  /**
   * Runs {@code action} on the channel's event loop when {@code future} completes. If the action
   * itself fails, the connection is closed rather than left waiting for an answer, and a blob the
   * future brought is discarded.
   */
  static <T> void whenComplete(
      ChannelHandlerContext ctx, CompletableFuture<T> future, BiConsumer<T, Throwable> action) {
    future.whenCompleteAsync(
        (value, error) -> {
          try {
            action.accept(value, error);
          } catch (RuntimeException e) {
            log.error("answering on {} failed; closing it", ctx.channel(), e);
            if (value instanceof BlobBody body) {
              body.discard();
            }
            ctx.close();
          }
        },
        ctx.executor());
  }
}
