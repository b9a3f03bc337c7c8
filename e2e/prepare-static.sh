#!/usr/bin/env bash
# Assembles the static directory the e2e server serves (--static): the built SPA from dist/, plus the
# benchmark's plain-HTML form. (The embedding example is served from another origin by the tests.)
# Usage: bash e2e/prepare-static.sh DIR   (run from the repository root)
set -euo pipefail
out=$1
mkdir -p "$out"
cp dist/* "$out/"
cp e2e/bench/static-form.html e2e/bench/static-form.js "$out/"
cp "$(ls dist/main-*.css | head -n1)" "$out/main.css"   # the static form of the benchmark uses the same styles
