package io.layerswarm.agent;

import io.layerswarm.agent.admin.AgentSnapshot;
import io.layerswarm.agent.admin.AgentView;
import io.layerswarm.agent.admin.Drain;
import io.layerswarm.agent.admin.Evictor;
import io.layerswarm.agent.pins.Pinner;
import io.layerswarm.swarm.Torrent;
import io.layerswarm.swarm.Traffic;
import java.util.Collection;
import java.util.Optional;

/**
 * What the admin API reports of a running agent and what it may change; {@link AgentServer#stats}
 * lists the store, on the admin executor.
 */
final class AgentAdminView implements AgentView {
  private final AgentServer agent;
  private final Evictor evictor;
  private final Drain drain;
  private final Pinner pinner;

  AgentAdminView(AgentServer agent, Evictor evictor, Drain drain, Pinner pinner) {
    this.agent = agent;
    this.evictor = evictor;
    this.drain = drain;
    this.pinner = pinner;
  }

  @Override
  public AgentSnapshot snapshot() {
    AgentStats stats = agent.stats();
    Traffic moved = agent.engine().traffic();
    return new AgentSnapshot(
        AgentServer.VERSION,
        agent.uptime(),
        stats.cacheBytes(),
        stats.cachedBlobs(),
        stats.transfers(),
        stats.bytesFromSwarm(),
        stats.bytesFromOrigin(),
        moved,
        agent.address(),
        agent.engine().listenAddress());
  }

  @Override
  public Collection<Torrent> torrents() {
    return agent.engine().torrents();
  }

  @Override
  public Optional<Evictor> evictor() {
    return Optional.of(evictor);
  }

  @Override
  public Optional<Drain> drain() {
    return Optional.of(drain);
  }

  @Override
  public Optional<Pinner> pinner() {
    return Optional.of(pinner);
  }
}
