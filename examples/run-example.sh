#!/usr/bin/env bash
# Runs the main job on the embedded example habitat (examples/hello) on a fresh machine:
# makes sure a Docker engine and the offline base image exist, installs the plugin, then
# generates the habitat's Dockerfile and builds it with the engine's BuildKit.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/ensure-engine.sh
mvn -B -ntp -q install -DskipTests -Dinvoker.skip
mvn -B -ntp -f examples/hello/pom.xml habitat:show-phases habitat:generate-dockerfile
DOCKER_BUILDKIT=1 /usr/bin/docker build --target final -t habitat-hello:12-final examples/hello/target/habitat/hello
/usr/bin/docker run --rm habitat-hello:12-final
