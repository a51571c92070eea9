package io.layerswarm.swarm.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

class ConnectionCapTest {
  @Test
  void connectionsOverTheCapAreClosedAtOnceAndAClosedOneMakesRoom() {
    ConnectionCap cap = new ConnectionCap("agent.listen", 2, 2);
    EmbeddedChannel first = new EmbeddedChannel(cap);
    EmbeddedChannel second = new EmbeddedChannel(cap);

    EmbeddedChannel third = new EmbeddedChannel(cap);

    assertThat(first.isOpen()).isTrue();
    assertThat(second.isOpen()).isTrue();
    assertThat(third.isOpen()).isFalse();
    assertThat(cap.open()).isEqualTo(2);
    assertThat(cap.refused()).isEqualTo(1);

    first.close();
    EmbeddedChannel fourth = new EmbeddedChannel(cap);

    assertThat(fourth.isOpen()).isTrue();
    assertThat(cap.open()).isEqualTo(2);
    assertThat(fourth.pipeline().get(ConnectionCap.class))
        .as("an admitted connection's pipeline no longer carries the cap")
        .isNull();
    assertThat(second.finishAndReleaseAll()).isFalse();
    assertThat(fourth.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aCapBelowOneIsRefusedNamingTheListener() {
    assertThatThrownBy(() -> new ConnectionCap("seeder.listen", 0, 1))
        .hasMessageContaining("seeder.listen");
  }

  @Test
  void oneAddressGetsNoMoreThanItsShare() {
    ConnectionCap cap = new ConnectionCap("seeder.listen", 10, 1);
    EmbeddedChannel first = new EmbeddedChannel(cap);

    EmbeddedChannel second = new EmbeddedChannel(cap);

    assertThat(first.isOpen()).isTrue();
    assertThat(second.isOpen()).as("the same (embedded) address again").isFalse();
    assertThat(cap.refused()).isEqualTo(1);
    assertThat(first.finishAndReleaseAll()).isFalse();
  }
}
