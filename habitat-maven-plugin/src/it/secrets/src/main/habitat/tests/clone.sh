#!/bin/bash
set -e
grep -q 'private content' /src/private/README.md
grep -q 'private content' /src/private-shallow/README.md
