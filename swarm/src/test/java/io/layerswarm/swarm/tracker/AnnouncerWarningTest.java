package io.layerswarm.swarm.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.layerswarm.core.auth.LogSafe;
import io.layerswarm.swarm.loop.ManualLoop;
import io.layerswarm.testing.ManualClock;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A tracker's "warning message" reaches the log, but as one escaped, bounded part of one line: a
 * tracker, or anything answering as one, cannot write lines of its own into the agent's or the
 * seeder's log.
 */
class AnnouncerWarningTest {
  private final Logger logger = (Logger) LoggerFactory.getLogger(Announcer.class);
  private final ListAppender<ILoggingEvent> events = new ListAppender<>();
  private final ManualClock clock = new ManualClock();
  private final ManualLoop loop = new ManualLoop(clock);

  @BeforeEach
  void capture() {
    events.start();
    logger.addAppender(events);
    logger.setAdditive(false);
    logger.setLevel(Level.INFO);
  }

  @AfterEach
  void release() {
    logger.detachAppender(events);
    logger.setAdditive(true);
    logger.setLevel(null);
  }

  /** The one line the announcer logs after a tracker answered {@code warning}. */
  private String loggedWarning(String warning) {
    announceOnceTo(
        (uri, request) ->
            CompletableFuture.completedFuture(TestAnnouncers.accepted(Optional.of(warning))));
    assertThat(events.list).hasSize(1);
    return events.list.get(0).getFormattedMessage();
  }

  private void announceOnceTo(TrackerClient tracker) {
    TestAnnouncers.started(
        List.of(URI.create("http://tracker.test:6969/announce")), tracker, loop, clock);
  }

  @Test
  void aWarningWithLineBreaksAndEscapesStaysOnTheTrackersOneLine() {
    String line =
        loggedWarning(
            "maintenance\n2026-12-07 01:00:00 ERROR agent: disk full, deleting cache\r\u001b[2K");

    assertThat(line).doesNotContain("\n", "\r", "\u001b");
    assertThat(line)
        .isEqualTo(
            "tracker http://tracker.test:6969/announce warns: maintenance\\n2026-12-07 01:00:00"
                + " ERROR agent: disk full, deleting cache\\r\\u001b[2K");
  }

  @Test
  void aLongWarningIsCutAtTheLimit() {
    String line = loggedWarning("x".repeat(1 << 20));

    assertThat(line).hasSizeLessThan(LogSafe.MAX_TEXT + 100).endsWith("...(1048376 more)");
  }

  @Test
  void aRefusalsFailureReasonIsLoggedEscapedToo() {
    logger.setLevel(Level.DEBUG);
    announceOnceTo(
        (uri, request) ->
            CompletableFuture.failedFuture(
                new TrackerException(
                    "tracker refused: forbidden\n2026-12-07 01:00:00 ERROR agent: forged\u001b[2K")));

    assertThat(events.list)
        .map(ILoggingEvent::getFormattedMessage)
        .anySatisfy(line -> assertThat(line).contains("failed: tracker refused: forbidden\\n"))
        .allSatisfy(line -> assertThat(line).doesNotContain("\n", "\r", "\u001b"));
  }
}
