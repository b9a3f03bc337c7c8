//! The floor of `make size`: the bare counter plus the core validators the SPA exports to JavaScript
//! (`validateRedirectUrls` and the rest, in `appreg_web::embed`), and nothing of the SPA's pages.
//! Whatever the pages look like, the SPA can be no smaller than this.
use appreg_web as _;
use leptos::prelude::*;

fn main() {
    leptos::mount::mount_to_body(|| {
        let (count, set_count) = signal(0);
        view! { <button on:click=move |_| set_count.update(|n| *n += 1)>"Count: " {count}</button> }
    });
}
