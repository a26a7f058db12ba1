#!/bin/bash
echo "not ok 1 - the habitat is broken"
exit 1
