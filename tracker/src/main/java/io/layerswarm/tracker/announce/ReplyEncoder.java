package io.layerswarm.tracker.announce;

import io.layerswarm.core.bencode.Bencode;
import io.layerswarm.core.metainfo.InfoHash;
import io.layerswarm.tracker.peerstore.Peer;
import io.layerswarm.tracker.peerstore.PeerAddress;
import io.layerswarm.tracker.peerstore.SwarmCounts;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Bencodes tracker replies. Stateless. */
final class ReplyEncoder {
  private ReplyEncoder() {}

  /** BEP 3: a dictionary with only {@code failure reason}. */
  static TrackerReply failure(String reason) {
    return new TrackerReply(Bencode.encode(Map.of("failure reason", reason)), true, false);
  }

  /** BEP 3 {@code failure reason}, for a failure that is the tracker's and not the client's. */
  static TrackerReply unavailable(String reason) {
    return new TrackerReply(Bencode.encode(Map.of("failure reason", reason)), true, true);
  }

  /**
   * BEP 3 reply. Compact (BEP 23): IPv4 peers as 6-byte entries in {@code peers}, IPv6 peers as
   * 18-byte entries in {@code peers6} (BEP 7). Otherwise ({@code compact=0}) a list of dictionaries
   * with {@code ip} and {@code port} only: peer ids are never handed out, as if every client asked
   * {@code no_peer_id=1}, since a peer id is worth nothing to another peer (the handshake tells it)
   * and an outsider could use it to pose as that peer.
   */
  static TrackerReply announce(
      Duration interval,
      Duration minInterval,
      SwarmCounts counts,
      List<Peer> peers,
      boolean compact) {
    Map<String, Object> reply = new LinkedHashMap<>();
    reply.put("interval", interval.toSeconds());
    reply.put("min interval", minInterval.toSeconds());
    reply.put("complete", (long) counts.complete());
    reply.put("incomplete", (long) counts.incomplete());
    if (compact) {
      ByteArrayOutputStream v4 = new ByteArrayOutputStream(peers.size() * 6);
      ByteArrayOutputStream v6 = new ByteArrayOutputStream();
      for (Peer peer : peers) {
        PeerAddress address = peer.address();
        (address.isIpv4() ? v4 : v6).writeBytes(address.compact());
      }
      reply.put("peers", v4.toByteArray());
      if (v6.size() > 0) {
        reply.put("peers6", v6.toByteArray());
      }
    } else {
      List<Object> list = new ArrayList<>(peers.size());
      for (Peer peer : peers) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("ip", peer.address().ipText());
        entry.put("port", (long) peer.address().port());
        list.add(entry);
      }
      reply.put("peers", list);
    }
    return new TrackerReply(Bencode.encode(reply), false, false);
  }

  /**
   * BEP 48 reply: {@code files} maps each raw 20-byte info hash to {@code complete}, {@code
   * downloaded} and {@code incomplete}. The outer dictionaries are written here because their keys
   * are binary, which Bencode's {@code Map<String, ?>} model cannot express; the keys are sorted as
   * raw bytes, as BEP 3 requires.
   */
  static TrackerReply scrape(Map<InfoHash, SwarmCounts> files) {
    List<Map.Entry<InfoHash, SwarmCounts>> entries = new ArrayList<>(files.entrySet());
    entries.sort((a, b) -> Arrays.compareUnsigned(a.getKey().bytes(), b.getKey().bytes()));
    ByteArrayOutputStream out = new ByteArrayOutputStream(32 + entries.size() * 80);
    out.write('d');
    out.writeBytes("5:filesd".getBytes(StandardCharsets.US_ASCII));
    for (Map.Entry<InfoHash, SwarmCounts> entry : entries) {
      out.writeBytes("20:".getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(entry.getKey().bytes());
      SwarmCounts counts = entry.getValue();
      out.writeBytes(
          Bencode.encode(
              Map.of(
                  "complete", (long) counts.complete(),
                  "downloaded", counts.downloaded(),
                  "incomplete", (long) counts.incomplete())));
    }
    out.write('e');
    out.write('e');
    return new TrackerReply(out.toByteArray(), false, false);
  }
}
