package io.layerswarm.swarm;

import io.layerswarm.swarm.loop.Loop;
import io.layerswarm.swarm.loop.LoopContract;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;

/** The engine's loop: a Netty event loop in real time. */
class NettyLoopTest extends LoopContract {
  private final MultiThreadIoEventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final NettyLoop loop = new NettyLoop(group.next());

  @AfterEach
  void shutDown() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Override
  protected Loop loop() {
    return loop;
  }

  @Override
  protected void onLoop(Runnable action) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    loop.execute(
        () -> {
          action.run();
          // Tasks the action submitted are queued before this one, so they ran when it runs.
          loop.execute(() -> done.complete(null));
        });
    done.get(10, TimeUnit.SECONDS);
  }

  @Override
  protected void pass(Duration duration) throws Exception {
    // Real time passes by itself; the tests wait on their own markers, which fall due last.
  }
}
