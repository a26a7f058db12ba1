#!/bin/bash
echo "ok - pass"
