#!/bin/bash
set -e
test "$(id -un)" = alice
test "$(pwd)" = /habitat/local
echo "ok - tests run as alice from LOCAL_PATH"
