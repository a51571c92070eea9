package io.layerswarm.seeder.http;

import io.layerswarm.core.auth.BearerToken;
import io.layerswarm.core.auth.HttpAuth;
import io.layerswarm.core.auth.HttpSignature;
import io.layerswarm.seeder.harbor.ApiCredentials;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import java.util.Optional;

/**
 * Who may use the control endpoint, decided on the request's head before any body is read:
 *
 * <ul>
 *   <li>{@code GET /metainfo/...} makes this seeder pull a blob from the origin with its
 *       credentials: with a cluster secret, only requests {@linkplain HttpSignature signed} with it
 *       (the trackers', and other seeders' warming the ring). So do {@code GET /ring} and {@code
 *       GET /blobs/...}, which members read to follow ring changes and to copy a held blob.
 *   <li>{@code POST /notifications} (a registry's webhook, which can only send a fixed header):
 *       with {@code seeder.notifications-token-file}, only {@code Authorization: Bearer <token>};
 *       without a token, only in open mode.
 *   <li>The Dragonfly preheat API ({@code /healthy}, {@code /oapi/v1/jobs...}, Harbor's provider):
 *       with {@code seeder.preheat-api-token-file}, only requests with that token in one of the
 *       forms of {@link ApiCredentials}; without a token, only in open mode.
 *   <li>{@code /healthz}, {@code /metrics} and unknown paths: everyone.
 * </ul>
 *
 * A refused request gets 401 with a JSON reason that names what to configure (never the request's
 * headers), its body is discarded unread, and the connection is closed. One instance per channel;
 * owned by its event loop.
 */
final class ControlAccessHandler extends ChannelInboundHandlerAdapter {
  static final String NOTIFICATIONS_NEED_TOKEN =
      "POST /notifications needs Authorization: Bearer <token> with the token in this seeder's"
          + " seeder.notifications-token-file (a registry sends it from the endpoint's headers)";
  static final String NOTIFICATIONS_CLOSED =
      "this seeder has a cluster secret but no seeder.notifications-token-file, so it takes no"
          + " registry notifications: set one, and send Authorization: Bearer <token>";

  static final String PREHEAT_API_NEEDS_TOKEN =
      "the preheat API needs the token in this seeder's seeder.preheat-api-token-file: as"
          + " Authorization: Bearer <token> (Harbor auth mode OAUTH), as the password of"
          + " Authorization: Basic (mode BASIC, any user name) or as "
          + ApiCredentials.CUSTOM_HEADER
          + ": <token> (mode CUSTOM)";
  static final String PREHEAT_API_CLOSED =
      "this seeder has a cluster secret but no seeder.preheat-api-token-file, so its preheat API"
          + " is off: set one, and give Harbor's provider instance that token";

  private final HttpAuth auth;
  private final Optional<BearerToken> notificationsToken;
  private final Optional<ApiCredentials> preheatApi;
  private boolean refusing;

  ControlAccessHandler(HttpAuth auth, Optional<BearerToken> notificationsToken) {
    this(auth, notificationsToken, Optional.empty());
  }

  /**
   * @param preheatApi who may use the preheat API; empty: everyone in open mode, no one else
   */
  ControlAccessHandler(
      HttpAuth auth,
      Optional<BearerToken> notificationsToken,
      Optional<ApiCredentials> preheatApi) {
    this.auth = auth;
    this.notificationsToken = notificationsToken;
    this.preheatApi = preheatApi;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (refusing) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpRequest request && request.decoderResult().isSuccess()) {
      Optional<String> refusal = refusal(request);
      if (refusal.isPresent()) {
        refusing = true;
        ReferenceCountUtil.release(msg);
        FullHttpResponse response =
            ControlResponses.error(
                HttpResponseStatus.UNAUTHORIZED, "UNAUTHORIZED", refusal.get(), null);
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        return;
      }
    }
    ctx.fireChannelRead(msg);
  }

  /** Why {@code request} may not pass, or empty when it may. */
  private Optional<String> refusal(HttpRequest request) {
    Optional<String> decoded = ControlRoute.path(request.uri());
    if (decoded.isEmpty()) {
      return Optional.empty(); // no route has a malformed path: the request is answered 400
    }
    String path = decoded.get();
    if (path.startsWith(ControlRoute.METAINFO_PREFIX)
        || path.startsWith(ControlRoute.BLOBS_PREFIX)
        || path.equals(ControlRoute.RING_PATH)) {
      HttpSignature.Check check =
          auth.check(
              request.method().name(), request.uri(), request.headers().get(HttpSignature.HEADER));
      return check.valid() ? Optional.empty() : Optional.of(check.reason());
    }
    if (path.equals(ControlRoute.NOTIFICATIONS_PATH)) {
      if (notificationsToken.isPresent()) {
        return notificationsToken
                .get()
                .matches(request.headers().get(HttpHeaderNames.AUTHORIZATION))
            ? Optional.empty()
            : Optional.of(NOTIFICATIONS_NEED_TOKEN);
      }
      return auth.required() ? Optional.of(NOTIFICATIONS_CLOSED) : Optional.empty();
    }
    if (ControlRoute.isPreheatApi(path)) {
      if (preheatApi.isPresent()) {
        return preheatApi.get().accepts(request.headers()::get)
            ? Optional.empty()
            : Optional.of(PREHEAT_API_NEEDS_TOKEN);
      }
      return auth.required() ? Optional.of(PREHEAT_API_CLOSED) : Optional.empty();
    }
    return Optional.empty();
  }
}
