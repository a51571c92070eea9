package io.layerswarm.swarm.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.testing.ManualClock;
import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AddressBansTest {
  private final ManualClock clock = new ManualClock();
  private final AddressBans bans = new AddressBans(clock);

  private static InetAddress ip(int n) throws Exception {
    return InetAddress.getByAddress(new byte[] {10, 0, (byte) (n >> 8), (byte) n});
  }

  @Test
  void aBannedAddressIsRefusedUntilItsBanEnds() throws Exception {
    bans.ban(ip(1));

    assertThat(bans.isBanned(ip(1))).isTrue();
    assertThat(bans.isBanned(ip(2))).isFalse();
    clock.advance(AddressBans.DURATION.minus(Duration.ofSeconds(1)));
    assertThat(bans.isBanned(ip(1))).isTrue();
    clock.advance(Duration.ofSeconds(1));
    assertThat(bans.isBanned(ip(1))).isFalse();
    assertThat(bans.size()).isZero();
  }

  @Test
  void banningAgainStartsTheBanAnew() throws Exception {
    bans.ban(ip(1));
    clock.advance(AddressBans.DURATION.minus(Duration.ofSeconds(1)));

    bans.ban(ip(1));
    clock.advance(Duration.ofMinutes(1));

    assertThat(bans.isBanned(ip(1))).isTrue();
  }

  @Test
  void theOldestBanGoesWhenTheBookIsFull() throws Exception {
    for (int i = 0; i <= AddressBans.MAX_ADDRESSES; i++) {
      bans.ban(ip(i));
    }

    assertThat(bans.size()).isEqualTo(AddressBans.MAX_ADDRESSES);
    assertThat(bans.isBanned(ip(0))).isFalse();
    assertThat(bans.isBanned(ip(1))).isTrue();
    assertThat(bans.isBanned(ip(AddressBans.MAX_ADDRESSES))).isTrue();
  }
}
