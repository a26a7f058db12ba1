#!/bin/bash
# a test whose path is awkward: it runs as a path, nothing in its name runs
echo "awkward test ran" > /tmp/awkward-test.txt
