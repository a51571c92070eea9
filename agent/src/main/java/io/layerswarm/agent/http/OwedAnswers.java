package io.layerswarm.agent.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.stream.ChunkedInput;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The answers one handler owes on one HTTP/1.1 connection, in request order: the one queue that
 * keeps pipelined answers in order (RFC 9112 9.3.2). Each entry is a request the handler passed on
 * (the handlers behind it answer), an answer it made itself, or a request it holds back for the
 * handlers behind until the answers before it are written.
 *
 * <p>An answer made here goes out right behind the last part of the answers owed before it; a held
 * request goes on once that last part is written. The handler routes every write through {@link
 * #write}, which recognises the last part of an answer: a full response, the empty last content
 * after a file region, or a chunked body (the chunked writer sends it whole before what comes
 * next). When that write fails, the connection is closed: the answers behind it can no longer be
 * told apart by the client.
 *
 * <p>Bounded: a connection that would owe more than {@link #MAX_OWED} answers is closed. Event loop
 * only.
 *
 * @param <T> what the handler remembers of a passed-on request until its answer ends
 */
final class OwedAnswers<T> {
  /** One answer in progress and 16 pipelined behind it; more is a flood, not a client. */
  static final int MAX_OWED = 17;

  private sealed interface Owed<T> permits PassedOn, Made, Held {}

  private record PassedOn<T>(T tag) implements Owed<T> {}

  private record Made<T>(FullHttpResponse response) implements Owed<T> {}

  private record Held<T>(Object request, T tag) implements Owed<T> {}

  private final ArrayDeque<Owed<T>> owed = new ArrayDeque<>();
  private final Consumer<T> ended;

  /** Last parts of passed-on answers being written: a held request waits for them. */
  private int writing;

  private boolean abandoned;

  /**
   * @param ended gets the tag of each passed-on request once the last part of its answer is written
   *     (or failed), or the connection is gone
   */
  OwedAnswers(Consumer<T> ended) {
    this.ended = ended;
  }

  /** True when nothing is owed: no answer in progress, none waiting. */
  boolean idle() {
    return owed.isEmpty() && writing == 0;
  }

  /**
   * A request goes to the handlers behind now; {@code tag} comes back when its answer ends.
   *
   * @return false when the connection owes too many answers: it is closed, and the caller drops
   *     (releases) the request
   */
  boolean passedOn(ChannelHandlerContext ctx, T tag) {
    if (full(ctx)) {
      return false;
    }
    owed.add(new PassedOn<>(tag));
    return true;
  }

  /** Writes an answer made here now, or behind the answers owed before it. */
  void answer(ChannelHandlerContext ctx, FullHttpResponse response) {
    if (owed.isEmpty()) {
      ctx.writeAndFlush(response);
    } else if (full(ctx)) {
      response.release();
    } else {
      owed.add(new Made<>(response));
    }
  }

  /**
   * Passes {@code request} to the handlers behind now if nothing is owed, else once the answers
   * owed before it are written; {@code tag} comes back when its answer ends. A request that does
   * not fit (the connection is then closed) is released.
   */
  void passOnInTurn(ChannelHandlerContext ctx, Object request, T tag) {
    if (idle()) {
      owed.add(new PassedOn<>(tag));
      ctx.fireChannelRead(request);
    } else if (full(ctx)) {
      ReferenceCountUtil.release(request);
    } else {
      owed.add(new Held<>(request, tag));
    }
  }

  /** Writes {@code msg} from the handlers behind, noting when it ends the oldest owed answer. */
  void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    boolean last = msg instanceof LastHttpContent || msg instanceof ChunkedInput<?>;
    if (!last || !(owed.peek() instanceof PassedOn<T> answered)) {
      ctx.write(msg, promise);
      return;
    }
    owed.poll();
    writing++;
    ChannelPromise done = promise.unvoid();
    done.addListener(
        f -> {
          writing--;
          ended.accept(answered.tag());
          if (!f.isSuccess()) {
            ctx.close();
          } else if (!abandoned) {
            releaseHeld(ctx);
          }
        });
    ctx.write(msg, done);
    boolean wrote = false;
    while (owed.peek() instanceof Made<T> made) {
      owed.poll();
      ctx.write(made.response());
      wrote = true;
    }
    if (wrote) {
      ctx.flush();
    }
  }

  /** The answers before the oldest held request are written: it goes on. */
  private void releaseHeld(ChannelHandlerContext ctx) {
    if (writing == 0 && owed.peek() instanceof Held<T> held) {
      owed.poll();
      owed.addFirst(new PassedOn<>(held.tag()));
      ctx.fireChannelRead(held.request());
    }
  }

  private boolean full(ChannelHandlerContext ctx) {
    if (owed.size() < MAX_OWED) {
      return false;
    }
    ctx.close();
    return true;
  }

  /**
   * The connection is gone: answers made here and held requests are released, and {@link #ended}
   * gets the tag of every passed-on request still owed. Idempotent.
   */
  void abandonAll() {
    abandoned = true;
    Owed<T> next;
    while ((next = owed.poll()) != null) {
      if (next instanceof Made<T> made) {
        made.response().release();
      } else if (next instanceof Held<T> held) {
        ReferenceCountUtil.release(held.request()); // never passed on: nothing ended
      } else if (next instanceof PassedOn<T> passed) {
        ended.accept(passed.tag());
      }
    }
  }
}
