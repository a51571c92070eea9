/**
 * The BitTorrent peer wire protocol as Netty codecs: the handshake (BEP 3, with the BEP 6 fast
 * extension bit), length-prefixed framing with a size limit, and one record per message type. No
 * protocol state lives here; see {@code swarm.peer}.
 */
package io.layerswarm.swarm.wire;
