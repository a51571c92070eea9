#!/usr/bin/env bash
# The main job: a real end-to-end pull through the swarm on loopback.
# Installs docker-registry and skopeo, builds LayerSwarm, starts an origin registry, pushes a
# generated multi-layer image, starts tracker, seeder and two agents, pulls the image through each
# agent with skopeo, prints a summary and stops everything it started.
# Options are passed to the demo: --size-mib N --layers N --keep (see --help).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
echo "demo: building the distribution and the test bed (mvn package, tests compiled, not run)..." >&2
# -DskipTests, not -Dmaven.test.skip: modules use other modules' test jars, which the latter skips.
mvn -B -q -ntp -DskipTests -pl cli,integration-tests -am package
exec java -cp "integration-tests/target/classes:$(cat integration-tests/target/classpath.txt)" \
  io.layerswarm.testbed.Demo --dist cli/target/layerswarm "$@"
