#!/usr/bin/env python3
"""Inline what the first screen needs into a release build's index.html (run by stage.sh, after esbuild
minified the files). Usage: inline.py STAGE_DIR ESBUILD

On a slow link the page's own bytes arrive, then the link idles for a round trip while the browser asks
for the files the page names; the glue, its loader and the CSS then share the link with the main wasm,
which ends later by their size. Carried inside the page instead, they arrive in that idle round trip:
  - Trunk's inline module script becomes one esbuild bundle of itself, the wasm-bindgen glue and the split
    loader (`import.meta.url` is the page's origin: the files are at the root);
  - the stylesheet becomes a <style> element;
  - the main wasm's preload moves to the top of <head>, so the browser asks for it from the page's
    first bytes, before the inlined text has arrived.
The files stay in the build (the embedding loader /embed.js imports the glue and adds the stylesheet;
the service worker keeps them): <meta name="appreg-glue|appreg-css" content="/..."> name them, as
stage.sh's <meta name="appreg-loader"> names the loader; that is how the server still finds them
(crates/server/src/build.rs). The server allows the inline script and style by their SHA-256
(crates/server/src/headers.rs)."""
import os
import re
import subprocess
import sys

stage, esbuild = sys.argv[1], sys.argv[2]
index_path = os.path.join(stage, "index.html")
html = open(index_path, encoding="utf-8").read()


def fail(why):
    sys.exit(f"wasm-split/inline.py: {why} (a new Trunk or wasm-split-cli?): see this script")


def one(pattern, text, what):
    found = list(re.finditer(pattern, text, re.S))
    if len(found) != 1:
        fail(f"expected one {what} in index.html, found {len(found)}")
    return found[0]


script = one(r'<script type="module">(.*?)</script>', html, "inline module script")
glue = one(r"from '(/[A-Za-z0-9_.-]+\.js)'", script.group(1), "glue import").group(1)
css_link = one(r'<link rel="stylesheet" href="(/[A-Za-z0-9_.-]+\.css)"[^>]*>', html, "stylesheet")
css = css_link.group(1)
wasm_preload = one(r'<link rel="preload" href="/[A-Za-z0-9_.-]+_bg\.wasm"[^>]*>', html, "wasm preload").group(0)

# The bundle: Trunk's script with the glue (and through it the loader) imported from the stage folder.
entry = os.path.join(stage, ".appreg-entry.mjs")
bundle = os.path.join(stage, ".appreg-entry.out.js")
with open(entry, "w", encoding="utf-8") as f:
    f.write(script.group(1).replace(f"'{glue}'", f"'./{glue[1:]}'"))
subprocess.run([esbuild, entry, "--bundle", "--format=esm", "--minify", "--log-level=error",
                "--define:import.meta.url=location.origin", f"--outfile={bundle}"], check=True)
code = open(bundle, encoding="utf-8").read().strip()
os.remove(entry)
os.remove(bundle)
style = open(os.path.join(stage, css[1:]), encoding="utf-8").read().strip()
if re.search(r"</script", code, re.I) or re.search(r"</style", style, re.I):
    fail("the inlined text would close its own element")
if "import.meta" in code or re.search(r"\bimport\s*[*{(\"']", code):
    fail("the bundle still imports")

# The page: the wasm's preload first, then the files' names, the style and the script.
html = html.replace(wasm_preload, "")
html = re.sub(r'\s*<link rel="modulepreload" href="/[A-Za-z0-9_.-]+\.js"[^>]*>', "", html)
# (stage.sh has named the loader already.)
names = [f'<meta name="appreg-glue" content="{glue}" />', f'<meta name="appreg-css" content="{css}" />']
html = html.replace(css_link.group(0), "\n    ".join(names + [f"<style>{style}</style>"]))
html = html.replace(script.group(0), f'<script type="module">{code}</script>')
title = one(r"[ \t]*<title>.*?</title>\n", html, "title")
# Without Trunk's integrity attribute: Chromium ignores one on a preload of this kind (`as="fetch"`) and
# says so in the console on every load, and the glue's fetch, which takes the preloaded response, asks
# with none; a browser that did apply it could also decline to hand that response to a request without
# it, and fetch the wasm twice.
preload = re.sub(r'\s+integrity="[^"]*"', "", wasm_preload)
first = ("    <!-- Asked for from the page's first bytes; what the first screen needs besides is inline below "
         "(scripts/wasm-split/inline.py). -->\n"
         f"    {preload}\n")
html = html.replace(title.group(0), title.group(0) + first)
with open(index_path, "w", encoding="utf-8") as f:
    f.write(html)
