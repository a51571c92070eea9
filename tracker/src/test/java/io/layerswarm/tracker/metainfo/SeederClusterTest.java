package io.layerswarm.tracker.metainfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.core.Digest;
import io.layerswarm.core.ring.HttpHealthProbe;
import io.layerswarm.core.ring.MemberHealth;
import io.layerswarm.core.ring.SeederRing;
import io.layerswarm.core.ring.VersionedRing;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.testing.Await;
import io.layerswarm.testing.ManualClock;
import io.layerswarm.tracker.testing.SettableSeeder;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The tracker asks the live owners of a digest first: fake seeders on loopback (real HTTP, real
 * {@code /healthz} probes run on demand), a fake clock for the health records.
 */
class SeederClusterTest {
  private static final Digest DIGEST = Digest.sha256("layer-1".getBytes(StandardCharsets.UTF_8));
  private static final RepositoryName REPO = new RepositoryName("library/app");
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final ManualClock clock = new ManualClock(Instant.parse("2026-03-01T10:00:00Z"));
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private List<SettableSeeder> seeders(int n) throws Exception {
    List<SettableSeeder> seeders = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      SettableSeeder seeder = new SettableSeeder();
      seeder.metainfo(200, body(seeder));
      open.add(seeder);
      seeders.add(seeder);
    }
    return seeders;
  }

  /** Each seeder answers with its own URL, so a test sees who answered. */
  private static byte[] body(SettableSeeder seeder) {
    return ("d4:from" + seeder.uri().toString().length() + ":" + seeder.uri() + "e")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** The seeders by their rank for {@code digest}: index 0 is the first owner. */
  private static List<SettableSeeder> ranked(List<SettableSeeder> seeders, Digest digest) {
    List<URI> rank = SeederRing.of(uris(seeders), 1).rank(digest);
    List<SettableSeeder> out = new ArrayList<>();
    for (URI member : rank) {
      out.add(seeders.stream().filter(s -> s.uri().equals(member)).findFirst().orElseThrow());
    }
    return out;
  }

  private static List<URI> uris(List<SettableSeeder> seeders) {
    return seeders.stream().map(SettableSeeder::uri).toList();
  }

  /** Probes only when the test calls checkNow. */
  private SeederCluster cluster(List<SettableSeeder> seeders, int replicas) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    SeederCluster cluster =
        SeederCluster.start(
            uris(seeders),
            replicas,
            new HttpHealthProbe(http, Duration.ofSeconds(2)),
            clock,
            Duration.ZERO);
    open.add(cluster);
    return cluster;
  }

  private static void check(SeederCluster cluster) throws Exception {
    cluster.health().checkNow().get(10, TimeUnit.SECONDS);
  }

  private static MemberHealth healthOf(SeederCluster cluster, SettableSeeder seeder) {
    return cluster.members().stream()
        .filter(m -> m.id().equals(seeder.uri()))
        .findFirst()
        .orElseThrow();
  }

  /** Waits (at most 10 s) until {@code seeder} has had {@code n} metainfo requests. */
  private static void awaitRequests(SettableSeeder seeder, int n) {
    Await.until(
        n + " metainfo requests to " + seeder,
        Duration.ofSeconds(10),
        () -> seeder.metainfoRequests().size() >= n,
        () -> seeder.metainfoRequests().size());
    assertThat(seeder.metainfoRequests()).as("metainfo requests to %s", seeder).hasSize(n);
  }

  @Test
  void theFirstOwnerAnswersAndTheSecondOwnerIsWarmedInTheBackground() throws Exception {
    List<SettableSeeder> rank = ranked(seeders(3), DIGEST);
    HttpMetainfoSource source = cluster(rank, 2).metainfoSource(TIMEOUT);

    assertThat(source.metainfo(DIGEST, "registry.example:5000", REPO)).isEqualTo(body(rank.get(0)));
    assertThat(rank.get(0).metainfoRequests()).hasSize(1);
    awaitRequests(rank.get(1), 1);
    assertThat(rank.get(1).metainfoRequests().get(0).getRawQuery())
        .isEqualTo("registry=registry.example%3A5000&repo=library%2Fapp");
    assertThat(rank.get(2).metainfoRequests()).as("not an owner").isEmpty();
  }

  @Test
  void aReplicaIsWarmedOnceNotForEveryRequest() throws Exception {
    List<SettableSeeder> rank = ranked(seeders(2), DIGEST);
    HttpMetainfoSource source = cluster(rank, 2).metainfoSource(TIMEOUT);

    source.metainfo(DIGEST, "r", REPO);
    awaitRequests(rank.get(1), 1);
    source.metainfo(DIGEST, "r", REPO);
    source.metainfo(DIGEST, "r", REPO);
    // Warm-ups are sent before metainfo returns: none sent since the first, none on its way.
    assertThat(source.warmUpsStarted()).isEqualTo(1);

    assertThat(rank.get(0).metainfoRequests()).hasSize(3);
    assertThat(rank.get(1).metainfoRequests()).hasSize(1);
  }

  @Test
  void aFailedWarmUpIsTriedAgainByTheNextRequest() throws Exception {
    List<SettableSeeder> rank = ranked(seeders(2), DIGEST);
    HttpMetainfoSource source = cluster(rank, 2).metainfoSource(TIMEOUT);
    rank.get(1).metainfo(502, new byte[0]);

    source.metainfo(DIGEST, "r", REPO);
    awaitRequests(rank.get(1), 1);
    rank.get(1).metainfo(200, body(rank.get(1)));
    // The failure is recorded once its answer has been read; a request after that warms again.
    Await.until("the failed warm-up to end", () -> source.warmUpsRunning() == 0);
    source.metainfo(DIGEST, "r", REPO);
    awaitRequests(rank.get(1), 2);

    assertThat(rank.get(1).metainfoRequests()).hasSize(2);
  }

  @Test
  void withOneReplicaNothingIsWarmed() throws Exception {
    List<SettableSeeder> rank = ranked(seeders(2), DIGEST);
    HttpMetainfoSource source = cluster(rank, 1).metainfoSource(TIMEOUT);

    assertThat(source.metainfo(DIGEST, "r", REPO)).isEqualTo(body(rank.get(0)));
    // Warm-ups are sent before metainfo returns: none was, so none is on its way.
    assertThat(source.warmUpsStarted()).isZero();
    assertThat(rank.get(1).metainfoRequests()).isEmpty();
  }

  @Test
  void digestsSpreadOverTheSeedersEachToItsOwnFirstOwner() throws Exception {
    List<SettableSeeder> seeders = seeders(3);
    HttpMetainfoSource source = cluster(seeders, 1).metainfoSource(TIMEOUT);
    Set<URI> asked = new HashSet<>();
    for (int i = 0; i < 12; i++) {
      Digest digest = Digest.sha256(("blob-" + i).getBytes(StandardCharsets.UTF_8));
      SettableSeeder owner = ranked(seeders, digest).get(0);
      assertThat(source.metainfo(digest, "r", REPO)).as("digest %s", digest).isEqualTo(body(owner));
      asked.add(owner.uri());
    }
    assertThat(asked).as("12 digests over 3 seeders land on more than one").hasSizeGreaterThan(1);
    assertThat(seeders.stream().mapToInt(s -> s.metainfoRequests().size()).sum()).isEqualTo(12);
  }

  @Test
  void aFailingFirstOwnerMovesTheRequestToTheSecondOwner() throws Exception {
    List<SettableSeeder> rank = ranked(seeders(3), DIGEST);
    rank.get(0).metainfo(502, new byte[0]);
    HttpMetainfoSource source = cluster(rank, 2).metainfoSource(TIMEOUT);

    assertThat(source.metainfo(DIGEST, "r", REPO)).isEqualTo(body(rank.get(1)));
    assertThat(rank.get(0).metainfoRequests()).hasSize(1);
    assertThat(rank.get(2).metainfoRequests()).isEmpty();
  }

  @Test
  void a404FromTheFirstOwnerIsFinal() throws Exception {
    List<SettableSeeder> rank = ranked(seeders(3), DIGEST);
    rank.get(0).metainfo(404, new byte[0]);
    HttpMetainfoSource source = cluster(rank, 2).metainfoSource(TIMEOUT);

    assertThatThrownBy(() -> source.metainfo(DIGEST, "r", REPO))
        .isInstanceOfSatisfying(
            MetainfoUnavailableException.class, e -> assertThat(e.notFound()).isTrue())
        .hasMessageContaining(rank.get(0).uri() + " answered 404");
    assertThat(rank.get(1).metainfoRequests()).isEmpty();
    assertThat(rank.get(2).metainfoRequests()).isEmpty();
  }

  @Test
  void anOwnerThatFailsTwoProbesIsSkippedWithoutARequest() throws Exception {
    List<SettableSeeder> rank = ranked(seeders(3), DIGEST);
    SeederCluster cluster = cluster(rank, 2);
    HttpMetainfoSource source = cluster.metainfoSource(TIMEOUT);
    rank.get(0).health(503);

    check(cluster);
    assertThat(healthOf(cluster, rank.get(0)).alive()).as("one failed probe").isTrue();
    clock.advance(Duration.ofSeconds(5));
    check(cluster);

    MemberHealth dead = healthOf(cluster, rank.get(0));
    assertThat(dead.alive()).isFalse();
    assertThat(dead.consecutiveFailures()).isEqualTo(2);
    assertThat(dead.lastCheck()).contains(clock.instant());
    assertThat(cluster.health().liveOwners(DIGEST))
        .containsExactly(rank.get(1).uri(), rank.get(2).uri());
    assertThat(source.metainfo(DIGEST, "r", REPO)).isEqualTo(body(rank.get(1)));
    assertThat(rank.get(0).metainfoRequests()).isEmpty();
  }

  @Test
  void liveNonOwnersComeBeforeADeadOwnerWhichIsStillTriedLast() throws Exception {
    List<SettableSeeder> rank = ranked(seeders(3), DIGEST);
    SeederCluster cluster = cluster(rank, 1);
    HttpMetainfoSource source = cluster.metainfoSource(TIMEOUT);
    rank.get(0).health(500);
    check(cluster);
    check(cluster);
    assertThat(cluster.health().candidates(DIGEST))
        .containsExactly(rank.get(1).uri(), rank.get(2).uri(), rank.get(0).uri());

    rank.get(1).metainfo(500, new byte[0]);
    assertThat(source.metainfo(DIGEST, "r", REPO))
        .as("the live non-owner")
        .isEqualTo(body(rank.get(2)));
    assertThat(rank.get(0).metainfoRequests()).isEmpty();

    rank.get(2).metainfo(503, new byte[0]);
    assertThat(source.metainfo(DIGEST, "r", REPO))
        .as("the dead owner, when every live member failed")
        .isEqualTo(body(rank.get(0)));
    assertThat(rank.get(1).metainfoRequests()).hasSize(2);
    assertThat(rank.get(2).metainfoRequests()).hasSize(2);
    assertThat(rank.get(0).metainfoRequests()).hasSize(1);
  }

  @Test
  void refusedConnectionsCountAsFailuresSoAKilledOwnerIsTakenOutByRequestsToo() throws Exception {
    List<SettableSeeder> rank = ranked(seeders(3), DIGEST);
    SeederCluster cluster = cluster(rank, 2);
    HttpMetainfoSource source = cluster.metainfoSource(TIMEOUT);
    rank.get(0).stop(); // as SIGKILL would: the port refuses connections

    assertThat(source.metainfo(DIGEST, "r", REPO)).isEqualTo(body(rank.get(1)));
    assertThat(healthOf(cluster, rank.get(0)).consecutiveFailures()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(1));
    assertThat(source.metainfo(DIGEST, "r", REPO)).isEqualTo(body(rank.get(1)));
    MemberHealth dead = healthOf(cluster, rank.get(0));
    assertThat(dead.alive()).isFalse();
    assertThat(dead.lastCheck()).contains(clock.instant());
    assertThat(dead.lastError()).hasValueSatisfying(e -> assertThat(e).contains("Connect"));

    // Dead now: not tried first any more, so no new failure is recorded.
    assertThat(source.metainfo(DIGEST, "r", REPO)).isEqualTo(body(rank.get(1)));
    assertThat(healthOf(cluster, rank.get(0)).consecutiveFailures()).isEqualTo(2);
    assertThat(rank.get(1).metainfoRequests()).hasSize(3);
  }

  @Test
  void anOwnerThatAnswersAProbeAgainIsAskedFirstAgain() throws Exception {
    List<SettableSeeder> rank = ranked(seeders(2), DIGEST);
    SeederCluster cluster = cluster(rank, 1);
    HttpMetainfoSource source = cluster.metainfoSource(TIMEOUT);
    rank.get(0).health(503);
    check(cluster);
    check(cluster);
    assertThat(source.metainfo(DIGEST, "r", REPO)).isEqualTo(body(rank.get(1)));

    rank.get(0).health(200);
    clock.advance(Duration.ofSeconds(5));
    check(cluster);

    assertThat(healthOf(cluster, rank.get(0)).alive()).isTrue();
    assertThat(source.metainfo(DIGEST, "r", REPO)).isEqualTo(body(rank.get(0)));
  }

  @Test
  void periodicProbesMarkADeadSeederWithoutAnyRequest() throws Exception {
    List<SettableSeeder> rank = ranked(seeders(2), DIGEST);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    SeederCluster cluster =
        SeederCluster.start(
            uris(rank),
            2,
            new HttpHealthProbe(http, Duration.ofSeconds(2)),
            clock,
            Duration.ofMillis(50));
    open.add(cluster);
    rank.get(0).stop();

    Await.until(
        "the stopped seeder to be dead",
        Duration.ofSeconds(10),
        () -> !cluster.health().isAlive(rank.get(0).uri()));
    assertThat(cluster.health().isAlive(rank.get(0).uri())).isFalse();
    assertThat(cluster.health().isAlive(rank.get(1).uri())).isTrue();
  }

  @Test
  void aReloadAddingASeederMakesItTheFirstOwnerOfItsDigestsWithoutARestart() throws Exception {
    List<SettableSeeder> all = seeders(3);
    List<SettableSeeder> rank = ranked(all, DIGEST);
    // Start without the digest's first owner; R = 1.
    SeederCluster cluster = cluster(List.of(rank.get(1), rank.get(2)), 1);
    HttpMetainfoSource source = cluster.metainfoSource(TIMEOUT);
    assertThat(source.metainfo(DIGEST, "r", REPO)).isEqualTo(body(rank.get(1)));

    assertThat(cluster.reconfigure(uris(all), 1)).isTrue();
    assertThat(cluster.reconfigure(uris(all), 1)).as("the same file again").isFalse();

    assertThat(source.metainfo(DIGEST, "r", REPO)).isEqualTo(body(rank.get(0)));
    assertThat(cluster.membership().current().version()).isPositive();
    assertThat(cluster.members()).hasSize(3);
  }

  @Test
  void theTrackerTakesANewerRingFromASeederAndStopsAskingARemovedOne() throws Exception {
    List<SettableSeeder> rank = ranked(seeders(3), DIGEST);
    VersionedRing onSeeders =
        new VersionedRing(42, SeederRing.of(List.of(rank.get(1).uri(), rank.get(2).uri()), 1));
    java.util.Map<URI, Integer> asked = new java.util.concurrent.ConcurrentHashMap<>();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    SeederCluster cluster =
        SeederCluster.start(
            uris(rank),
            1,
            new HttpHealthProbe(http, Duration.ofSeconds(2)),
            member -> {
              asked.merge(member, 1, Integer::sum);
              return java.util.concurrent.CompletableFuture.completedFuture(
                  new VersionedRing.WithHistory(onSeeders, List.of()));
            },
            clock,
            Duration.ZERO);
    open.add(cluster);
    HttpMetainfoSource source = cluster.metainfoSource(TIMEOUT);
    assertThat(source.metainfo(DIGEST, "r", REPO)).isEqualTo(body(rank.get(0)));

    cluster.syncNow().get(10, TimeUnit.SECONDS);

    assertThat(asked.keySet()).containsExactlyInAnyOrderElementsOf(uris(rank));
    assertThat(cluster.membership().current().version()).isEqualTo(42);
    assertThat(source.metainfo(DIGEST, "r", REPO)).isEqualTo(body(rank.get(1)));
    assertThat(rank.get(0).metainfoRequests()).as("the removed seeder").hasSize(1);
  }

  @Test
  void theListConstructorUsesTheRingOrderToo() throws Exception {
    List<SettableSeeder> rank = ranked(seeders(3), DIGEST);
    // Configured in reverse rank order; the owner is still asked first.
    HttpMetainfoSource source =
        new HttpMetainfoSource(
            List.of(rank.get(2).uri(), rank.get(1).uri(), rank.get(0).uri()), TIMEOUT);

    assertThat(source.metainfo(DIGEST, "r", REPO)).isEqualTo(body(rank.get(0)));
    awaitRequests(rank.get(1), 1); // the second owner (R = 2), warmed
    assertThat(rank.get(2).metainfoRequests()).isEmpty();
  }

  @Test
  void badSettingsAreRefusedNamingTheKey() {
    HttpHealthProbe probe = new HttpHealthProbe(HttpClient.newHttpClient(), Duration.ofSeconds(1));
    URI a = URI.create("http://127.0.0.1:1");
    assertThatThrownBy(() -> SeederCluster.start(List.of(), 2, probe, clock, Duration.ZERO))
        .hasMessageContaining("tracker.seeders");
    assertThatThrownBy(
            () ->
                SeederCluster.start(
                    List.of(a, URI.create("http://127.0.0.1:1/")), 2, probe, clock, Duration.ZERO))
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> SeederCluster.start(List.of(a), 0, probe, clock, Duration.ZERO))
        .hasMessageContaining("tracker.ring-replicas");
    assertThatThrownBy(
            () ->
                SeederCluster.start(List.of(URI.create("ftp://x")), 1, probe, clock, Duration.ZERO))
        .hasMessageContaining("tracker.seeders");
  }
}
