package io.layerswarm.swarm.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class ConnectionSlotsTest {
  private final ConnectionSlots slots = new ConnectionSlots(4, 2, 3);

  private static InetAddress ip(int n) throws Exception {
    return InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) n});
  }

  @Test
  void oneAddressTakesOnlyItsShareOfTheIncomingBudget() throws Exception {
    assertThat(slots.takeIncoming(ip(1))).isTrue();
    assertThat(slots.takeIncoming(ip(1))).isTrue();
    assertThat(slots.takeIncoming(ip(1))).isTrue();

    assertThat(slots.takeIncoming(ip(1))).isFalse();
    assertThat(slots.takeIncoming(ip(2))).isTrue();
    assertThat(slots.incomingFrom(ip(1))).isEqualTo(3);
  }

  @Test
  void incomingConnectionsNeverTakeAnOutgoingSlot() throws Exception {
    for (int i = 1; i <= 4; i++) {
      assertThat(slots.takeIncoming(ip(i))).isTrue();
    }
    assertThat(slots.takeIncoming(ip(5))).as("incoming budget spent").isFalse();

    assertThat(slots.takeOutgoing()).isTrue();
    assertThat(slots.takeOutgoing()).isTrue();
    assertThat(slots.takeOutgoing()).as("outgoing budget spent").isFalse();
  }

  @Test
  void aClosedConnectionGivesItsSlotBackAndForgetsAnAddressWithNoneOpen() throws Exception {
    slots.takeIncoming(ip(1));
    slots.takeIncoming(ip(1));
    slots.takeIncoming(ip(1));

    slots.releaseIncoming(ip(1));
    assertThat(slots.takeIncoming(ip(1))).isTrue();
    for (int i = 0; i < 3; i++) {
      slots.releaseIncoming(ip(1));
    }
    slots.takeOutgoing();
    slots.releaseOutgoing();

    assertThat(slots.incoming()).isZero();
    assertThat(slots.incomingFrom(ip(1))).isZero();
    assertThat(slots.outgoing()).isZero();
  }

  @Test
  void aSlotMovesToANewcomerOnlyIfItsAddressHasItsShareLeft() throws Exception {
    slots.takeIncoming(ip(1));
    slots.takeIncoming(ip(2));
    slots.takeIncoming(ip(2));
    slots.takeIncoming(ip(2));
    assertThat(slots.takeIncoming(ip(3))).as("incoming budget spent").isFalse();

    assertThat(slots.transferIncoming(ip(1), ip(3))).isTrue();
    assertThat(slots.incoming()).isEqualTo(4);
    assertThat(slots.incomingFrom(ip(1))).isZero();
    assertThat(slots.incomingFrom(ip(3))).isEqualTo(1);
    assertThat(slots.hasShareLeft(ip(2))).isFalse();
    assertThat(slots.transferIncoming(ip(3), ip(2))).as("ip 2 has its share").isFalse();
    assertThat(slots.incomingFrom(ip(3))).as("nothing changed").isEqualTo(1);
  }
}
