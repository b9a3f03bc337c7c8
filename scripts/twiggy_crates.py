#!/usr/bin/env python3
"""`make twiggy`: sums twiggy's CSV (`twiggy top -n 100000 -f csv WASM`, on stdin) by where the code comes
from, leaving out what the release build does not ship (names, debug info, wasm-bindgen's descriptors, which
wasm-bindgen removes)."""
import csv
import re
import sys

SKIPPED = ('"function names"', "custom section", "producers")
GROUPS = [
    ("appreg_web: pages and sections", r"appreg_web::pages::"),
    ("appreg_web: wizard", r"appreg_web::wizard::"),
    ("appreg_web: the rest (shell, state, api, ...)", r"appreg_web::"),
    ("appreg_core: serde (JSON of API types)", r"appreg_core::.*serde"),
    ("appreg_core: rules and the rest", r"appreg_core::"),
    ("serde / serde_json", r"serde"),
    ("Leptos: tachys (views)", r"tachys::"),
    ("Leptos: reactive_graph and the rest", r"reactive_graph::|leptos|any_spawner|throw_error|or_poisoned"),
    ("url / idna / unicode", r"\burl::|idna|unicode|icu_|utf8_iter|zerovec|percent_encoding|form_urlencoded"),
    ("regex-lite", r"regex_lite"),
    ("wasm-bindgen / js-sys / web-sys / gloo", r"wasm_bindgen|js_sys|web_sys|gloo"),
    ("Rust std and small crates: core, alloc, fmt, hash maps, allocator",
     r"\bcore(\[[0-9a-f]+\])?::|\balloc(\[[0-9a-f]+\])?::|\bstd(\[[0-9a-f]+\])?::|__rustc|dlmalloc|<&|<\[|<str|<char>"
     r"|hashbrown|smallvec|indexmap|async_lock|event_listener|send_wrapper|futures|slotmap|rustc_hash"),
    ("data segments (strings, tables)", r"^data segment"),
]


def main():
    totals = {name: 0 for name, _ in GROUPS}
    totals["other (unnamed: elem, table, type sections, ...)"] = 0
    shipped = 0
    for row in csv.DictReader(sys.stdin):
        name, size = row["Name"], int(row["ShallowSize"] or 0)
        if name.startswith(SKIPPED) or name.startswith(("Σ", "...")) or "__wbindgen_describe" in name \
                or "__wbindgen_placeholder__" in name:
            continue
        shipped += size
        for group, pattern in GROUPS:
            if re.search(pattern, name):
                totals[group] += size
                break
        else:
            totals["other (unnamed: elem, table, type sections, ...)"] += size
    print(f"the shipped wasm by origin (raw bytes, before wasm-bindgen; {shipped} B in all):")
    for group, size in sorted(totals.items(), key=lambda kv: -kv[1]):
        print(f"  {size:>9} B  {100 * size / shipped:5.1f} %  {group}")


main()
