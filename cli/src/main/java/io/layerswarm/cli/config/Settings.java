package io.layerswarm.cli.config;

import io.layerswarm.agent.AgentConfig;
import io.layerswarm.registry.RegistryHost;
import io.layerswarm.registry.client.Credentials;
import io.layerswarm.registry.client.HttpUpstreamRegistry;
import io.layerswarm.registry.client.UpstreamRegistry;
import io.layerswarm.registry.client.Upstreams;
import io.layerswarm.seeder.SeederConfig;
import io.layerswarm.tracker.Passkey;
import io.layerswarm.tracker.TrackerConfig;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a {@link ConfigFile} into the daemons' config records. Defaults live here and only here;
 * {@link #effective} fills them in so {@code --print-config} shows exactly what runs.
 */
public final class Settings {
  public static final String VERSION = "0.1.0";
  static final String DEFAULT_TRACKER_LISTEN = "127.0.0.1:6969";
  static final String DEFAULT_SEEDER_LISTEN = "127.0.0.1:6970";
  static final String DEFAULT_AGENT_LISTEN = "127.0.0.1:5050";
  /** Also the admin commands' default {@code --socket}. */
  public static final String DEFAULT_ADMIN_SOCKET = "/run/layerswarm/agent.sock";

  private final ConfigFile file;
  private final String source;

  private Settings(ConfigFile file, String source) {
    this.file = file;
    this.source = source;
  }

  /** @param source the config file name or "command line", for error messages */
  public static Settings of(ConfigFile file, String source) {
    return new Settings(effective(file), source);
  }

  public ConfigFile file() {
    return file;
  }

  /** The file with every absent key set to its default. */
  static ConfigFile effective(ConfigFile f) {
    ConfigFile.Tracker t = f.tracker() == null
        ? new ConfigFile.Tracker(null, null, null, null, null, null, null, null, null) : f.tracker();
    ConfigFile.Seeder s = f.seeder() == null
        ? new ConfigFile.Seeder(null, null, null, null, null, null) : f.seeder();
    ConfigFile.Agent a = f.agent() == null
        ? new ConfigFile.Agent(null, null, null, null, null, null, null, null) : f.agent();
    List<String> trackers = List.of("http://" + or(t.listen(), DEFAULT_TRACKER_LISTEN));
    return new ConfigFile(
        f.upstreams() == null ? List.of() : f.upstreams(),
        new ConfigFile.Tracker(
            or(t.listen(), DEFAULT_TRACKER_LISTEN),
            or(t.announceInterval(), "30s"),
            or(t.minAnnounceInterval(), "5s"),
            or(t.peerTtl(), "90s"),
            or(t.defaultNumwant(), 50),
            or(t.maxNumwant(), 200),
            or(t.seeders(), List.of("http://" + or(s.listen(), DEFAULT_SEEDER_LISTEN))),
            t.redis(),
            t.passkey()),
        new ConfigFile.Seeder(
            or(s.listen(), DEFAULT_SEEDER_LISTEN),
            or(s.peerListen(), "0.0.0.0:6881"),
            or(s.dataDir(), "/var/lib/layerswarm/seeder"),
            or(s.trackers(), trackers),
            or(s.uploadRate(), "0"),
            or(s.originTimeout(), "30s")),
        new ConfigFile.Agent(
            or(a.listen(), DEFAULT_AGENT_LISTEN),
            or(a.peerListen(), "0.0.0.0:6882"),
            or(a.dataDir(), "/var/lib/layerswarm/agent"),
            or(a.trackers(), trackers),
            or(a.swarmDeadline(), "60s"),
            or(a.uploadRate(), "0"),
            or(a.downloadRate(), "0"),
            or(a.adminSocket(), DEFAULT_ADMIN_SOCKET)));
  }

  public TrackerConfig tracker() throws ConfigException {
    ConfigFile.Tracker t = file.tracker();
    return wrap(() -> new TrackerConfig(
        Values.address("tracker.listen", t.listen()),
        Values.duration("tracker.announce-interval", t.announceInterval()),
        Values.duration("tracker.min-announce-interval", t.minAnnounceInterval()),
        Values.duration("tracker.peer-ttl", t.peerTtl()),
        Values.intInRange("tracker.default-numwant", t.defaultNumwant(), 1, 1000),
        Values.intInRange("tracker.max-numwant", t.maxNumwant(), 1, 1000),
        urls("tracker.seeders", t.seeders(), ""),
        blank(t.redis()) ? Optional.empty() : Optional.of(redisUri(t.redis())),
        blank(t.passkey()) ? Optional.empty() : Optional.of(Passkey.of(t.passkey()))));
  }

  private static URI redisUri(String value) throws ConfigException {
    try {
      return new URI(value);
    } catch (java.net.URISyntaxException e) {
      throw new ConfigException("tracker.redis: '" + value + "' is not a URI such as redis://127.0.0.1:6379/0");
    }
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }

  public SeederConfig seeder() throws ConfigException {
    ConfigFile.Seeder s = file.seeder();
    return wrap(() -> new SeederConfig(
        Values.address("seeder.listen", s.listen()),
        Values.address("seeder.peer-listen", s.peerListen()),
        Path.of(s.dataDir()),
        urls("seeder.trackers", s.trackers(), "/announce"),
        Values.bytes("seeder.upload-rate", s.uploadRate()),
        Values.duration("seeder.origin-timeout", s.originTimeout())));
  }

  public AgentConfig agent() throws ConfigException {
    ConfigFile.Agent a = file.agent();
    return wrap(() -> new AgentConfig(
        Values.address("agent.listen", a.listen()),
        Values.address("agent.peer-listen", a.peerListen()),
        Path.of(a.dataDir()),
        urls("agent.trackers", a.trackers(), ""),
        Values.duration("agent.swarm-deadline", a.swarmDeadline()),
        Values.bytes("agent.upload-rate", a.uploadRate()),
        Values.bytes("agent.download-rate", a.downloadRate()),
        Values.optionalPath("agent.admin-socket", a.adminSocket())));
  }

  /** The configured upstream registries; exactly one may be the default (the first if none is). */
  public Upstreams upstreams(String userAgent) throws ConfigException {
    List<ConfigFile.Upstream> list = file.upstreams();
    if (list.isEmpty()) {
      throw new ConfigException(
          source + ": upstreams: at least one upstream registry is required"
              + " (or pass --upstream http://HOST:PORT)");
    }
    Map<String, UpstreamRegistry> byHost = new LinkedHashMap<>();
    String defaultHost = null;
    for (int i = 0; i < list.size(); i++) {
      ConfigFile.Upstream u = list.get(i);
      String key = "upstreams[" + i + "]";
      if (u.url() == null) {
        throw new ConfigException(source + ": " + key + ".url is required");
      }
      URI url = wrap(() -> Values.httpUrl(key + ".url", u.url()));
      String host;
      try {
        host = u.host() == null ? RegistryHost.of(url).value() : RegistryHost.of(u.host()).value();
      } catch (IllegalArgumentException e) {
        throw new ConfigException(source + ": " + key + ".host: " + e.getMessage());
      }
      if (byHost.containsKey(host)) {
        throw new ConfigException(source + ": " + key + ".host: " + host + " is configured twice");
      }
      if ((u.username() == null) != (u.password() == null)) {
        throw new ConfigException(
            source + ": " + key + ": username and password must be given together");
      }
      Credentials credentials =
          u.username() == null ? null : new Credentials(u.username(), u.password());
      byHost.put(host, credentials == null
          ? new HttpUpstreamRegistry(url, userAgent)
          : new HttpUpstreamRegistry(url, userAgent, credentials));
      if (Boolean.TRUE.equals(u.isDefault())) {
        if (defaultHost != null) {
          throw new ConfigException(
              source + ": " + key + ".default: only one upstream can be the default");
        }
        defaultHost = host;
      }
    }
    return Upstreams.of(defaultHost == null ? byHost.keySet().iterator().next() : defaultHost,
        byHost);
  }

  private static List<URI> urls(String key, List<String> values, String suffix)
      throws ConfigException {
    if (values.isEmpty()) {
      throw new ConfigException(key + ": at least one URL is required");
    }
    List<URI> uris = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      uris.add(URI.create(Values.httpUrl(key + "[" + i + "]", values.get(i)) + suffix));
    }
    return List.copyOf(uris);
  }

  private interface Build<T> {
    T get() throws ConfigException;
  }

  /** Adds the source to errors, and turns the records' own validation into config errors. */
  private <T> T wrap(Build<T> build) throws ConfigException {
    try {
      return build.get();
    } catch (ConfigException e) {
      throw new ConfigException(source + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(source + ": " + e.getMessage(), e);
    }
  }

  private static <T> T or(T value, T fallback) {
    return value == null ? fallback : value;
  }
}
