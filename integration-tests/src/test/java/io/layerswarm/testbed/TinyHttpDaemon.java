package io.layerswarm.testbed;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * A stand-in daemon for DaemonProcessIT: answers /health and says so when SIGTERM runs its shutdown
 * hook.
 */
public final class TinyHttpDaemon {

  private TinyHttpDaemon() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    server.createContext(
        "/health",
        ex -> {
          ex.sendResponseHeaders(200, -1);
          ex.close();
        });
    server.start();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.stop(0);
                  System.out.println("shutdown hook ran");
                  System.out.flush();
                }));
    System.out.println("serving on " + port);
    System.out.flush();
  }
}
