package io.layerswarm.tracker.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import java.util.regex.Pattern;

/**
 * The last route: 404 for any request no endpoint took. A path with one segment before {@code
 * /announce}, {@code /scrape} or {@code /metainfo/} is how clients reached a tracker with the old
 * {@code tracker.passkey}: the answer says what replaced it, without echoing the segment.
 */
@ChannelHandler.Sharable
final class NotFoundHandler extends ChannelInboundHandlerAdapter {
  static final String OLD_PASSKEY_PATH =
      "not found: tracker URLs no longer carry a passkey; give members the plain tracker URL"
          + " (http://host:port) and the same cluster.secret-file";

  private static final Pattern PASSKEY_PATH =
      Pattern.compile("/[^/]+/(?:announce|scrape|metainfo/.*)");

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof FullHttpRequest request) {
        String path = RequestTarget.of(request.uri()).path();
        ctx.writeAndFlush(
            HttpResponses.text(
                HttpResponseStatus.NOT_FOUND,
                PASSKEY_PATH.matcher(path).matches() ? OLD_PASSKEY_PATH : "not found"));
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }
}
