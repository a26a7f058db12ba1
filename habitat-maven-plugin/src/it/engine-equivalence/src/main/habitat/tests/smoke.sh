#!/bin/bash
set -e
test "$(id -un)" = dev
test -d "$TOOLS_DIR/bin"
echo "ok - smoke as $(id -un)"
