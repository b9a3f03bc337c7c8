#!/usr/bin/env bash
# Assembles the static directory the e2e server serves (--static): the built SPA from dist/, plus the
# benchmark's plain-HTML form. (The embedding example is served from another origin by the tests.)
# Usage: bash e2e/prepare-static.sh DIR [BUILD]   (run from the repository root; BUILD: the built SPA,
# dist/ unless another build's folder is given, as `make bench-ab` does)
set -euo pipefail
out=$1
build=${2:-dist}
mkdir -p "$out"
cp "$build"/* "$out/"
cp e2e/bench/static-form.html e2e/bench/static-form.js "$out/"
cp "$(ls "$build"/main-*.css | head -n1)" "$out/main.css"   # the static form of the benchmark uses the same styles
