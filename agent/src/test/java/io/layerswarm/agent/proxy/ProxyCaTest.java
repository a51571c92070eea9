package io.layerswarm.agent.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.testing.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProxyCaTest {
  @TempDir Path dir;
  private final ManualClock clock = new ManualClock();

  @Test
  void theCaIsMadeOnceWithAPrivateKeyAndLoadedAfterwards() throws Exception {
    ProxyCa made = ProxyCa.loadOrCreate(dir, clock);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.key"))))
        .isEqualTo("rw-------");
    assertThat(made.certificateFile()).isEqualTo(dir.resolve(ProxyCa.CERTIFICATE_FILE));
    assertThat(made.certificate().getBasicConstraints()).isGreaterThanOrEqualTo(0);

    ProxyCa loaded = ProxyCa.loadOrCreate(dir, clock);
    assertThat(loaded.certificate()).isEqualTo(made.certificate());
  }

  @Test
  void aLeafNamesItsHostIsSignedByTheCaAndIsNotACa() throws Exception {
    ProxyCa ca = ProxyCa.loadOrCreate(dir, clock);
    X509Certificate leaf = ca.leaf("registry.test").certificate();

    leaf.verify(ca.certificate().getPublicKey());
    leaf.checkValidity(java.util.Date.from(clock.instant()));
    assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
    assertThat(leaf.getSubjectAlternativeNames()).containsExactly(List.of(2, "registry.test"));
    assertThat(ca.leaf("127.0.0.1").certificate().getSubjectAlternativeNames())
        .containsExactly(List.of(7, "127.0.0.1"));
    assertThat(ca.leaf("registry.test")).isSameAs(ca.leaf("registry.test"));
  }

  @Test
  void aLeafIsKeptUntilAWeekBeforeItsEndThenIssuedAgain() throws Exception {
    ProxyCa ca = ProxyCa.loadOrCreate(dir, clock);
    X509Certificate first = ca.leaf("registry.test").certificate();

    clock.advance(ProxyCa.LEAF_LIFETIME.minus(Duration.ofDays(8)));
    assertThat(ca.leaf("registry.test").certificate()).isEqualTo(first);
    clock.advance(Duration.ofDays(2));
    X509Certificate second = ca.leaf("registry.test").certificate();
    assertThat(second).isNotEqualTo(first);
    assertThat(second.getNotAfter()).isAfter(first.getNotAfter());
  }
}
