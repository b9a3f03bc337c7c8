#!/usr/bin/env bash
# Prints the brotli -q 11 total, in bytes, of a built SPA's wasm, JS and CSS.
# Usage: bash scripts/size-total.sh DIR [whole|first|wizard]
#   whole (default): every file, the on-demand modules of a split build included (what the SPA is);
#   first: without the on-demand modules (split_*.wasm, chunk_*.wasm), i.e. what a first visit downloads
#          besides index.html before the first screen (the partner page, the wizard's first steps) works;
#   wizard: first, plus the rules' module and the chunks its loader fetches with it (__wasm_split.js):
#          what a first visit has downloaded once the wizard's later steps can be drawn (they are fetched
#          in the background as soon as the first screen is there; see docs/performance.md).
set -euo pipefail
what=${2:-whole}
rules_deps=""
if [ "$what" = wizard ] && [ -f "$1/__wasm_split.js" ]; then
  # The files the rules' loader fetches: its own module and the chunks it lists as dependencies.
  rules_deps=$(python3 - "$1/__wasm_split.js" <<'PY'
import re, sys
js = open(sys.argv[1]).read()
# As wasm-split-cli writes it or as esbuild minifies it (make web): `const <chunk> = <makeLoad>(() => {
# const <src> = fetch(new URL("./<file>", ...` for each chunk, and the rules' loader with its chunks.
fetch = r'\(\s*\(\)\s*=>\s*\{\s*const\s+\w+\s*=\s*fetch\(new URL\("\./([^"]+)"'
chunks = dict(re.findall(r'(?:\bconst\s+|,)(\w+)\s*=\s*\w+' + fetch, js))
m = re.search(r'__wasm_split_load_rules\s*=\s*\w+\(\s*\w+' + fetch + r'.*?\}\s*,\s*\[([^\]]*)\]\s*\)\s*\)', js, re.S)
if not m:
    sys.exit("size-total.sh: no loader for the rules' module in " + sys.argv[1])
print(m.group(1))
for dep in filter(None, (d.strip() for d in m.group(2).split(','))):
    print(chunks[dep])
PY
)
fi
total=0
for f in "$1"/*.wasm "$1"/*.js "$1"/*.css; do
  [ -f "$f" ] || continue
  name=$(basename "$f")
  case "$what:$name" in
    first:split_*.wasm | first:chunk_*.wasm) continue ;;
    wizard:split_*.wasm | wizard:chunk_*.wasm) grep -qxF "$name" <<<"$rules_deps" || continue ;;
  esac
  total=$((total + $(brotli -q 11 -c "$f" | wc -c)))
done
echo "$total"
