package io.layerswarm.agent.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.stream.ChunkedInput;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The answers a handler in front of others owes on one HTTP/1.1 connection, in request order:
 * requests it passed on (answered by the handlers behind it) and answers it made itself. An answer
 * made here while passed-on requests are still being answered waits for the last part of theirs
 * (pipelining keeps answers in request order). Event loop only.
 *
 * @param <T> what the handler remembers of a passed-on request
 */
public final class OwedAnswers<T> {
  private record Owed<T>(T passedOn, FullHttpResponse made) {}

  private final ArrayDeque<Owed<T>> owed = new ArrayDeque<>();

  /** A request goes to the handlers behind; {@code tag} comes back when its answer ends. */
  public void passedOn(T tag) {
    owed.add(new Owed<>(tag, null));
  }

  /** Writes an answer made here now, or after the answers owed before it. */
  public void answer(ChannelHandlerContext ctx, FullHttpResponse response) {
    if (owed.isEmpty()) {
      ctx.writeAndFlush(response);
    } else {
      owed.add(new Owed<>(null, response));
    }
  }

  /**
   * Writes {@code msg} from the handlers behind. If it is the last part of the oldest passed-on
   * answer, {@code ended} (if not null) gets its tag once it is written, and the answers made here
   * that waited for it go out.
   */
  public void write(
      ChannelHandlerContext ctx, Object msg, ChannelPromise promise, Consumer<T> ended) {
    // The last part of an answer: a full response, the empty last content after a file region,
    // or a chunked body (the writer sends it whole before what is written next).
    boolean last = msg instanceof LastHttpContent || msg instanceof ChunkedInput<?>;
    if (!last || owed.isEmpty() || owed.peek().made() != null) {
      ctx.write(msg, promise);
      return;
    }
    T tag = owed.poll().passedOn();
    if (ended == null) {
      ctx.write(msg, promise);
    } else {
      ChannelPromise done = promise.unvoid();
      done.addListener(f -> ended.accept(tag));
      ctx.write(msg, done);
    }
    boolean wrote = false;
    while (!owed.isEmpty() && owed.peek().made() != null) {
      ctx.write(owed.poll().made());
      wrote = true;
    }
    if (wrote) {
      ctx.flush();
    }
  }

  /**
   * The connection is gone: answers made here are released, and {@code ended} (if not null) gets
   * the tag of every passed-on request still owed.
   */
  public void abandonAll(Consumer<T> ended) {
    Owed<T> next;
    while ((next = owed.poll()) != null) {
      if (next.made() != null) {
        next.made().release();
      } else if (ended != null) {
        ended.accept(next.passedOn());
      }
    }
  }
}
