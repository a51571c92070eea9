package io.layerswarm.cli.daemon;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Installs a daemon's SIGHUP handler ({@code systemctl reload}). Without one the JVM exits on
 * SIGHUP. A process has one handler: each daemon installs the one reload it needs.
 */
final class Hangup {
  private static final Logger log = LoggerFactory.getLogger(Hangup.class);

  private Hangup() {}

  /**
   * @param keys what the reload reads again, for the warning on a platform without SIGHUP
   */
  static void handle(Runnable reload, String keys) {
    try {
      Signal.handle(new Signal("HUP"), signal -> reload.run());
    } catch (IllegalArgumentException e) {
      log.warn("no SIGHUP on this platform: {} is read at start only ({})", keys, e.getMessage());
    }
  }
}
