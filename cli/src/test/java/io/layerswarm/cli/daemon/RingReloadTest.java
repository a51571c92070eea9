package io.layerswarm.cli.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.cli.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RingReloadTest {
  @TempDir Path dir;

  private static final String BASE =
      """
      tracker:
        seeders: [http://10.0.0.1:6970, http://10.0.0.2:6970]
        announce-interval: 30s
      """;

  private DaemonOptions options(Path file) {
    DaemonOptions options = new DaemonOptions();
    options.config = file;
    return options;
  }

  @Test
  void aReloadAppliesTheRingKeysAndNamesTheOtherChangedKeys() throws Exception {
    Path file = Files.writeString(dir.resolve("t.yaml"), BASE);
    DaemonOptions options = options(file);
    Settings started = options.load();
    List<List<String>> applied = new ArrayList<>();
    RingReload reload =
        new RingReload(
            "tracker",
            options,
            started,
            List.of("tracker.seeders", "tracker.ring-replicas"),
            next -> {
              applied.add(next.tracker().seeders().stream().map(Object::toString).toList());
              return true;
            });
    Files.writeString(
        file, BASE.replace("6970]", "6970, http://10.0.0.3:6970]").replace("30s", "45s"));

    reload.reload();

    assertThat(applied)
        .containsExactly(
            List.of("http://10.0.0.1:6970", "http://10.0.0.2:6970", "http://10.0.0.3:6970"));
    assertThat(RingReload.changedKeys(started.file(), options.load().file(), "tracker"))
        .containsExactly("tracker.announce-interval", "tracker.seeders");
  }

  @Test
  void aConfigThatFailsItsChecksAppliesNothing() throws Exception {
    Path file = Files.writeString(dir.resolve("t.yaml"), BASE);
    DaemonOptions options = options(file);
    Settings started = options.load();
    List<Settings> applied = new ArrayList<>();
    RingReload reload =
        new RingReload(
            "tracker",
            options,
            started,
            List.of("tracker.seeders"),
            next -> {
              next.tracker();
              applied.add(next);
              return true;
            });
    Files.writeString(file, BASE.replace("http://10.0.0.2:6970", "ftp://x"));

    reload.reload();

    assertThat(applied).isEmpty();
  }

  @Test
  void forAllInOneTheChangedKeysSpanEverySection() throws Exception {
    Path file = Files.writeString(dir.resolve("a.yaml"), BASE);
    DaemonOptions options = options(file);
    Settings started = options.load();
    Files.writeString(
        file, BASE.replace("30s", "45s") + "agent:\n  swarm-deadline: 90s\nseeder:\n  ring: []\n");

    assertThat(RingReload.changedKeys(started.file(), options.load().file(), "all-in-one"))
        .containsExactly("agent.swarm-deadline", "tracker.announce-interval");
    assertThat(RingReload.changedKeys(started.file(), options.load().file(), "tracker"))
        .containsExactly("tracker.announce-interval");
  }
}
