package io.layerswarm.swarm;

import io.layerswarm.swarm.loop.Loop;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** A torrent's {@link Loop} on one of the engine's Netty event loops (real time). */
final class NettyLoop implements Loop {
  private final EventLoop loop;

  NettyLoop(EventLoop loop) {
    this.loop = loop;
  }

  EventLoop eventLoop() {
    return loop;
  }

  @Override
  public boolean inLoop() {
    return loop.inEventLoop();
  }

  @Override
  public void execute(Runnable task) {
    loop.execute(task);
  }

  @Override
  public Timer schedule(Runnable task, Duration delay) {
    ScheduledFuture<?> future = loop.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    return () -> future.cancel(false);
  }
}
