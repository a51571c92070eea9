package io.layerswarm.cli.admin;

import io.layerswarm.proto.admin.TrackerAdminGrpc;
import io.layerswarm.proto.admin.TrackerHealth;
import io.layerswarm.proto.admin.TrackerHealthRequest;
import io.layerswarm.proto.admin.TrackerPeerList;
import io.layerswarm.proto.admin.TrackerPeersRequest;
import io.layerswarm.proto.admin.TrackerSwarmList;
import io.layerswarm.proto.admin.TrackerSwarmsRequest;
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
}
