#!/bin/bash
set -e
test "$(~/hello)" = hello
~/venv/bin/python -c 'import sys; assert sys.prefix.endswith("venv")'
test -s ~/data.sums
echo ok - toolchain works
