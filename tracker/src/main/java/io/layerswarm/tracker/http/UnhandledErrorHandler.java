package io.layerswarm.tracker.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of the pipeline for errors: logs what no handler dealt with and closes the connection,
 * since its state is unknown. A reset by the client is routine and only logged at debug.
 */
@ChannelHandler.Sharable
final class UnhandledErrorHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(UnhandledErrorHandler.class);

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof IOException) {
      log.debug("connection from {} failed", ctx.channel().remoteAddress(), cause);
    } else {
      log.warn(
          "unhandled error on the connection from {}; closing it",
          ctx.channel().remoteAddress(),
          cause);
    }
    ctx.close();
  }
}
