package io.layerswarm.seeder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    assertThatThrownBy(() -> new SeederConfig(null, ANY, Path.of("d"), ANNOUNCE, 0, Duration.ofSeconds(1)))
        .hasMessageContaining("seeder.listen");
    assertThatThrownBy(() -> new SeederConfig(ANY, null, Path.of("d"), ANNOUNCE, 0, Duration.ofSeconds(1)))
        .hasMessageContaining("seeder.peer-listen");
  }

  @Test
  void announceListMustHoldHttpUrls() {
    assertThatThrownBy(() -> SeederConfig.defaults(Path.of("d"), List.of()))
        .hasMessageContaining("seeder.tracker-announce");
    assertThatThrownBy(
            () -> SeederConfig.defaults(Path.of("d"), List.of(URI.create("udp://tracker:6969"))))
        .hasMessageContaining("seeder.tracker-announce")
        .hasMessageContaining("udp://tracker:6969");
  }

  @Test
  void negativeUploadRateAndNonPositiveTimeoutAreRejectedNamingTheKey() {
    assertThatThrownBy(() -> new SeederConfig(ANY, ANY, Path.of("d"), ANNOUNCE, -1, Duration.ofSeconds(1)))
        .hasMessageContaining("seeder.upload-bytes-per-second");
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
}
