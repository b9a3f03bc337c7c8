#!/usr/bin/env bash
# Assembles the static directory the e2e server serves (--static): the built SPA from dist/, plus
# examples/embed.html with the unhashed file names it references, plus the benchmark's plain-HTML form.
# Usage: bash e2e/prepare-static.sh DIR   (run from the repository root)
set -euo pipefail
out=$1
mkdir -p "$out"
cp dist/* "$out/"
cp examples/embed.html examples/embed-host.js examples/embed-host.css "$out/"
js=$(ls dist/appreg-web-*.js | head -n1)
cp "$js" "$out/appreg-web.js"
cp "${js%.js}_bg.wasm" "$out/appreg-web_bg.wasm"
cp "$(ls dist/main-*.css | head -n1)" "$out/main.css"
cp e2e/bench/static-form.html e2e/bench/static-form.js "$out/"
