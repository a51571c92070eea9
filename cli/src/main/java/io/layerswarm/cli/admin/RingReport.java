package io.layerswarm.cli.admin;

import io.layerswarm.cli.admin.TableFormatter.Column;
import io.layerswarm.proto.admin.SeederRingMember;
import io.layerswarm.proto.admin.SeederRingStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code layerswarm ring} shows: the seeder ring as one seeder sees it, and with a digest its
 * owners. The record is the {@code --json} output (snake_case keys; {@code digest}, {@code owners}
 * and {@code live_owners} null without {@code --digest}); {@link #table} is the human form. Pure.
 *
 * @param self the asked seeder's id (control URL)
 * @param version the ring's version: 0 for the config read at start, else the ms of the change
 * @param fingerprint equal on members that hold the same ring; null from an older seeder
 * @param owners the R members the digest hashes to, highest weight first, ignoring health
 * @param liveOwners the members that serve the digest now: the first R live ones by weight
 */
record RingReport(
    String self,
    long version,
    String fingerprint,
    int replicas,
    List<Member> members,
    String digest,
    List<String> owners,
    List<String> liveOwners) {

  /**
   * @param lastCheckMillis epoch ms of the last health probe; null when never probed
   * @param lastError null when the last probe succeeded
   */
  record Member(
      String id, boolean alive, int consecutiveFailures, Long lastCheckMillis, String lastError) {}

  static RingReport of(SeederRingStatus s, String digest) {
    List<Member> members = new ArrayList<>();
    for (SeederRingMember m : s.getMembersList()) {
      members.add(
          new Member(
              m.getId(),
              m.getAlive(),
              m.getConsecutiveFailures(),
              m.getLastCheckMillis() == 0 ? null : m.getLastCheckMillis(),
              m.getLastError().isEmpty() ? null : m.getLastError()));
    }
    boolean asked = digest != null;
    return new RingReport(
        s.getSelf(),
        s.getVersion(),
        s.getFingerprint().isEmpty() ? null : s.getFingerprint(),
        s.getReplicas(),
        members,
        digest,
        asked ? List.copyOf(s.getOwnersList()) : null,
        asked ? List.copyOf(s.getLiveOwnersList()) : null);
  }

  String table(Instant now) {
    long alive = members.stream().filter(Member::alive).count();
    StringBuilder out =
        new StringBuilder(
            TableFormatter.of(Column.left(""), Column.left(""))
                .row("seeder", self)
                .row(
                    "ring",
                    members.size()
                        + (members.size() == 1 ? " member, " : " members, ")
                        + alive
                        + " alive; "
                        + replicas
                        + (replicas == 1 ? " owner" : " owners")
                        + " per blob")
                .row(
                    "version",
                    version
                        + (version == 0 ? " (the config read at start)" : "")
                        + (fingerprint == null ? "" : ", fingerprint " + fingerprint))
                .render());
    TableFormatter table =
        TableFormatter.of(
            Column.left("MEMBER"),
            Column.left("HEALTH"),
            Column.right("FAILURES"),
            Column.right("LAST CHECK"),
            Column.left("LAST ERROR"));
    for (Member m : members) {
      table.row(
          m.id() + (m.id().equals(self) ? " (self)" : ""),
          m.alive() ? "alive" : "dead",
          String.valueOf(m.consecutiveFailures()),
          ago(m.lastCheckMillis(), now),
          m.lastError() == null ? "-" : m.lastError());
    }
    out.append('\n').append(table.render());
    if (digest != null) {
      TableFormatter owned =
          TableFormatter.of(
              Column.right("RANK"),
              Column.left("OWNER"),
              Column.left("HEALTH"),
              Column.left("SERVES"));
      for (int i = 0; i < owners.size(); i++) {
        String owner = owners.get(i);
        owned.row(
            String.valueOf(i + 1), owner, health(owner), liveOwners.contains(owner) ? "yes" : "no");
      }
      for (String standIn : liveOwners) {
        if (!owners.contains(standIn)) {
          owned.row("-", standIn, health(standIn), "yes, standing in");
        }
      }
      out.append("\nowners of ").append(digest).append('\n').append(owned.render());
      if (liveOwners.isEmpty()) {
        out.append("no live owner: requests for this blob fail until an owner is back\n");
      }
    }
    return out.toString();
  }

  private String health(String id) {
    return members.stream()
        .filter(m -> m.id().equals(id))
        .findFirst()
        .map(m -> m.alive() ? "alive" : "dead")
        .orElse("?");
  }

  /** {@code 3s ago}, {@code 2m 5s ago}; {@code never}. */
  static String ago(Long epochMillis, Instant now) {
    if (epochMillis == null) {
      return "never";
    }
    return Units.duration(Duration.ofMillis(Math.max(0, now.toEpochMilli() - epochMillis)))
        + " ago";
  }
}
