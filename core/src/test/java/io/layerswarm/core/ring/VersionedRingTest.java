package io.layerswarm.core.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class VersionedRingTest {
  private static final URI A = URI.create("http://10.0.0.1:6970");
  private static final URI B = URI.create("http://10.0.0.2:6970");
  private static final URI C = URI.create("http://10.0.0.3:6970");

  @Test
  void theTextFormReadsBackAndDoesNotDependOnMemberOrder() {
    VersionedRing ring = new VersionedRing(1765112400000L, SeederRing.of(List.of(C, A, B), 2));

    VersionedRing back = VersionedRing.parse(ring.encode());

    assertThat(back.version()).isEqualTo(1765112400000L);
    assertThat(back.ring().replicas()).isEqualTo(2);
    assertThat(back.sameMembers(ring.ring())).isTrue();
    assertThat(back.fingerprint())
        .isEqualTo(ring.fingerprint())
        .isEqualTo(new VersionedRing(7, SeederRing.of(List.of(A, B, C), 2)).fingerprint());
    assertThat(ring.encode())
        .isEqualTo(
            "layerswarm-ring 1\nversion 1765112400000\nreplicas 2\n"
                + "member http://10.0.0.1:6970\nmember http://10.0.0.2:6970\n"
                + "member http://10.0.0.3:6970\n");
  }

  @Test
  void aHigherVersionIsNewerAndEqualVersionsAreDecidedByTheFingerprintTheSameEverywhere() {
    VersionedRing ab = new VersionedRing(5, SeederRing.of(List.of(A, B), 2));
    VersionedRing abc = new VersionedRing(5, SeederRing.of(List.of(A, B, C), 2));
    VersionedRing older = new VersionedRing(4, SeederRing.of(List.of(A, B, C), 2));

    assertThat(ab.newerThan(older)).isTrue();
    assertThat(older.newerThan(ab)).isFalse();
    assertThat(ab.newerThan(abc)).isNotEqualTo(abc.newerThan(ab));
    assertThat(ab.newerThan(ab)).isFalse();
    assertThat(ab.fingerprint())
        .isNotEqualTo(new VersionedRing(5, SeederRing.of(List.of(A, B), 1)).fingerprint());
  }

  @Test
  void previousRingsTravelWithTheRing() {
    VersionedRing ring = new VersionedRing(9, SeederRing.of(List.of(A, B, C), 2));

    VersionedRing.WithHistory back =
        VersionedRing.parseWithHistory(
            ring.encode(List.of(SeederRing.of(List.of(B, A), 2), SeederRing.of(List.of(A), 1))));

    assertThat(back.ring().version()).isEqualTo(9);
    assertThat(back.previous()).hasSize(2);
    assertThat(back.previous().get(0).members()).containsExactly(A, B);
    assertThat(back.previous().get(1).replicas()).isEqualTo(1);
    assertThatThrownBy(() -> VersionedRing.parseWithHistory(ring.encode() + "previous 2 ftp://x\n"))
        .hasMessageContaining("line 7");
  }

  @Test
  void twoConfigsAtVersionZeroAreNeitherNewer() {
    VersionedRing ab = new VersionedRing(0, SeederRing.of(List.of(A, B), 2));
    VersionedRing abc = new VersionedRing(0, SeederRing.of(List.of(A, B, C), 2));

    assertThat(ab.newerThan(abc)).isFalse();
    assertThat(abc.newerThan(ab)).isFalse();
  }

  @Test
  void badTextIsRefusedNamingTheLine() {
    assertThatThrownBy(() -> VersionedRing.parse("hello"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("layerswarm-ring 1");
    assertThatThrownBy(
            () -> VersionedRing.parse("layerswarm-ring 1\nversion x\nreplicas 2\nmember " + A))
        .hasMessageContaining("line 2");
    assertThatThrownBy(
            () -> VersionedRing.parse("layerswarm-ring 1\nversion 1\nreplicas 2\nmember ftp://x"))
        .hasMessageContaining("line 4");
    assertThatThrownBy(() -> VersionedRing.parse("layerswarm-ring 1\nversion 1\nmember " + A))
        .hasMessageContaining("replicas");
    assertThatThrownBy(() -> VersionedRing.parse("layerswarm-ring 1\nversion 1\nreplicas 2\n"))
        .hasMessageContaining("at least one member");
    assertThatThrownBy(
            () -> VersionedRing.parse("layerswarm-ring 1\nversion -1\nreplicas 2\nmember " + A))
        .hasMessageContaining("version");
    assertThatThrownBy(() -> VersionedRing.parse("x".repeat(VersionedRing.MAX_TEXT_BYTES + 1)))
        .hasMessageContaining("at most");
    StringBuilder many = new StringBuilder("layerswarm-ring 1\nversion 1\nreplicas 2\n");
    for (int i = 0; i <= VersionedRing.MAX_MEMBERS; i++) {
      many.append("member http://10.1.").append(i / 250).append('.').append(i % 250).append('\n');
    }
    assertThatThrownBy(() -> VersionedRing.parse(many.toString()))
        .hasMessageContaining("more than " + VersionedRing.MAX_MEMBERS);
  }
}
