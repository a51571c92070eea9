package io.layerswarm.seeder.seeding;

/** The request named a registry host that is not configured; the seeder never fetches from it. */
public final class UnknownUpstreamException extends SeederException {
  private static final long serialVersionUID = 1L;
  private final String registry;

  public UnknownUpstreamException(String registry) {
    super("unknown upstream registry " + registry + "; configure it under seeder.upstreams");
    this.registry = registry;
  }

  public String registry() {
    return registry;
  }
}
