/**
 * A torrent's bytes on disk: positional writes, SHA-1 checks per piece, the verified set, in-order
 * streams of verified bytes, zero-copy upload regions and the final atomic rename.
 */
package io.layerswarm.swarm.storage;
