#!/bin/bash
# a bypass habitat never runs the shared tests: this one fails if it does
echo "SHARED TEST RAN"
exit 1
