//! `APPREG_WASM_SPLIT=1` (set by `make web` for the release SPA) turns on the split point in
//! `src/pages/mod.rs` and keeps the linker's relocations, which `wasm-split-cli` needs to cut the
//! linked wasm in two (`scripts/wasm-split/split-wasm-ld`). Every other build (tests, clippy, debug)
//! is one module. See `docs/performance.md`.
fn main() {
    println!("cargo::rustc-check-cfg=cfg(appreg_split)");
    println!("cargo::rerun-if-env-changed=APPREG_WASM_SPLIT");
    println!("cargo::rerun-if-changed=build.rs");
    let wasm = std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32");
    if wasm && std::env::var("APPREG_WASM_SPLIT").as_deref() == Ok("1") {
        println!("cargo::rustc-cfg=appreg_split");
        println!("cargo::rustc-link-arg-bins=--emit-relocs");
    }
}
