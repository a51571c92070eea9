package io.layerswarm.seeder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.core.auth.BearerToken;
import io.layerswarm.core.auth.ClusterSecret;
import io.layerswarm.core.disk.SpaceLimit;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SeederConfigTest {
  private static final InetSocketAddress ANY = new InetSocketAddress("127.0.0.1", 0);
  private static final List<URI> ANNOUNCE = List.of(URI.create("http://127.0.0.1:6969/announce"));

  @Test
  void defaultsBindLoopbackOnFreePortsWithoutUploadCap() {
    SeederConfig config = SeederConfig.defaults(Path.of("/var/lib/seeder"), ANNOUNCE);

    assertThat(config.listen().getPort()).isZero();
    assertThat(config.listen().getAddress().isLoopbackAddress()).isTrue();
    assertThat(config.peerListen().getPort()).isZero();
    assertThat(config.uploadBytesPerSecond()).isZero();
    assertThat(config.originTimeout()).isEqualTo(SeederConfig.DEFAULT_ORIGIN_TIMEOUT);
    assertThat(config.trackerAnnounce()).isEqualTo(ANNOUNCE);
  }

  @Test
  void missingDataDirIsRejectedNamingTheKey() {
    assertThatThrownBy(() -> SeederConfig.defaults(null, ANNOUNCE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("seeder.data-dir is required");
  }

  @Test
  void missingAddressesAreRejectedNamingTheKey() {
    assertThatThrownBy(
            () -> new SeederConfig(null, ANY, Path.of("d"), ANNOUNCE, 0, Duration.ofSeconds(1)))
        .hasMessageContaining("seeder.listen");
    assertThatThrownBy(
            () -> new SeederConfig(ANY, null, Path.of("d"), ANNOUNCE, 0, Duration.ofSeconds(1)))
        .hasMessageContaining("seeder.peer-listen");
  }

  @Test
  void announceListMustHoldHttpUrls() {
    assertThatThrownBy(() -> SeederConfig.defaults(Path.of("d"), List.of()))
        .hasMessageContaining("seeder.trackers");
    assertThatThrownBy(
            () -> SeederConfig.defaults(Path.of("d"), List.of(URI.create("udp://tracker:6969"))))
        .hasMessageContaining("seeder.trackers")
        .hasMessageContaining("udp://tracker:6969");
  }

  @Test
  void negativeUploadRateAndNonPositiveTimeoutAreRejectedNamingTheKey() {
    assertThatThrownBy(
            () -> new SeederConfig(ANY, ANY, Path.of("d"), ANNOUNCE, -1, Duration.ofSeconds(1)))
        .hasMessageContaining("seeder.upload-rate");
    assertThatThrownBy(() -> new SeederConfig(ANY, ANY, Path.of("d"), ANNOUNCE, 0, Duration.ZERO))
        .hasMessageContaining("seeder.origin-timeout");
    assertThatThrownBy(() -> new SeederConfig(ANY, ANY, Path.of("d"), ANNOUNCE, 0, null))
        .hasMessageContaining("seeder.origin-timeout");
  }

  @Test
  void announceListIsCopied() {
    List<URI> mutable = new ArrayList<>(ANNOUNCE);
    SeederConfig config = SeederConfig.defaults(Path.of("d"), mutable);
    mutable.clear();

    assertThat(config.trackerAnnounce()).isEqualTo(ANNOUNCE);
  }

  @Test
  void defaultsHaveNoAdminApiNoEvictionAndARingOfOne() {
    SeederConfig config = SeederConfig.defaults(Path.of("d"), ANNOUNCE);

    assertThat(config.adminListen()).isEmpty();
    assertThat(config.adminToken()).isEmpty();
    assertThat(config.diskHighWatermark()).isZero();
    assertThat(config.diskLowWatermark()).isZero();
    assertThat(config.timeToIdle()).isZero();
    assertThat(config.ringMembers()).isEmpty();
    assertThat(config.advertiseUrl()).isEmpty();
    assertThat(config.ringReplicas()).isEqualTo(SeederConfig.DEFAULT_RING_REPLICAS);
  }

  @Test
  void aHighWatermarkAloneGetsALowWatermarkOfNinetyPercent() {
    SeederConfig config =
        SeederConfig.defaults(Path.of("d"), ANNOUNCE)
            .withEviction(1_000_000_000L, 0, Duration.ofHours(6));

    assertThat(config.diskLowWatermark()).isEqualTo(900_000_000L);
    assertThat(config.timeToIdle()).isEqualTo(Duration.ofHours(6));
  }

  @Test
  void badEvictionSettingsAreRejectedNamingTheKey() {
    SeederConfig base = SeederConfig.defaults(Path.of("d"), ANNOUNCE);

    assertThatThrownBy(() -> base.withEviction(-1, 0, Duration.ZERO))
        .hasMessageContaining("seeder.disk-high-watermark");
    assertThatThrownBy(() -> base.withEviction(100, 200, Duration.ZERO))
        .hasMessageContaining("seeder.disk-low-watermark");
    assertThatThrownBy(() -> base.withEviction(0, 200, Duration.ZERO))
        .hasMessageContaining("seeder.disk-low-watermark");
    assertThatThrownBy(() -> base.withEviction(0, 0, Duration.ofSeconds(-1)))
        .hasMessageContaining("seeder.time-to-idle");
  }

  @Test
  void anAdminTokenNeedsAnAdminAddressAndMustFitInAHeader() {
    SeederConfig base = SeederConfig.defaults(Path.of("d"), ANNOUNCE);

    assertThat(base.withAdmin(ANY, Optional.of("s3cret")).adminToken()).contains("s3cret");
    assertThat(base.withAdmin(ANY, Optional.of("")).adminToken()).isEmpty();
    assertThatThrownBy(() -> base.withAdmin(ANY, Optional.of("two words")))
        .hasMessageContaining("seeder.admin-token");
    assertThatThrownBy(
            () ->
                new SeederConfig(
                    ANY,
                    ANY,
                    Path.of("d"),
                    ANNOUNCE,
                    0,
                    Duration.ofSeconds(1),
                    Optional.empty(),
                    Optional.of("t"),
                    0,
                    0,
                    Duration.ZERO,
                    List.of(),
                    Optional.empty(),
                    2,
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    0,
                    SpaceLimit.OFF))
        .hasMessageContaining("seeder.admin-listen");
  }

  @Test
  void tinyBlobsAreInlinedUpToSixteenKiBByDefaultAndTheLimitIsCapped() {
    SeederConfig base = SeederConfig.defaults(Path.of("d"), ANNOUNCE);

    assertThat(base.inlineMaxBytes()).isEqualTo(16 * 1024);
    assertThat(base.withInlineMaxBytes(0).inlineMaxBytes()).isZero();
    assertThat(base.withInlineMaxBytes(64 * 1024).inlineMaxBytes()).isEqualTo(64 * 1024);
    assertThatThrownBy(() -> base.withInlineMaxBytes(64 * 1024 + 1))
        .hasMessageContaining("seeder.inline-max-bytes");
    assertThatThrownBy(() -> base.withInlineMaxBytes(-1))
        .hasMessageContaining("seeder.inline-max-bytes");
  }

  @Test
  void theSecretAndTheNotificationsTokenStayOutOfToString() {
    SeederConfig config =
        SeederConfig.defaults(Path.of("d"), ANNOUNCE)
            .withClusterSecret(ClusterSecret.random())
            .withNotificationsToken(BearerToken.of("webhook-token-0123456789"));

    assertThat(config.toString())
        .doesNotContain("webhook-token")
        .contains("clusterSecret=***")
        .contains("notificationsToken=***");
    assertThat(SeederConfig.defaults(Path.of("d"), ANNOUNCE).toString())
        .contains("clusterSecret=none (open mode)");
  }

  @Test
  void theTokenStaysOutOfToString() {
    SeederConfig config =
        SeederConfig.defaults(Path.of("d"), ANNOUNCE).withAdmin(ANY, Optional.of("s3cret"));

    assertThat(config.toString()).doesNotContain("s3cret").contains("adminToken=***");
  }

  @Test
  void ringMembersMustBeDistinctHttpUrlsAndIncludeTheAdvertisedOne() {
    SeederConfig base = SeederConfig.defaults(Path.of("d"), ANNOUNCE);
    URI a = URI.create("http://10.0.0.1:6970");
    URI b = URI.create("http://10.0.0.2:6970");

    assertThat(
            base.withRing(List.of(a, b), Optional.of(URI.create("http://10.0.0.1:6970/")), 2)
                .ringMembers())
        .containsExactly(a, b);
    assertThatThrownBy(
            () ->
                base.withRing(List.of(a, URI.create("HTTP://10.0.0.1:6970/")), Optional.empty(), 2))
        .hasMessageContaining("seeder.ring")
        .hasMessageContaining("twice");
    assertThatThrownBy(
            () -> base.withRing(List.of(URI.create("ftp://10.0.0.1:6970")), Optional.empty(), 2))
        .hasMessageContaining("seeder.ring");
    assertThatThrownBy(() -> base.withRing(List.of(a), Optional.of(b), 2))
        .hasMessageContaining("seeder.advertise-url");
    assertThatThrownBy(() -> base.withRing(List.of(a), Optional.empty(), 0))
        .hasMessageContaining("seeder.ring-replicas");
  }

  @Test
  void aRingWithAWildcardListenNeedsTheAdvertisedUrl() {
    SeederConfig wildcard =
        SeederConfig.defaults(Path.of("d"), ANNOUNCE)
            .withListen(new InetSocketAddress("0.0.0.0", 6970));
    URI a = URI.create("http://10.0.0.1:6970");
    URI b = URI.create("http://10.0.0.2:6970");

    assertThatThrownBy(() -> wildcard.withRing(List.of(a, b), Optional.empty(), 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "seeder.advertise-url is required: seeder.listen 0.0.0.0:6970 is a wildcard address,"
                + " so this seeder cannot tell which of seeder.ring [http://10.0.0.1:6970,"
                + " http://10.0.0.2:6970] it is; set seeder.advertise-url to its entry");
    assertThat(wildcard.withRing(List.of(a, b), Optional.of(b), 2).advertiseUrl()).contains(b);
  }
}
