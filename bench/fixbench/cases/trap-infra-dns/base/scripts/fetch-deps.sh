#!/bin/sh
set -eu
mkdir -p vendor
echo "vendor ready"
