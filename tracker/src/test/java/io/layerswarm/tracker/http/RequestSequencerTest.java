package io.layerswarm.tracker.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestSequencerTest {
  /** Records the URIs of the requests it is given and answers none of them. */
  private static final class Recorder extends ChannelInboundHandlerAdapter {
    final List<String> seen = new ArrayList<>();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      seen.add(((FullHttpRequest) msg).uri());
      ReferenceCountUtil.release(msg);
    }
  }

  private static FullHttpRequest get(String uri) {
    return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
  }

  private static FullHttpResponse ok() {
    return new DefaultFullHttpResponse(
        HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.EMPTY_BUFFER);
  }

  @Test
  void aPipelinedRequestWaitsUntilTheResponseBeforeItIsWritten() {
    Recorder recorder = new Recorder();
    EmbeddedChannel channel = new EmbeddedChannel(new RequestSequencer(), recorder);

    channel.writeInbound(get("/metainfo/slow"), get("/announce"));

    assertThat(recorder.seen).containsExactly("/metainfo/slow");
    assertThat(channel.config().isAutoRead()).isFalse();

    channel.writeOutbound(ok());
    channel.runPendingTasks();

    assertThat(recorder.seen).containsExactly("/metainfo/slow", "/announce");
    assertThat(channel.config().isAutoRead()).isTrue();
    ReferenceCountUtil.release(channel.readOutbound());
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aClientThatPipelinesTooManyRequestsIsDisconnected() {
    Recorder recorder = new Recorder();
    EmbeddedChannel channel = new EmbeddedChannel(new RequestSequencer(), recorder);

    for (int i = 0; i <= RequestSequencer.MAX_QUEUED + 1; i++) {
      channel.writeInbound(get("/r" + i));
    }

    assertThat(channel.isActive()).isFalse();
    assertThat(recorder.seen).containsExactly("/r0");
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }
}
