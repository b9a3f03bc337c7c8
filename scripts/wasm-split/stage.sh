#!/usr/bin/env bash
# Trunk post_build hook: stage the on-demand wasm modules that scripts/wasm-split/split-wasm-ld cut off, when
# the staged glue imports their loader (a split build; otherwise there is nothing to do).
#   - each module in target/wasm-split/wasm-release/ is staged as <name>-<16 hex of its SHA-256>.wasm (so the
#     server caches it for a year like every hashed build file) and the loader is rewritten to fetch it;
#   - the loader's import of the main module ("./appreg-web.js") is rewritten to Trunk's hashed glue;
#   - the loader itself keeps its name, `__wasm_split.js` (the main wasm imports it by that name), so
#     the server revalidates it; index.html names it in a <meta name="appreg-loader">.
# Then, for every release build (the SPA, and the counter and floor of `make size`, built the same way):
# the glue, the CSS and the loader are minified (esbuild) and index.html gets their new SRI hashes; the
# SPA's index.html then carries them inline (inline.py).
set -euo pipefail
stage="${TRUNK_STAGING_DIR:?run by trunk}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
src="$root/target/wasm-split/wasm-release" # Trunk.toml's cargo_profile
glue=$(cd "$stage" && grep -l -F '__wasm_split.js' appreg-web-*.js 2>/dev/null | grep -v '_bg' | head -n 1 || true)

# A split build: its modules, its loader, and index.html asking for the loader.
stage_modules() {
  [ -f "$src/__wasm_split.js" ] || {
    echo "wasm-split/stage.sh: $glue imports __wasm_split.js but $src has none (removed since the last link?): touch src/main.rs and build again" >&2
    exit 1
  }
  sed "s#from \"./appreg-web.js\"#from \"./$glue\"#" "$src/__wasm_split.js" > "$stage/__wasm_split.js"
  # wasm-split-cli lists the main module's shared exports in a hash map's order, which changes from one
  # run to the next on the same input: the loader, the page that carries it and the size budget's figures
  # moved by a few bytes between builds of the same code. Sort the two lists, so the same code builds the
  # same files.
  python3 - "$stage/__wasm_split.js" <<'PY'
import re, sys
path = sys.argv[1]
text = open(path).read()
def ordered(m):
    names = sorted(n.strip() for n in m.group(2).split(",") if n.strip())
    return m.group(1) + "{ " + ", ".join(names) + ", }" + m.group(3)
text, n = re.subn(r"(const |Object\.assign\(sharedImports\.__wasm_split, )\{([^{}]*)\}( = initSync\(|\);)", ordered, text)
if n != 2:
    sys.exit(f"wasm-split/stage.sh: expected the loader's two lists of shared exports, found {n} (a new wasm-split-cli?)")
open(path, "w").write(text)
PY
  # A module that needs a chunk fetches both at once and awaits the chunk first: when both fail, the
  # module's own fetch would be an unhandled rejection (an error on the page). Mark it handled; the load
  # still awaits it and fails as it should.
  sed -i 's#^\( *\)const src = \(fetch(.*);\)$#\1const src = \2\n\1src.catch(() => {});#' "$stage/__wasm_split.js"
  grep -q 'src.catch(() => {});' "$stage/__wasm_split.js" || {
    echo "wasm-split/stage.sh: the loader's fetches were not found (a new wasm-split-cli?): see this script" >&2
    exit 1
  }
  for f in "$src"/*.wasm; do
    name=$(basename "$f" .wasm)
    hash=$(sha256sum "$f" | cut -c1-16)
    cp "$f" "$stage/$name-$hash.wasm"
    sed -i "s#\"./$name.wasm\"#\"./$name-$hash.wasm\"#" "$stage/__wasm_split.js"
  done
  # The page names the loader, so that the server finds the modules it fetches and lists them with the
  # build (crates/server/src/build.rs: the service worker keeps them for offline use). A <meta> fetches
  # nothing: the glue imports the loader, and a release page carries both inside it (inline.py).
  grep -q '<script type="module">' "$stage/index.html" || {
    echo "wasm-split/stage.sh: Trunk's inline module script was not found in index.html (a new Trunk?): see this script" >&2
    exit 1
  }
  sed -i '0,/<script type="module">/s##<meta name="appreg-loader" content="/__wasm_split.js" />\n<script type="module">#' "$stage/index.html"
}
if [ -n "$glue" ]; then
  stage_modules
fi

[ "${TRUNK_PROFILE:-release}" = release ] || exit 0
# Minify the loader, the glue and the CSS (Trunk's own minifier fails on the glue; see Trunk.toml) with esbuild,
# installed with the e2e packages by scripts/setup.sh, and give index.html their new SRI hashes.
esbuild="$root/e2e/node_modules/.bin/esbuild"
[ -x "$esbuild" ] || {
  echo "wasm-split/stage.sh: $esbuild is missing: run scripts/setup.sh (make setup)" >&2
  exit 1
}
minify() {
  "$esbuild" "$stage/$1" --minify --log-level=error --outfile="$stage/$1.min"
  mv "$stage/$1.min" "$stage/$1"
}
# The loader has no SRI hash (the glue imports it); its module names stay in double quotes, which is how
# the server finds them (crates/server/src/build.rs).
if [ -f "$stage/__wasm_split.js" ]; then
  minify __wasm_split.js
  grep -q '"./split_[^"]*\.wasm"' "$stage/__wasm_split.js" || {
    echo "wasm-split/stage.sh: the minified loader no longer names its modules as \"./split_*.wasm\"" >&2
    exit 1
  }
fi
for f in $(cd "$stage" && ls *.js *.css 2>/dev/null | grep -vxF __wasm_split.js); do
  minify "$f"
  sri="sha384-$(openssl dgst -sha384 -binary "$stage/$f" | base64 -w0)"
  grep -q "href=\"/$f\"[^>]*integrity=\"sha384-" "$stage/index.html" || {
    echo "wasm-split/stage.sh: index.html has no integrity for /$f (a new Trunk?): see this script" >&2
    exit 1
  }
  sed -i "s#\(href=\"/$f\"[^>]*integrity=\"\)sha384-[A-Za-z0-9+/=]*#\1$sri#" "$stage/index.html"
done
# The SPA (a split build; the counter and the floor of `make size` have no page to speak of): the glue, the
# loader and the CSS go inline into index.html, so a slow link carries them in the round trip it would
# otherwise idle for (see inline.py).
if [ -n "$glue" ]; then
  python3 "$root/scripts/wasm-split/inline.py" "$stage" "$esbuild"
fi
