#!/usr/bin/env bash
# Prints the brotli -q 11 total, in bytes, of a built SPA's wasm, JS and CSS.
# Usage: bash scripts/size-total.sh DIR [whole|first]
#   whole (default): every file, the on-demand modules of a split build included (what the SPA is);
#   first: without the on-demand modules (split_*.wasm, chunk_*.wasm), i.e. what a first visit downloads
#          besides index.html before the first screen (the wizard, the partner page) works.
set -euo pipefail
what=${2:-whole}
total=0
for f in "$1"/*.wasm "$1"/*.js "$1"/*.css; do
  [ -f "$f" ] || continue
  case "$what:$(basename "$f")" in
    first:split_*.wasm | first:chunk_*.wasm) continue ;;
  esac
  total=$((total + $(brotli -q 11 -c "$f" | wc -c)))
done
echo "$total"
