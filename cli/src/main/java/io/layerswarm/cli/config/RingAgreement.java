package io.layerswarm.cli.config;

import io.layerswarm.core.ring.SeederRing;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Whether a file's tracker and seeder sections name the same seeder ring. */
final class RingAgreement {
  private RingAgreement() {}

  /**
   * Trackers and seeders must hash digests over the same members with the same R, or the tracker
   * asks seeders that do not hold the blob (and they fetch it from the origin once more). Only keys
   * the file sets in both sections can be compared: a tracker host's file may have no seeder
   * section at all.
   */
  static Optional<String> mismatch(ConfigFile f) {
    ConfigFile.Tracker t = f.tracker();
    ConfigFile.Seeder s = f.seeder();
    if (t == null || s == null) {
      return Optional.empty();
    }
    if (t.ringReplicas() != null
        && s.ringReplicas() != null
        && !t.ringReplicas().equals(s.ringReplicas())) {
      return Optional.of(
          "tracker.ring-replicas ("
              + t.ringReplicas()
              + ") must equal seeder.ring-replicas ("
              + s.ringReplicas()
              + "): trackers and seeders must agree on the owners of each blob");
    }
    if (t.seeders() != null && s.ring() != null && !s.ring().isEmpty()) {
      Set<String> trackerSide = memberIds(t.seeders());
      Set<String> seederSide = memberIds(s.ring());
      if (trackerSide != null && seederSide != null && !trackerSide.equals(seederSide)) {
        return Optional.of(
            "tracker.seeders "
                + t.seeders()
                + " and seeder.ring "
                + s.ring()
                + " must list the same seeders: trackers and seeders must agree on the owners of"
                + " each blob");
      }
    }
    return Optional.empty();
  }

  /** The ring's member ids, or null when an entry is not a URL (its own key reports that). */
  private static Set<String> memberIds(List<String> urls) {
    Set<String> ids = new TreeSet<>();
    for (String url : urls) {
      try {
        ids.add(SeederRing.memberId(new URI(url)).toString());
      } catch (URISyntaxException | IllegalArgumentException | NullPointerException e) {
        return null;
      }
    }
    return ids;
  }
}
