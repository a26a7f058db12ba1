#!/bin/bash
set -e
test -s "$HOME/index.txt"
echo ok - index built
