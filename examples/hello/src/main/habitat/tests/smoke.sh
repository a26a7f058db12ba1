#!/bin/bash
# Runs as USER during the test phase, from the habitat's directory ($LOCAL_PATH).
set -e
[ "$(id -un)" = "$USER" ] || { echo "not ok - running as $(id -un), expected $USER"; exit 1; }
hello | grep -q 'Hello, "habitat"' || { echo "not ok - hello did not greet"; exit 1; }
echo "ok - hello greets as $USER"
