#!/usr/bin/env bash
# Prints the brotli -q 11 total, in bytes, of a built SPA's wasm, JS and CSS (what a first visit downloads
# besides index.html). Usage: bash scripts/size-total.sh DIR
set -euo pipefail
total=0
for f in "$1"/*.wasm "$1"/*.js "$1"/*.css; do
  [ -f "$f" ] || continue
  total=$((total + $(brotli -q 11 -c "$f" | wc -c)))
done
echo "$total"
