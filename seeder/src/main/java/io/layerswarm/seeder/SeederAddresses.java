package io.layerswarm.seeder;

import io.layerswarm.core.ring.SeederRing;
import io.layerswarm.seeder.seeding.SeederException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;

/** How others name and reach this seeder: its ring id, its control URL, its peer address. */
final class SeederAddresses {
  private SeederAddresses() {}

  /** This machine's name, as preheat jobs report the seeder that holds their blobs. */
  static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }

  /** The address peers reach this seeder on: the peer listener's, or the advertised host's. */
  static String peerIp(InetSocketAddress peers, SeederConfig config) {
    InetAddress address = peers.getAddress();
    if (address != null && !address.isAnyLocalAddress()) {
      return address.getHostAddress();
    }
    return config.advertiseUrl().map(URI::getHost).orElse(peers.getHostString());
  }

  /**
   * This seeder's id in the ring: {@code seeder.advertise-url}, else {@code http://<bound
   * address>}, which must then be a specific address when the ring has other members.
   */
  static URI selfId(SeederConfig config, InetSocketAddress bound) throws SeederException {
    if (config.advertiseUrl().isPresent()) {
      return SeederRing.memberId(config.advertiseUrl().get());
    }
    // SeederConfig refuses a ring with a wildcard seeder.listen and no seeder.advertise-url.
    URI self = SeederRing.memberId(baseUri(bound));
    if (!config.ringMembers().isEmpty()
        && !SeederRing.of(config.ringMembers(), config.ringReplicas()).contains(self)) {
      throw SeederServer.setup(
          "this seeder's control URL "
              + self
              + " is not one of seeder.ring "
              + config.ringMembers()
              + "; set seeder.advertise-url to its entry");
    }
    return self;
  }

  /**
   * {@code http://host:port/} of the control endpoint at {@code address}. A wildcard bind address
   * is given as the loopback address.
   */
  static URI baseUri(InetSocketAddress address) {
    InetAddress host = address.getAddress();
    if (host == null || host.isAnyLocalAddress()) {
      host = InetAddress.getLoopbackAddress();
    }
    String literal = host.getHostAddress();
    if (literal.indexOf(':') >= 0) {
      int scope = literal.indexOf('%');
      literal = "[" + (scope >= 0 ? literal.substring(0, scope) : literal) + "]";
    }
    try {
      return new URI("http://" + literal + ":" + address.getPort() + "/");
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot form a URI for " + address, e);
    }
  }
}
