#!/usr/bin/env bash
# Runs all tests: unit tests in every module, then the integration tests (*IT) against real
# components (Debian's docker-registry and skopeo). Installs their Debian packages first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
mvn -B -ntp verify "$@"
