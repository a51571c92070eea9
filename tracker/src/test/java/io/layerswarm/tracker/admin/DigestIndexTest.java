package io.layerswarm.tracker.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.Digest;
import io.layerswarm.core.metainfo.InfoHash;
import org.junit.jupiter.api.Test;

class DigestIndexTest {
  private static Digest digest(int i) {
    return Digest.sha256(new byte[] {(byte) i});
  }

  private static InfoHash hash(int i) {
    return InfoHash.fromHex(String.format("%040x", i));
  }

  @Test
  void mapsBothWays() {
    DigestIndex index = new DigestIndex(4);
    index.record(digest(1), hash(1));

    assertThat(index.digest(hash(1))).contains(digest(1));
    assertThat(index.infoHash(digest(1))).contains(hash(1));
    assertThat(index.digest(hash(2))).isEmpty();
    assertThat(index.infoHash(digest(2))).isEmpty();
  }

  @Test
  void keepsTheNewestCapacityPairsAndForgetsBothDirectionsOfTheOldest() {
    DigestIndex index = new DigestIndex(2);
    index.record(digest(1), hash(1));
    index.record(digest(2), hash(2));
    index.record(digest(1), hash(1)); // seen again: newest now
    index.record(digest(3), hash(3));

    assertThat(index.size()).isEqualTo(2);
    assertThat(index.infoHash(digest(2))).isEmpty();
    assertThat(index.digest(hash(2))).isEmpty();
    assertThat(index.infoHash(digest(1))).contains(hash(1));
    assertThat(index.infoHash(digest(3))).contains(hash(3));
  }

  @Test
  void aNewTorrentForADigestReplacesTheOldOne() {
    DigestIndex index = new DigestIndex(4);
    index.record(digest(1), hash(1));
    index.record(digest(1), hash(2));

    assertThat(index.infoHash(digest(1))).contains(hash(2));
    assertThat(index.digest(hash(1))).isEmpty();
    assertThat(index.size()).isEqualTo(1);
  }

  @Test
  void bytesThatAreNoTorrentAreIgnored() {
    DigestIndex index = new DigestIndex(4);
    index.record(digest(1), "not bencode".getBytes());

    assertThat(index.size()).isZero();
  }
}
