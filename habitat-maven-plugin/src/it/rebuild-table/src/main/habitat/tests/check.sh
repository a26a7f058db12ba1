#!/bin/bash
set -e
test -s /workspace/data/notes.txt
echo ok - notes present
