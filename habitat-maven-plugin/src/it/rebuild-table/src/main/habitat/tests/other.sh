#!/bin/bash
set -e
test -s "$HOME/script.txt"
echo ok - script ran
