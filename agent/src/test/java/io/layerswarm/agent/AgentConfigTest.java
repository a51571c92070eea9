package io.layerswarm.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.agent.mirror.OriginLimits;
import io.layerswarm.core.disk.SpaceLimit;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AgentConfigTest {
  private static final Path DATA = Path.of("/var/lib/layerswarm-agent");

  @Test
  void defaultsListenOnLoopback5050WithASixtySecondSwarmDeadline() {
    AgentConfig config = AgentConfig.defaults(DATA, List.of(URI.create("http://127.0.0.1:6969")));
    assertThat(config.listen()).isEqualTo(new InetSocketAddress("127.0.0.1", 5050));
    assertThat(config.peerListen().getPort()).isZero();
    assertThat(config.swarmDeadline()).isEqualTo(Duration.ofSeconds(60));
    assertThat(config.uploadBytesPerSecond()).isZero();
    assertThat(config.downloadBytesPerSecond()).isZero();
    assertThat(config.adminSocket()).isEmpty();
  }

  @Test
  void announceUrlsAppendAnnounceToEachTrackerInOrder() {
    AgentConfig config =
        AgentConfig.defaults(
            DATA, List.of(URI.create("http://t1:6969/"), URI.create("https://t2/cluster-key")));
    assertThat(config.trackers())
        .containsExactly(URI.create("http://t1:6969"), URI.create("https://t2/cluster-key"));
    assertThat(config.announceUrls())
        .containsExactly(
            URI.create("http://t1:6969/announce"), URI.create("https://t2/cluster-key/announce"));
  }

  @Test
  void aTrackerThatIsNotAnHttpUrlIsRejectedByItsKey() {
    assertThatThrownBy(
            () ->
                AgentConfig.defaults(
                    DATA, List.of(URI.create("http://ok:1"), URI.create("udp://tracker:6969"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("agent.trackers[1]");
    assertThatThrownBy(() -> AgentConfig.defaults(DATA, List.of(URI.create("/relative"))))
        .hasMessageContaining("agent.trackers[0]");
    assertThatThrownBy(() -> AgentConfig.defaults(DATA, List.of(URI.create("http://t/?x=1"))))
        .hasMessageContaining("agent.trackers[0]");
    assertThatThrownBy(() -> AgentConfig.defaults(DATA, Arrays.asList((URI) null)))
        .hasMessageContaining("agent.trackers[0] is required");
  }

  @Test
  void missingOrNegativeValuesAreRejectedByTheirKeys() {
    AgentConfig config = AgentConfig.defaults(DATA, List.of());
    assertThatThrownBy(() -> config.withListen(null)).hasMessageContaining("agent.listen");
    assertThatThrownBy(() -> config.withPeerListen(null)).hasMessageContaining("agent.peerListen");
    assertThatThrownBy(() -> AgentConfig.defaults(null, List.of()))
        .hasMessageContaining("agent.dataDir");
    assertThatThrownBy(() -> AgentConfig.defaults(DATA, null))
        .hasMessageContaining("agent.trackers");
    assertThatThrownBy(() -> config.withSwarmDeadline(Duration.ZERO))
        .hasMessageContaining("agent.swarmDeadline");
    assertThatThrownBy(() -> config.withRateLimits(-1, 0))
        .hasMessageContaining("agent.uploadBytesPerSecond");
    assertThatThrownBy(() -> config.withRateLimits(0, -1))
        .hasMessageContaining("agent.downloadBytesPerSecond");
    assertThatThrownBy(() -> config.withAdminSocket(null))
        .hasMessageContaining("agent.adminSocket");
    assertThatThrownBy(
            () -> config.withListen(InetSocketAddress.createUnresolved("nowhere.invalid", 1)))
        .hasMessageContaining("agent.listen");
  }

  @Test
  void noTrackersIsAllowedAndMeansOriginOnly() {
    assertThat(AgentConfig.defaults(DATA, List.of()).announceUrls()).isEmpty();
  }

  @Test
  void withersChangeOneKeyAndKeepTheRest() {
    AgentConfig config =
        AgentConfig.defaults(DATA, List.of())
            .withSwarmDeadline(Duration.ofSeconds(2))
            .withAdminSocket(Optional.of(Path.of("/run/agent.sock")));
    assertThat(config.swarmDeadline()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.adminSocket()).contains(Path.of("/run/agent.sock"));
    assertThat(config.dataDir()).isEqualTo(DATA);
  }

  @Test
  void theCacheHasATenGibBudgetAndNoTimeToIdleByDefaultWithWatermarksNinetyAndSeventyFive() {
    AgentConfig config = AgentConfig.defaults(DATA, List.of());
    assertThat(config.cacheMaxBytes()).isEqualTo(10L << 30);
    assertThat(config.diskFreeMin()).isEqualTo(SpaceLimit.ofPercent(10));
    assertThat(config.origin()).isEqualTo(OriginLimits.DEFAULT);
    assertThat(config.cacheHighWatermarkPercent()).isEqualTo(90);
    assertThat(config.cacheLowWatermarkPercent()).isEqualTo(75);
    assertThat(config.cacheTimeToIdle()).isZero();
  }

  @Test
  void theConstructorWithoutCacheKeysKeepsTheCacheDefaults() {
    AgentConfig config =
        new AgentConfig(
            AgentConfig.DEFAULT_LISTEN,
            new InetSocketAddress(0),
            DATA,
            List.of(),
            Duration.ofSeconds(5),
            1,
            2,
            Optional.empty());
    assertThat(config.cacheMaxBytes()).isEqualTo(AgentConfig.DEFAULT_CACHE_MAX_BYTES);
    assertThat(config.cacheHighWatermarkPercent()).isEqualTo(90);
    assertThat(config.cacheLowWatermarkPercent()).isEqualTo(75);
    assertThat(config.cacheTimeToIdle()).isZero();
    assertThat(config.withSwarmDeadline(Duration.ofSeconds(9)).uploadBytesPerSecond()).isEqualTo(1);
  }

  @Test
  void cacheKeysAreValidatedByTheirNames() {
    AgentConfig config = AgentConfig.defaults(DATA, List.of());
    assertThatThrownBy(() -> config.withCache(-1, 90, 75, Duration.ZERO))
        .hasMessageContaining("agent.cacheMaxBytes");
    assertThatThrownBy(() -> config.withCache(1, 0, 0, Duration.ZERO))
        .hasMessageContaining("agent.cacheHighWatermarkPercent");
    assertThatThrownBy(() -> config.withCache(1, 101, 75, Duration.ZERO))
        .hasMessageContaining("agent.cacheHighWatermarkPercent");
    assertThatThrownBy(() -> config.withCache(1, 80, 81, Duration.ZERO))
        .hasMessageContaining("agent.cacheLowWatermarkPercent");
    assertThatThrownBy(() -> config.withCache(1, 80, -1, Duration.ZERO))
        .hasMessageContaining("agent.cacheLowWatermarkPercent");
    assertThatThrownBy(() -> config.withCache(1, 90, 75, Duration.ofSeconds(-1)))
        .hasMessageContaining("agent.cacheTimeToIdle");
    assertThatThrownBy(() -> config.withCache(1, 90, 75, null))
        .hasMessageContaining("agent.cacheTimeToIdle");
  }

  @Test
  void aSeparateMetricsAddressIsOffByDefaultAndSurvivesTheOtherWithers() {
    InetSocketAddress metrics = new InetSocketAddress("0.0.0.0", 9102);
    AgentConfig config = AgentConfig.defaults(DATA, List.of());
    assertThat(config.metricsListen()).isEmpty();

    AgentConfig set =
        config
            .withMetricsListen(Optional.of(metrics))
            .withCache(1, 90, 75, Duration.ZERO)
            .withListen(new InetSocketAddress("127.0.0.1", 0))
            .withRateLimits(1, 1);

    assertThat(set.metricsListen()).contains(metrics);
  }

  @Test
  void aMetricsAddressThatIsMissingUnresolvedOrTheRegistryAddressIsRejectedByItsKey() {
    AgentConfig config = AgentConfig.defaults(DATA, List.of());
    assertThatThrownBy(() -> config.withMetricsListen(null))
        .hasMessageContaining("agent.metricsListen");
    assertThatThrownBy(
            () ->
                config.withMetricsListen(
                    Optional.of(InetSocketAddress.createUnresolved("nowhere.invalid", 9102))))
        .hasMessageContaining("agent.metricsListen")
        .hasMessageContaining("resolve");
    assertThatThrownBy(() -> config.withMetricsListen(Optional.of(AgentConfig.DEFAULT_LISTEN)))
        .hasMessageContaining("agent.metricsListen")
        .hasMessageContaining("agent.listen");
    AgentConfig bothFree =
        config
            .withListen(new InetSocketAddress("127.0.0.1", 0))
            .withMetricsListen(Optional.of(new InetSocketAddress("127.0.0.1", 0)));
    assertThat(bothFree.metricsListen()).isPresent();
  }

  @Test
  void theCacheKeysSurviveTheOtherWithers() {
    AgentConfig config =
        AgentConfig.defaults(DATA, List.of())
            .withCache(10L << 30, 95, 80, Duration.ofDays(7))
            .withListen(new InetSocketAddress("127.0.0.1", 0))
            .withPeerListen(new InetSocketAddress("127.0.0.1", 0))
            .withSwarmDeadline(Duration.ofSeconds(2))
            .withRateLimits(1, 1)
            .withAdminSocket(Optional.empty());
    assertThat(config.cacheMaxBytes()).isEqualTo(10L << 30);
    assertThat(config.cacheHighWatermarkPercent()).isEqualTo(95);
    assertThat(config.cacheLowWatermarkPercent()).isEqualTo(80);
    assertThat(config.cacheTimeToIdle()).isEqualTo(Duration.ofDays(7));
  }
}
