package io.layerswarm.cli.arch;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;

/**
 * The swarm engine's API is its root package ({@code SwarmEngine}, {@code EngineConfig}, {@code
 * Torrent}, ...) and {@code swarm.listener} (the connection caps and idle timeouts every listener
 * shares). Its other packages are public only because the engine's own packages use each other (and
 * the simulator drives {@code swarm.torrent}); the daemons must not reach into them.
 */
class SwarmApiTest {
  private static final ArchRule DAEMONS_USE_ONLY_THE_SWARM_API =
      noClasses()
          .that()
          .resideInAnyPackage(
              "io.layerswarm.agent..",
              "io.layerswarm.seeder..",
              "io.layerswarm.tracker..",
              "io.layerswarm.cli..")
          .should()
          .dependOnClassesThat(
              resideInAPackage("io.layerswarm.swarm..")
                  .and(
                      not(
                          resideInAnyPackage(
                              "io.layerswarm.swarm", "io.layerswarm.swarm.listener"))))
          .because("only io.layerswarm.swarm and swarm.listener are the engine's API");

  @Test
  void theDaemonsUseOnlyTheSwarmsApiPackages() {
    JavaClasses all =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(
                "io.layerswarm.agent",
                "io.layerswarm.seeder",
                "io.layerswarm.tracker",
                "io.layerswarm.cli");
    assertThat(all.size()).as("daemon classes found").isGreaterThan(100);
    DAEMONS_USE_ONLY_THE_SWARM_API.check(all);
  }

  @Test
  void theRuleCatchesADaemonClassThatReachesIntoTheEngine() {
    JavaClasses violator = new ClassFileImporter().importClasses(ReachesIntoTheEngine.class);
    EvaluationResult result = DAEMONS_USE_ONLY_THE_SWARM_API.evaluate(violator);
    assertThat(result.hasViolation()).isTrue();
    assertThat(result.getFailureReport().getDetails())
        .anySatisfy(line -> assertThat(line).contains("io.layerswarm.swarm.torrent.TorrentPolicy"));
  }

  /** A class in a daemon's package that uses an engine-internal type. */
  static final class ReachesIntoTheEngine {
    int blockSize() {
      return io.layerswarm.swarm.torrent.TorrentPolicy.DEFAULTS.blockSize();
    }
  }
}
