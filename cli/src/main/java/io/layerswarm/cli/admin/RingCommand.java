package io.layerswarm.cli.admin;

import io.layerswarm.cli.admin.ServiceOptions.Role;
import io.layerswarm.core.Digest;
import io.layerswarm.core.ring.SeederRing;
import io.layerswarm.proto.admin.SeederRingStatus;
import java.net.URI;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
    name = "ring",
    mixinStandardHelpOptions = true,
    description = {
      "Show the seeder ring as the seeder at --server sees it: every member with" + " its health.",
      "With --digest, also the blob's owners (the R members it hashes to) and which of them"
          + " serve it now (dead owners are stood in for by the next live members).",
      "With --add, --remove, --set or --replicas, change the ring on that seeder: the change gets"
          + " a new version, and the other seeders and the trackers take it from there within"
          + " seconds. Put the same list in every config file too: a restart starts from it."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:ok",
      "1:the seeder answered with an error",
      "2:bad usage",
      "3:the seeder's admin API did not answer",
      "5:the seeder wants a token"
    })
public final class RingCommand implements Callable<Integer> {
  @Mixin ServiceOptions options;

  @Option(
      names = "--digest",
      paramLabel = "DIGEST",
      description = "A blob, sha256:<hex>: show its owners.")
  String digest;

  @Option(names = "--add", paramLabel = "URL", description = "Add this seeder (repeatable).")
  List<String> add = new ArrayList<>();

  @Option(
      names = "--remove",
      paramLabel = "URL",
      description = "Remove this seeder (repeatable); it keeps seeding what it holds.")
  List<String> remove = new ArrayList<>();

  @Option(
      names = "--set",
      paramLabel = "URL",
      description = "Make the ring exactly these seeders (repeatable).")
  List<String> set = new ArrayList<>();

  @Option(names = "--replicas", paramLabel = "N", description = "Change R, the owners per blob.")
  Integer replicas;

  @Spec CommandSpec spec;

  InstantSource clock = InstantSource.system();

  @Override
  public Integer call() {
    boolean change = !add.isEmpty() || !remove.isEmpty() || !set.isEmpty() || replicas != null;
    if (change) {
      if (!set.isEmpty() && (!add.isEmpty() || !remove.isEmpty())) {
        throw new ParameterException(
            spec.commandLine(), "--set names the whole ring: use it without --add and --remove");
      }
      if (digest != null) {
        throw new ParameterException(
            spec.commandLine(), "--digest shows a ring; it does not go with a change");
      }
      return options.run(
          spec,
          Role.SEEDER,
          server -> {
            SeederAdminClient client = new SeederAdminClient(server);
            SeederRingStatus now = client.ring(Optional.empty());
            List<String> members = next(now);
            SeederRingStatus changed =
                client.setRing(members, replicas == null ? now.getReplicas() : replicas);
            RingReport report = RingReport.of(changed, null);
            options.print(
                spec,
                report,
                () ->
                    (changed.getChanged()
                            ? "the ring changed; it spreads to the other seeders and the trackers\n"
                            : "the ring was already that; nothing changed\n")
                        + report.table(clock.instant()));
          });
    }
    Optional<Digest> blob =
        digest == null
            ? Optional.empty()
            : Optional.of(DigestArgument.parse(spec, "--digest", digest, ""));
    return options.run(
        spec,
        Role.SEEDER,
        server -> {
          RingReport report =
              RingReport.of(
                  new SeederAdminClient(server).ring(blob),
                  blob.map(Digest::toString).orElse(null));
          options.print(spec, report, () -> report.table(clock.instant()));
        });
  }

  /** The members after the change: --set, or the current ones with --add and --remove. */
  private List<String> next(SeederRingStatus now) {
    List<String> members = new ArrayList<>();
    if (!set.isEmpty()) {
      set.forEach(url -> members.add(id("--set", url)));
      return members;
    }
    now.getMembersList().forEach(m -> members.add(m.getId()));
    for (String url : add) {
      String id = id("--add", url);
      if (!members.contains(id)) {
        members.add(id);
      }
    }
    for (String url : remove) {
      members.remove(id("--remove", url));
    }
    return members;
  }

  /**
   * A seeder's id as the ring writes it ({@code http://Host:6970/} is {@code http://host:6970}).
   */
  private String id(String option, String url) {
    try {
      return SeederRing.memberId(URI.create(url)).toString();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), option + " " + url + ": " + e.getMessage());
    }
  }
}
