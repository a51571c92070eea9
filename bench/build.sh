# Sourced by bench/engine-bench and bench/swarm-bench: the one build both benchmarks run.
#
# bench_build ROOT LOG builds, in one reactor (-am) from this checkout's sources, everything the two
# benchmarks start: the distribution (cli/target/layerswarm), the test bed and its test classes
# (integration-tests/target/classes, test-classes) and their classpaths (integration-tests/target/
# classpath.txt for the test bed, bench-classpath.txt for BenchPeer). Sibling modules come from the
# reactor, never from ~/.m2, and nothing is installed there, so a fresh clone builds as it is.
#
# Maven goes online by default (it downloads what the local repository lacks). BENCH_MVN_ARGS adds
# flags (-o for offline, -Dmaven.repo.local=DIR, ...). If an online build fails because an artifact
# could not be downloaded, the build is tried once more offline and says so.
bench_build() { # ROOT LOG -> 0 built, 1 failed (the log has Maven's output)
  local root=$1 log=$2
  local args=(-B -ntp -DskipTests -pl cli,integration-tests -am package)
  # shellcheck disable=SC2086
  if (cd "$root" && mvn ${BENCH_MVN_ARGS-} "${args[@]}") >"$log" 2>&1; then
    return 0
  fi
  if [ -z "${BENCH_MVN_ARGS+set}" ] && grep -qE 'Could not (transfer|resolve)|Unknown host|Network is unreachable' "$log"; then
    echo "bench: the online build could not download an artifact; trying offline (-o) with the local repository" >&2
    mv "$log" "$log.online"
    (cd "$root" && mvn -o "${args[@]}") >"$log" 2>&1 && return 0
  fi
  return 1
}
