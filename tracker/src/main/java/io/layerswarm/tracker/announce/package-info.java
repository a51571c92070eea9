/**
 * The BitTorrent HTTP tracker protocol without any networking: parsing announce (BEP 3) and scrape
 * (BEP 48) queries from the raw request target, deciding against the {@link
 * io.layerswarm.tracker.peerstore.PeerStore}, and bencoding the replies (BEP 3, 7, 23, 48).
 */
package io.layerswarm.tracker.announce;
