package io.layerswarm.seeder.http;

import io.layerswarm.registry.notify.NotificationEnvelope;
import io.layerswarm.registry.notify.NotificationFormatException;
import io.layerswarm.seeder.metrics.SeederMetrics;
import io.layerswarm.seeder.preheat.NotificationQueue;

/** Connects {@code POST /notifications} to the {@link NotificationQueue}. */
public final class NotificationSinks {
  private NotificationSinks() {}

  /**
   * Parses the envelope and queues its manifest pushes; a bad body changes nothing and is reported
   * as a format error (400).
   */
  public static ControlRequestHandler.NotificationSink of(
      NotificationQueue queue, SeederMetrics metrics) {
    return body -> {
      NotificationEnvelope envelope;
      try {
        envelope = NotificationEnvelope.parse(body);
      } catch (NotificationFormatException e) {
        metrics.notificationRequest("invalid");
        throw e;
      }
      NotificationQueue.Accepted accepted = queue.accept(envelope);
      metrics.notificationRequest("ok");
      return "{\"queued\":"
          + accepted.queued()
          + ",\"coalesced\":"
          + accepted.coalesced()
          + ",\"dropped\":"
          + accepted.dropped()
          + ",\"ignored\":"
          + accepted.ignored()
          + "}";
    };
  }
}
