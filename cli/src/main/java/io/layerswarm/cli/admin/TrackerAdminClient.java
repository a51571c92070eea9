package io.layerswarm.cli.admin;

import io.layerswarm.proto.admin.FleetPreheatProgress;
import io.layerswarm.proto.admin.FleetPreheatRequest;
import io.layerswarm.proto.admin.TrackerAdminGrpc;
import io.layerswarm.proto.admin.TrackerHealth;
import io.layerswarm.proto.admin.TrackerHealthRequest;
import io.layerswarm.proto.admin.TrackerPeerList;
import io.layerswarm.proto.admin.TrackerPeersRequest;
import io.layerswarm.proto.admin.TrackerSwarmList;
import io.layerswarm.proto.admin.TrackerSwarmsRequest;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The tracker's admin API ({@code tracker_admin.proto}) over {@link ServiceChannels}. */
final class TrackerAdminClient {
  private final ServiceChannels server;

  TrackerAdminClient(ServiceChannels server) {
    this.server = server;
  }

  private TrackerAdminGrpc.TrackerAdminBlockingStub blocking() {
    return TrackerAdminGrpc.newBlockingStub(server.channel())
        .withDeadlineAfter(ServiceChannels.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
  }

  TrackerSwarmList swarms(int limit) throws ServiceException {
    return server.call(
        "Swarms",
        () -> blocking().swarms(TrackerSwarmsRequest.newBuilder().setLimit(limit).build()));
  }

  TrackerPeerList peers(TrackerPeersRequest request) throws ServiceException {
    return server.call("Peers", () -> blocking().peers(request));
  }

  TrackerHealth health() throws ServiceException {
    return server.call(
        "Health", () -> blocking().health(TrackerHealthRequest.getDefaultInstance()));
  }

  /**
   * Runs a fleet preheat and hands every message to {@code listener}, on this thread, until every
   * agent ended. Leaving (an exception from the listener, or the deadline) cancels the call, and
   * the tracker hands the job to no more agents.
   *
   * @param deadline the whole call's
   * @param tick how often {@link StreamingCall.Listener#idle} runs while nothing arrives
   */
  void fleetPreheat(
      FleetPreheatRequest request,
      Duration deadline,
      Duration tick,
      StreamingCall.Listener<FleetPreheatProgress> listener)
      throws ServiceException {
    StreamingCall.readToEnd(
        server,
        "FleetPreheat",
        TrackerAdminGrpc.newStub(server.channel())
                .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
            ::fleetPreheat,
        request,
        "the preheat command left",
        tick,
        "agents that started go on fetching",
        listener);
  }
}
