package io.layerswarm.swarm.listener;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;

class IdleConnectionCloserTest {
  @Test
  void anIdleConnectionWithNothingInProgressIsClosed() {
    EmbeddedChannel channel = new EmbeddedChannel(new IdleConnectionCloser());

    channel.pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);

    assertThat(channel.isActive()).isFalse();
  }

  @Test
  void aConnectionWaitingForItsResponseStaysOpenUntilAnswered() {
    EmbeddedChannel channel = new EmbeddedChannel(new IdleConnectionCloser());
    channel.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/x"));
    ReferenceCountUtil.release(channel.readInbound());

    channel.pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
    assertThat(channel.isActive()).isTrue();

    channel.writeOutbound(
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.EMPTY_BUFFER));
    ReferenceCountUtil.release(channel.readOutbound());
    channel.pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);

    assertThat(channel.isActive()).isFalse();
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }
}
