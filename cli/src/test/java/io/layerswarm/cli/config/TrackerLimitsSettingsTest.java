package io.layerswarm.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.tracker.TrackerConfig;
import io.layerswarm.tracker.http.ConnectionLimits;
import io.layerswarm.tracker.peerstore.PeerLimits;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The tracker's trusted proxies, peer limits and connection limits, from YAML to the record. */
class TrackerLimitsSettingsTest {
  private static TrackerConfig tracker(String yaml) throws ConfigException {
    return Settings.of(ConfigLoader.parse(yaml, "tracker.yaml", Map.of()), "tracker.yaml")
        .tracker();
  }

  @Test
  void withoutTheKeysTheDefaultsApplyAndNoProxyIsTrusted() throws Exception {
    TrackerConfig config = tracker("");

    assertThat(config.peerLimits()).isEqualTo(PeerLimits.DEFAULTS);
    assertThat(config.connectionLimits()).isEqualTo(ConnectionLimits.DEFAULTS);
    assertThat(config.trustedProxies().isEmpty()).isTrue();
  }

  @Test
  void everyKeyReachesTheRecord() throws Exception {
    TrackerConfig config =
        tracker(
            """
            tracker:
              trusted-proxies: [10.0.0.7, 192.168.0.0/16]
              max-swarms: 10
              max-peers: 20
              max-peers-per-swarm: 30
              max-peers-per-address: 40
              max-connections: 50
              max-connections-per-address: 60
              idle-timeout: 70s
            """);

    assertThat(config.peerLimits()).isEqualTo(new PeerLimits(10, 20, 30, 40));
    assertThat(config.connectionLimits())
        .isEqualTo(new ConnectionLimits(50, 60, Duration.ofSeconds(70)));
    assertThat(config.trustedProxies().contains(InetAddress.getByName("192.168.3.4"))).isTrue();
    assertThat(config.trustedProxies().contains(InetAddress.getByName("10.0.0.8"))).isFalse();
  }

  @Test
  void aBadProxyEntryOrLimitIsNamedByItsKey() {
    assertThatThrownBy(() -> tracker("tracker:\n  trusted-proxies: [proxy.internal]\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("tracker.trusted-proxies: 'proxy.internal' is not an IP address");
    assertThatThrownBy(() -> tracker("tracker:\n  trusted-proxies: [10.0.0.0/33]\n"))
        .hasMessageContaining("bad prefix length");
    assertThatThrownBy(() -> tracker("tracker:\n  max-peers: 0\n"))
        .hasMessageContaining("tracker.max-peers");
    assertThatThrownBy(() -> tracker("tracker:\n  idle-timeout: 500ms\n"))
        .hasMessageContaining("tracker.idle-timeout");
  }
}
