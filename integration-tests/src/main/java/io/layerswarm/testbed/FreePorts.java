package io.layerswarm.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Picks free TCP ports on 127.0.0.1 by binding port 0 and closing again. Another process can grab
 * the port in between, so callers that start servers should retry on "address already in use".
 */
public final class FreePorts {

  private FreePorts() {}

  public static int pick() {
    return pick(1)[0];
  }

  /** {@code count} distinct ports: all sockets stay bound until every port is chosen. */
  public static int[] pick(int count) {
    List<ServerSocket> sockets = new ArrayList<>(count);
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        ServerSocket s = new ServerSocket();
        sockets.add(s);
        s.setReuseAddress(false);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        ports[i] = s.getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException("could not bind a free port on 127.0.0.1", e);
    } finally {
      for (ServerSocket s : sockets) {
        try {
          s.close();
        } catch (IOException ignored) {
          // closing a listening socket we own cannot meaningfully fail
        }
      }
    }
  }
}
