#!/usr/bin/env bash
# Prints the release SPA's wasm, JS and CSS sizes: raw, gzip -9 and brotli -q 11.
set -euo pipefail
cd "$(dirname "$0")/.."
dist=${1:-dist}
printf '%-8s %10s %10s %10s  %s\n' kind raw gzip brotli file
total_raw=0; total_gz=0; total_br=0
for f in "$dist"/*.wasm "$dist"/*.js "$dist"/*.css; do
  [ -f "$f" ] || continue
  raw=$(stat -c %s "$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  br=$(brotli -q 11 -c "$f" | wc -c)
  total_raw=$((total_raw + raw)); total_gz=$((total_gz + gz)); total_br=$((total_br + br))
  printf '%-8s %10d %10d %10d  %s\n' "${f##*.}" "$raw" "$gz" "$br" "$(basename "$f")"
done
printf '%-8s %10d %10d %10d\n' total "$total_raw" "$total_gz" "$total_br"
