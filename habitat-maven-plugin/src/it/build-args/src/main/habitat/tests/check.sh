#!/bin/bash
set -e
test "$(id -un)" = "$USER"
test -f "$LOCAL_PATH/tests/check.sh" && test "$(pwd)" = "$LOCAL_PATH"
echo "ok - tests run as $USER in $(pwd)"
