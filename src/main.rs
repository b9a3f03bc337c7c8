fn main() {
    // Panic messages in the console for development builds; a release build leaves the hook (and the
    // formatting it pulls in) out.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    appreg_web::boot();
}
