fn main() {
    console_error_panic_hook::set_once();
    appreg_web::boot();
}
