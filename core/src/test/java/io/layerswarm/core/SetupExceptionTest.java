package io.layerswarm.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class SetupExceptionTest {
  @Test
  void aPortInUseNamesTheKeyTheAddressTheReasonAndTheFixInOneLine() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        ServerSocket second = new ServerSocket()) {
      InetSocketAddress address = (InetSocketAddress) taken.getLocalSocketAddress();
      BindException failure = null;
      try {
        second.bind(address);
      } catch (BindException e) {
        failure = e;
      }

      assertThat(SetupException.cannotListen("agent.listen", address, failure))
          .hasMessage(
              "agent.listen: cannot listen on 127.0.0.1:"
                  + address.getPort()
                  + ": Address already in use; stop what holds that port, or set another"
                  + " agent.listen")
          .hasCause(failure);
    }
  }

  @Test
  void theReasonIsTheInnermostMessageWithoutNettysSyscallPrefix() {
    IOException netty =
        new IOException("bind(..) failed with error(-99): Cannot assign requested address");
    IOException wrapped = new IOException("cannot listen on 10.9.9.9:6882", netty);

    assertThat(SetupException.reason(wrapped)).isEqualTo("Cannot assign requested address");
    assertThat(SetupException.reason(new IOException())).isEqualTo("IOException");
  }
}
