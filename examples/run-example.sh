#!/usr/bin/env bash
# Runs the main job on the embedded example habitat (examples/hello) on a fresh machine:
# makes sure a Docker engine and the offline base image exist, installs the plugin, then builds the
# habitat into snapshot images with habitat:build (BuildKit through the Engine API) and runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/ensure-engine.sh
mvn -B -ntp -q install -DskipTests -Dinvoker.skip
mvn -B -ntp -f examples/hello/pom.xml habitat:show-phases habitat:build
# A second build finds nothing changed and sends nothing to the engine.
mvn -B -ntp -f examples/hello/pom.xml habitat:build | grep 'up to date'
/usr/bin/docker run --rm habitat-hello:12-final
