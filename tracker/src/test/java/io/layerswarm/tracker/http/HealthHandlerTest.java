package io.layerswarm.tracker.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.testing.Await;
import io.layerswarm.tracker.peerstore.InMemoryPeerStore;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code /healthz} tells the truth about the tracker's threads, not only about its peer store. */
class HealthHandlerTest {
  private final BoundedExecutor store = new BoundedExecutor("tracker-store", 1, 4);

  @AfterEach
  void stop() {
    store.close();
  }

  private static String answer(EmbeddedChannel channel, StringBuilder status) {
    channel.writeInbound(
        new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/healthz"));
    FullHttpResponse[] response = new FullHttpResponse[1];
    Await.until(
        "the health answer",
        () -> {
          channel.runPendingTasks();
          response[0] = channel.readOutbound();
          return response[0] != null;
        });
    status.setLength(0);
    status.append(response[0].status().code());
    try {
      return response[0].content().toString(StandardCharsets.UTF_8);
    } finally {
      response[0].release();
    }
  }

  @Test
  void healthIs503NamingTheProblemWhileALoopOrPoolOfTheTrackerIsDead() {
    List<String> problems = new CopyOnWriteArrayList<>();
    EmbeddedChannel channel =
        new EmbeddedChannel(
            StoreQueryHandler.health(new InMemoryPeerStore(), store, () -> List.copyOf(problems)));
    StringBuilder status = new StringBuilder();

    assertThat(answer(channel, status)).startsWith("ok");
    assertThat(status).hasToString("200");
    problems.add("tracker-io-2 has stopped: it refuses tasks");

    assertThat(answer(channel, status)).contains("tracker-io-2 has stopped: it refuses tasks");
    assertThat(status).hasToString("503");
    assertThat(channel.finishAndReleaseAll()).isFalse();
  }
}
