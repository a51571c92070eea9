package io.layerswarm.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FreePortsTest {

  @Test
  void pickedPortsAreDistinctAndBindableOnLoopback() throws Exception {
    int[] ports = FreePorts.pick(5);

    assertThat(Arrays.stream(ports).distinct().count()).isEqualTo(5);
    for (int port : ports) {
      assertThat(port).isBetween(1024, 65535);
      try (ServerSocket s = new ServerSocket()) {
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      }
    }
  }
}
