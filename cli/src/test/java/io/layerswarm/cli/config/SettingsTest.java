package io.layerswarm.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.agent.AgentConfig;
import io.layerswarm.agent.mirror.OriginLimits;
import io.layerswarm.core.disk.SpaceLimit;
import io.layerswarm.core.topology.Location;
import io.layerswarm.seeder.SeederConfig;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingsTest {
  private static final String GOOD =
      """
      upstreams:
        - url: http://127.0.0.1:5000
          host: docker.io
      agent:
        listen: 127.0.0.1:5051
        data-dir: /tmp/agent
        swarm-deadline: 15s
        upload-rate: 10MiB
      """;

  private static Settings settings(String yaml, Map<String, Object> overrides)
      throws ConfigException {
    return Settings.of(ConfigLoader.parse(yaml, "agent.yaml", overrides), "agent.yaml");
  }

  @Test
  void aFileSetsKeysAndDefaultsFillTheRest() throws Exception {
    AgentConfig agent = settings(GOOD, Map.of()).agent();
    assertThat(agent.listen().getPort()).isEqualTo(5051);
    assertThat(agent.swarmDeadline()).isEqualTo(Duration.ofSeconds(15));
    assertThat(agent.uploadBytesPerSecond()).isEqualTo(10L << 20);
    assertThat(agent.downloadBytesPerSecond()).isZero();
    assertThat(agent.trackers()).hasSize(1);
    assertThat(agent.trackers().get(0).toString()).isEqualTo("http://127.0.0.1:6969");
  }

  @Test
  void flagsOverrideTheSameKeysInTheFile() throws Exception {
    Map<String, Object> overrides = new LinkedHashMap<>();
    overrides.put("agent.listen", "127.0.0.1:6000");
    overrides.put("agent.trackers", List.of("http://127.0.0.1:7000", "http://127.0.0.1:7001"));
    AgentConfig agent = settings(GOOD, overrides).agent();
    assertThat(agent.listen().getPort()).isEqualTo(6000);
    assertThat(agent.trackers())
        .extracting(Object::toString)
        .containsExactly("http://127.0.0.1:7000", "http://127.0.0.1:7001");
  }

  @Test
  void noFileAtAllRunsOnDefaultsPlusFlags() throws Exception {
    Settings s = settings("", Map.of("upstreams", List.of(Map.of("url", "http://127.0.0.1:5000"))));
    assertThat(s.agent().listen().getPort()).isEqualTo(5050);
    assertThat(s.upstreams("test").defaultHost()).isEqualTo("127.0.0.1:5000");
  }

  @Test
  void anUnknownKeyStopsWithTheFileAndTheKeyNamed() {
    assertThatThrownBy(() -> settings("agent:\n  listne: 127.0.0.1:1\n", Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("agent.yaml")
        .hasMessageContaining("agent.listne")
        .hasMessageContaining("listen");
  }

  @Test
  void anUnknownKeyOrAWrongTypeNamesItsLineInTheFileAndNoLineForAFlag() {
    String text =
        """
        upstreams:
          - url: http://127.0.0.1:5000
          - url: http://127.0.0.1:5001
            hots: b
        agent:
          listen: 127.0.0.1:1
          swarm-dedline: 5s
        tracker:
          max-numwant: [1]
        """;

    assertThatThrownBy(() -> settings(text, Map.of()))
        .hasMessageStartingWith("agent.yaml: unknown key 'upstreams[1].hots' (line 4);");
    assertThatThrownBy(() -> settings(text.replace("hots", "host"), Map.of()))
        .hasMessageStartingWith("agent.yaml: unknown key 'agent.swarm-dedline' (line 7);");
    assertThatThrownBy(
            () ->
                settings(
                    text.replace("hots", "host").replace("swarm-dedline", "peer-listen"), Map.of()))
        .hasMessageStartingWith(
            "agent.yaml: key 'tracker.max-numwant' has the wrong type (line 9):");
    assertThatThrownBy(
            () -> settings(GOOD + "  trackers: [http://t:1]\n", Map.of("agent.trackers", "x")))
        .hasMessageStartingWith("agent.yaml: key 'agent.trackers' has the wrong type:");
  }

  @Test
  void aWrongTypeStopsWithTheKeyNamed() {
    assertThatThrownBy(() -> settings("tracker:\n  max-numwant: lots\n", Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("tracker.max-numwant")
        .hasMessageContaining("wrong type");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "agent:\\n  listen: 127.0.0.1:70000|agent.listen|out of range",
        "agent:\\n  swarm-deadline: soon|agent.swarm-deadline|not a duration",
        "agent:\\n  upload-rate: -5|agent.upload-rate|not a byte amount",
        "agent:\\n  trackers: [ftp://x]|agent.trackers[0]|http",
        "tracker:\\n  max-numwant: 0|tracker.max-numwant|out of range",
      })
  void anOutOfRangeValueStopsWithTheKeyNamed(String yaml, String key, String why) {
    String text = yaml.replace("\\n", "\n");
    assertThatThrownBy(
            () -> {
              Settings s = settings(text, Map.of());
              s.agent();
              s.tracker();
            })
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(key)
        .hasMessageContaining(why);
  }

  @Test
  void upstreamsAreRequiredAndTheMessageSaysHowToGiveOne() {
    assertThatThrownBy(() -> settings("", Map.of()).upstreams("test"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("upstreams")
        .hasMessageContaining("--upstream");
  }

  @Test
  void notYamlAtAllIsRejectedWithTheFileNamed() {
    assertThatThrownBy(() -> settings("agent: [unclosed\n", Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("agent.yaml")
        .hasMessageContaining("YAML");
  }

  @Test
  void theAdminSocketDefaultsToRunLayerswarmAndAnEmptyStringTurnsItOff() throws Exception {
    assertThat(settings(GOOD, Map.of()).agent().adminSocket())
        .contains(Path.of("/run/layerswarm/agent.sock"));
    assertThat(settings(GOOD, Map.of("agent.admin-socket", "/tmp/a.sock")).agent().adminSocket())
        .contains(Path.of("/tmp/a.sock"));
    assertThat(settings(GOOD, Map.of("agent.admin-socket", "")).agent().adminSocket()).isEmpty();
  }

  @Test
  void aCommandsDefaultsFillOnlyKeysThatNeitherTheFileNorAFlagSets() throws Exception {
    Map<String, Object> defaults =
        Map.of(
            "agent.admin-socket", "/data/agent.sock",
            "agent.peer-listen", "127.0.0.1:0",
            "seeder.peer-listen", "127.0.0.1:0");
    String file = GOOD + "  peer-listen: 0.0.0.0:7000\n";
    ConfigFile parsed =
        ConfigLoader.parse(
            file, "agent.yaml", defaults, Map.of("seeder.peer-listen", "127.0.0.1:7001"));
    Settings s = Settings.of(parsed, "agent.yaml");

    assertThat(s.agent().adminSocket()).contains(Path.of("/data/agent.sock"));
    assertThat(s.agent().peerListen().getPort()).as("the file wins").isEqualTo(7000);
    assertThat(s.seeder().peerListen().getPort()).as("a flag wins").isEqualTo(7001);
  }

  @Test
  void printedConfigMasksPasswords() throws Exception {
    Settings s =
        settings(
            "upstreams:\n  - url: http://127.0.0.1:5000\n    username: u\n    password: hunter2\n",
            Map.of());
    assertThat(ConfigPrinter.yaml(s.file()))
        .doesNotContain("hunter2")
        .contains("********")
        .contains("swarm-deadline: 60s")
        .contains("admin-socket: /run/layerswarm/agent.sock");
  }

  @Test
  void anUpstreamUrlWithAFragmentOrQueryIsAConfigErrorNamingTheKey() {
    assertThatThrownBy(
            () ->
                settings("upstreams:\n  - url: http://1#27.0.0.1:5000\n", Map.of()).upstreams("t"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("upstreams[0].url")
        .hasMessageContaining("#fragment");
    assertThatThrownBy(
            () ->
                settings("upstreams:\n  - url: http://127.0.0.1:5000/?a=b\n", Map.of())
                    .upstreams("t"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("upstreams[0].url")
        .hasMessageContaining("?query");
  }

  private static final String CLUSTER =
      """
      upstreams:
        - url: http://127.0.0.1:5000
      seeder:
        listen: 127.0.0.1:7001
        admin-listen: 127.0.0.1:7101
        admin-token: s3cret-token
        disk-high-watermark: 10GiB
        disk-low-watermark: 8GiB
        time-to-idle: 6h
        ring: [http://127.0.0.1:7001, http://127.0.0.1:7002/]
        advertise-url: http://127.0.0.1:7001
        ring-replicas: 2
      """;

  @Test
  void theSeedersClusterKeysReachItsConfig() throws Exception {
    SeederConfig seeder = settings(CLUSTER, Map.of()).seeder();
    assertThat(seeder.adminListen()).contains(new InetSocketAddress("127.0.0.1", 7101));
    assertThat(seeder.adminToken()).contains("s3cret-token");
    assertThat(seeder.diskHighWatermark()).isEqualTo(10L << 30);
    assertThat(seeder.diskLowWatermark()).isEqualTo(8L << 30);
    assertThat(seeder.timeToIdle()).isEqualTo(Duration.ofHours(6));
    assertThat(seeder.ringMembers())
        .extracting(Object::toString)
        .containsExactly("http://127.0.0.1:7001", "http://127.0.0.1:7002");
    assertThat(seeder.advertiseUrl()).contains(URI.create("http://127.0.0.1:7001"));
    assertThat(seeder.ringReplicas()).isEqualTo(2);
  }

  @Test
  void withoutClusterKeysASeederHasNoAdminApiNoEvictionAndARingOfItself() throws Exception {
    Settings s = settings(GOOD, Map.of());
    SeederConfig seeder = s.seeder();
    assertThat(seeder.adminListen()).isEmpty();
    assertThat(seeder.adminToken()).isEmpty();
    assertThat(seeder.diskHighWatermark()).isZero();
    assertThat(seeder.diskLowWatermark()).isZero();
    assertThat(seeder.timeToIdle()).isZero();
    assertThat(seeder.ringMembers()).isEmpty();
    assertThat(seeder.advertiseUrl()).isEmpty();
    assertThat(seeder.ringReplicas()).isEqualTo(2);
    assertThat(s.trackerRingReplicas()).isEqualTo(2);
    assertThat(s.tracker().seeders())
        .extracting(Object::toString)
        .containsExactly("http://127.0.0.1:6970");
  }

  @Test
  void aHighWatermarkAloneGetsALowOneOf90PercentAndABareZeroTurnsTimeToIdleOff() throws Exception {
    SeederConfig seeder =
        settings(
                GOOD + "seeder:\n  disk-high-watermark: 1000MB\n" + "  time-to-idle: 0\n", Map.of())
            .seeder();
    assertThat(seeder.diskHighWatermark()).isEqualTo(1_000_000_000L);
    assertThat(seeder.diskLowWatermark()).isEqualTo(900_000_000L);
    assertThat(seeder.timeToIdle()).isZero();
  }

  @Test
  void theTrackerAsksTheSeederRingWithTheSeedersReplicasWhenItsOwnKeysAreNotSet() throws Exception {
    Settings s = settings(CLUSTER.replace("ring-replicas: 2", "ring-replicas: 3"), Map.of());
    assertThat(s.tracker().seeders())
        .extracting(Object::toString)
        .containsExactly("http://127.0.0.1:7001", "http://127.0.0.1:7002");
    assertThat(s.trackerRingReplicas()).isEqualTo(3);
    assertThat(s.seeder().ringReplicas()).isEqualTo(3);
  }

  @Test
  void trackerRingReplicasComesFromTheFileOrASetFlag() throws Exception {
    assertThat(settings("tracker:\n  ring-replicas: 3\n", Map.of()).trackerRingReplicas())
        .isEqualTo(3);
    assertThat(settings("", Map.of("tracker.ring-replicas", "1")).trackerRingReplicas())
        .isEqualTo(1);
  }

  @Test
  void trackerAndSeederMustAgreeOnTheReplicas() {
    String yaml = CLUSTER + "tracker:\n  ring-replicas: 3\n";
    assertThatThrownBy(() -> settings(yaml, Map.of()).trackerRingReplicas())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("agent.yaml")
        .hasMessageContaining("tracker.ring-replicas (3)")
        .hasMessageContaining("seeder.ring-replicas (2)");
    assertThatThrownBy(() -> settings(yaml, Map.of()).seeder())
        .hasMessageContaining("tracker.ring-replicas");
  }

  @Test
  void trackerAndSeederMustListTheSameSeedersWrittenAnyWay() throws Exception {
    Settings same =
        settings(
            CLUSTER + "tracker:\n  seeders: [http://127.0.0.1:7002/, http://127.0.0.1:7001]\n",
            Map.of());
    assertThat(same.trackerRingReplicas()).isEqualTo(2);
    assertThat(same.tracker().seeders()).hasSize(2);

    Settings other = settings(CLUSTER + "tracker:\n  seeders: [http://127.0.0.1:7001]\n", Map.of());
    assertThatThrownBy(other::tracker)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("tracker.seeders")
        .hasMessageContaining("seeder.ring")
        .hasMessageContaining("same seeders");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "seeder:\\n  admin-listen: 127.0.0.1:99999|seeder.admin-listen|out of range",
        "seeder:\\n  admin-token: abc|seeder.admin-token|seeder.admin-listen",
        "seeder:\\n  disk-high-watermark: lots|seeder.disk-high-watermark|not a byte amount",
        "seeder:\\n  disk-high-watermark: 1GiB\\n  disk-low-watermark: 2GiB|seeder.disk-low-watermark|must not be above",
        "seeder:\\n  time-to-idle: -1s|seeder.time-to-idle|not a duration",
        "seeder:\\n  ring: [http://127.0.0.1:1, ftp://x]|seeder.ring[1]|http",
        "seeder:\\n  ring: [http://127.0.0.1:1, http://127.0.0.1:1/]|seeder.ring|twice",
        "seeder:\\n  ring: [http://127.0.0.1:1]\\n  advertise-url: http://127.0.0.1:2|seeder.advertise-url|not one of seeder.ring",
        "seeder:\\n  advertise-url: nope|seeder.advertise-url|http",
        "seeder:\\n  ring-replicas: 0|seeder.ring-replicas|out of range",
        "seeder:\\n  ring-replicas: two|seeder.ring-replicas|wrong type",
      })
  void aBadSeederClusterValueStopsWithTheKeyNamed(String yaml, String key, String why) {
    String text = yaml.replace("\\n", "\n");
    assertThatThrownBy(() -> settings(text, Map.of()).seeder())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(key)
        .hasMessageContaining(why);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "tracker:\\n  ring-replicas: 0|tracker.ring-replicas|out of range",
        "tracker:\\n  ring-replicas: 65|tracker.ring-replicas|out of range",
        "tracker:\\n  seeders: [http://127.0.0.1:1, http://127.0.0.1:1/]|tracker.seeders|twice",
      })
  void aBadTrackerRingValueStopsWithTheKeyNamed(String yaml, String key, String why) {
    String text = yaml.replace("\\n", "\n");
    assertThatThrownBy(() -> settings(text, Map.of()).trackerRingReplicas())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(key)
        .hasMessageContaining(why);
  }

  @Test
  void printedConfigMasksTheAdminTokenAndShowsTheRingKeys() throws Exception {
    String printed = ConfigPrinter.yaml(settings(CLUSTER, Map.of()).file());
    assertThat(printed)
        .doesNotContain("s3cret-token")
        .containsPattern("admin-token: '?\\*{8}'?\n")
        .contains("ring-replicas: 2")
        .contains("time-to-idle: 6h")
        .contains("admin-listen: 127.0.0.1:7101");
    assertThat(ConfigPrinter.yaml(settings(GOOD, Map.of()).file()))
        .contains("time-to-idle: 0s")
        .doesNotContain("admin-token");
  }

  @Test
  void agentCacheKeysReachTheAgentConfig() throws Exception {
    AgentConfig agent =
        settings(
                GOOD
                    + "  cache-max-bytes: 10GiB\n  cache-high-watermark: 80\n"
                    + "  cache-low-watermark: 60\n  cache-time-to-idle: 2d\n",
                Map.of())
            .agent();
    assertThat(agent.cacheMaxBytes()).isEqualTo(10L << 30);
    assertThat(agent.cacheHighWatermarkPercent()).isEqualTo(80);
    assertThat(agent.cacheLowWatermarkPercent()).isEqualTo(60);
    assertThat(agent.cacheTimeToIdle()).isEqualTo(Duration.ofDays(2));
  }

  @Test
  void aMetricsAddressIsOffByDefaultAndReachesTheAgentConfigWhenSet() throws Exception {
    assertThat(settings(GOOD, Map.of()).agent().metricsListen()).isEmpty();
    assertThat(settings(GOOD, Map.of()).file().agent().metricsListen()).isEmpty();

    AgentConfig agent = settings(GOOD + "  metrics-listen: 0.0.0.0:9102\n", Map.of()).agent();

    assertThat(agent.metricsListen())
        .hasValueSatisfying(
            address -> {
              assertThat(address.getPort()).isEqualTo(9102);
              assertThat(address.getAddress().isAnyLocalAddress()).isTrue();
            });
    assertThat(
            settings(GOOD, Map.of("agent.metrics-listen", "127.0.0.1:9103"))
                .agent()
                .metricsListen())
        .hasValueSatisfying(a -> assertThat(a.getPort()).isEqualTo(9103));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "metrics-listen: 9102|'9102' is not host:port",
        "metrics-listen: 127.0.0.1:70000|out of range",
        "metrics-listen: 127.0.0.1:5051|must differ from agent.listen",
        "metrics-listen: [9102]|wrong type",
      })
  void aBadMetricsAddressStopsWithTheFileAndTheKeyNamed(String line, String why) {
    assertThatThrownBy(() -> settings(GOOD + "  " + line + "\n", Map.of()).agent())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("agent.yaml")
        .hasMessageContaining("agent.metrics")
        .hasMessageContaining(why);
  }

  @Test
  void aLowWatermarkAboveTheHighOneNamesTheKey() {
    assertThatThrownBy(
            () ->
                settings(GOOD + "  cache-high-watermark: 50\n  cache-low-watermark: 70\n", Map.of())
                    .agent())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("agent.cache-low-watermark");
  }

  @Test
  void trackerAdminKeysReachTheTrackerConfigAndTheTokenIsMaskedWhenPrinted() throws Exception {
    Settings s =
        settings("tracker:\n  admin-listen: 127.0.0.1:7001\n  admin-token: t0ps3cret\n", Map.of());
    assertThat(s.tracker().adminListen()).isPresent();
    assertThat(s.tracker().adminToken()).contains("t0ps3cret");
    assertThat(ConfigPrinter.yaml(s.file())).doesNotContain("t0ps3cret");
  }

  @ParameterizedTest
  @CsvSource({"tracker", "seeder"})
  void anAdminApiBeyondLoopbackWithoutATokenStopsWithTheKeysNamed(String role) {
    assertThatThrownBy(() -> build(role, role + ":\n  admin-listen: 0.0.0.0:7001\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(role + ".admin-listen is 0.0.0.0:7001")
        .hasMessageContaining(role + ".admin-token is not set")
        .hasMessageContaining(role + ".admin-allow-unauthenticated: true");
  }

  @ParameterizedTest
  @CsvSource({"tracker", "seeder"})
  void anAdminApiOnLoopbackOrWithATokenOrWithTheOverrideStarts(String role) throws Exception {
    build(role, role + ":\n  admin-listen: 127.0.0.1:7001\n");
    build(role, role + ":\n  admin-listen: 0.0.0.0:7001\n  admin-token: t0k3n\n");
    build(role, role + ":\n  admin-listen: 0.0.0.0:7001\n  admin-allow-unauthenticated: true\n");
  }

  private static Object build(String role, String yaml) throws ConfigException {
    Settings s = settings(yaml, Map.of());
    return role.equals("tracker") ? s.tracker() : s.seeder();
  }

  @Test
  void diskAndOriginKeysHaveTheirDefaultsAndAcceptAShareOrBytes() throws Exception {
    AgentConfig agent = settings(GOOD, Map.of()).agent();
    assertThat(agent.cacheMaxBytes()).isEqualTo(10L << 30);
    assertThat(agent.diskFreeMin()).isEqualTo(SpaceLimit.ofPercent(10));
    assertThat(agent.origin()).isEqualTo(new OriginLimits(Duration.ofSeconds(30), 16 * 1024));
    assertThat(agent.peerListen()).isEqualTo(new InetSocketAddress("127.0.0.1", 6882));
    SeederConfig seeder = settings("", Map.of()).seeder();
    assertThat(seeder.diskFreeMin()).isEqualTo(SpaceLimit.ofPercent(10));
    assertThat(seeder.originMinBytesPerSecond()).isEqualTo(16 * 1024);
    assertThat(seeder.peerListen()).isEqualTo(new InetSocketAddress("127.0.0.1", 6881));

    AgentConfig set =
        settings(
                GOOD + "  disk-free-min: 5GiB\n  origin-timeout: 5s\n  origin-min-rate: 1KiB\n",
                Map.of())
            .agent();
    assertThat(set.diskFreeMin()).isEqualTo(SpaceLimit.ofBytes(5L << 30));
    assertThat(set.origin()).isEqualTo(new OriginLimits(Duration.ofSeconds(5), 1024));
    assertThat(settings("seeder:\n  disk-free-min: 0\n", Map.of()).seeder().diskFreeMin().isOff())
        .isTrue();
  }

  @Test
  void theSeederInlinesBlobsUpTo16KiBByDefaultAndRefusesALimitOver64KiB() throws Exception {
    assertThat(settings("", Map.of()).seeder().inlineMaxBytes()).isEqualTo(16 * 1024);
    assertThat(settings("seeder:\n  inline-max-bytes: 0\n", Map.of()).seeder().inlineMaxBytes())
        .isZero();
    assertThat(settings("seeder:\n  inline-max-bytes: 64KiB\n", Map.of()).seeder().inlineMaxBytes())
        .isEqualTo(64 * 1024);
    assertThatThrownBy(() -> settings("seeder:\n  inline-max-bytes: 1MiB\n", Map.of()).seeder())
        .hasMessageContaining("seeder.inline-max-bytes");
  }

  @Test
  void zoneAndRackAreUnknownByDefaultAndTakenFromTheAgentAndSeederSections() throws Exception {
    assertThat(settings(GOOD, Map.of()).agent().location()).isEqualTo(Location.UNKNOWN);
    assertThat(settings("", Map.of()).seeder().location()).isEqualTo(Location.UNKNOWN);

    Settings set =
        settings(
            GOOD
                + "  zone: eu-west-1a\n  rack: r12\n"
                + "seeder:\n  zone: eu-west-1b\n  rack: ' '\n",
            Map.of());
    assertThat(set.agent().location()).isEqualTo(Location.of("eu-west-1a", "r12"));
    assertThat(set.seeder().location()).isEqualTo(Location.of("eu-west-1b", null));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "agent:\\n  zone: eu west|agent.zone",
        "agent:\\n  rack: r;7|agent.rack",
        "seeder:\\n  zone: zone/1|seeder.zone",
        "seeder:\\n  rack: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx|seeder.rack"
      })
  void aBadZoneOrRackStopsWithOneLineNamingTheKey(String yaml, String key) {
    assertThatThrownBy(
            () -> {
              Settings s = settings(yaml.replace("\\n", "\n"), Map.of());
              s.agent();
              s.seeder();
            })
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(key + " must be 1..64 characters of A-Z a-z 0-9 . _ -")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "agent:\\n  disk-free-min: 120%|agent.disk-free-min|0..100%",
        "agent:\\n  disk-free-min: lots|agent.disk-free-min|byte amount",
        "seeder:\\n  disk-free-min: ten%|seeder.disk-free-min|10%"
      })
  void aBadDiskFreeMinStopsWithTheKeyNamed(String yaml, String key, String why) {
    assertThatThrownBy(
            () -> {
              Settings s = settings(yaml.replace("\\n", "\n"), Map.of());
              s.agent();
              s.seeder();
            })
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(key)
        .hasMessageContaining(why);
  }

  @Test
  void aDockerConfigWithoutCredentialsForTheHostNamesTheKey(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path config =
        java.nio.file.Files.writeString(dir.resolve("config.json"), "{\"auths\":{}}");
    assertThatThrownBy(
            () ->
                settings(
                        "upstreams:\n  - url: http://127.0.0.1:5000\n    docker-config: "
                            + config
                            + "\n",
                        Map.of())
                    .upstreams("test"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("upstreams[0].docker-config");
  }

  @Test
  void anUpstreamWithBothUsernameAndDockerConfigIsRefusedNamingTheKey(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path config =
        java.nio.file.Files.writeString(
            dir.resolve("config.json"), "{\"auths\":{\"127.0.0.1:5000\":{\"auth\":\"dTpw\"}}}");
    assertThatThrownBy(
            () ->
                settings(
                        "upstreams:\n  - url: http://127.0.0.1:5000\n    username: u\n"
                            + "    password: secret-pw\n    docker-config: "
                            + config
                            + "\n",
                        Map.of())
                    .upstreams("test"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("upstreams[0].docker-config")
        .hasMessageContaining("not both")
        .hasMessageNotContaining("secret-pw");
  }

  @Test
  void agentsPollForFleetPreheatsEvery15sByDefaultAndZeroTurnsItOff() throws Exception {
    assertThat(settings(GOOD, Map.of()).agentFleetPoll())
        .isEqualTo(java.time.Duration.ofSeconds(15));
    assertThat(settings(GOOD + "  fleet-poll: 0\n", Map.of()).agentFleetPoll()).isZero();
    assertThat(settings(GOOD + "  fleet-poll: 2m\n", Map.of()).agentFleetPoll())
        .isEqualTo(java.time.Duration.ofMinutes(2));
    assertThatThrownBy(() -> settings(GOOD + "  fleet-poll: 2h\n", Map.of()).agentFleetPoll())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("agent.fleet-poll");
    assertThatThrownBy(() -> settings(GOOD + "  fleet-poll: soon\n", Map.of()).agentFleetPoll())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("agent.fleet-poll");
  }

  @Test
  void theHttpsProxyIsOffByDefaultAndTunnelsOtherHostsWhenOn() throws Exception {
    assertThat(settings(GOOD, Map.of()).httpsProxy()).isEmpty();
    var proxy =
        settings(GOOD + "  https-proxy-listen: 127.0.0.1:5051\n", Map.of()).httpsProxy().get();
    assertThat(proxy.listen()).isEqualTo(new InetSocketAddress("127.0.0.1", 5051));
    assertThat(proxy.tunnelOthers()).isTrue();
    assertThat(
            settings(
                    GOOD
                        + "  https-proxy-listen: 127.0.0.1:5051\n"
                        + "  https-proxy-other-hosts: refuse\n",
                    Map.of())
                .httpsProxy()
                .get()
                .tunnelOthers())
        .isFalse();
  }

  @Test
  void aBadHttpsProxySettingStopsWithTheKeyNamed() {
    assertThatThrownBy(
            () -> settings(GOOD + "  https-proxy-listen: 0.0.0.0:5051\n", Map.of()).httpsProxy())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("agent.https-proxy-listen")
        .hasMessageContaining("loopback");
    assertThatThrownBy(
            () ->
                settings(
                        GOOD
                            + "  https-proxy-listen: 127.0.0.1:5051\n"
                            + "  https-proxy-other-hosts: allow\n",
                        Map.of())
                    .httpsProxy())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("agent.https-proxy-other-hosts")
        .hasMessageContaining("tunnel nor refuse");
  }
}
