package io.layerswarm.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class ListeningTest {
  private static final InetSocketAddress BOUND_DUAL_STACK = new InetSocketAddress("::", 6882);

  @Test
  void aWildcardKeepsTheFormTheConfigGaveWithTheBoundPort() {
    assertThat(
            Listening.hostPort(
                Listening.bound(new InetSocketAddress("0.0.0.0", 0), BOUND_DUAL_STACK)))
        .isEqualTo("0.0.0.0:6882");
    assertThat(
            Listening.hostPort(Listening.bound(new InetSocketAddress("::", 0), BOUND_DUAL_STACK)))
        .isEqualTo("[::]:6882");
  }

  @Test
  void aSpecificAddressIsTheBoundOneWithoutALeadingSlash() {
    InetSocketAddress bound = new InetSocketAddress("127.0.0.1", 5050);

    assertThat(Listening.bound(new InetSocketAddress("127.0.0.1", 0), bound)).isEqualTo(bound);
    assertThat(Listening.hostPort(bound)).isEqualTo("127.0.0.1:5050");
    assertThat(Listening.hostPort(new InetSocketAddress("::1", 5050)))
        .isEqualTo("[0:0:0:0:0:0:0:1]:5050");
  }
}
