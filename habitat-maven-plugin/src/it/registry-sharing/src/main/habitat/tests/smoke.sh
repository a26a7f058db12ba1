#!/bin/sh
set -e
grep -q shared "$HOME/.config/app.conf"
test "$(cat "$HOME/built.txt")" = "built as dev"
