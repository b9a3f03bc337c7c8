//! The app's redirect and CORS URLs (the wizard's rules, saved with `If-Match`), and the redirect tester.

use crate::api::{self, ApiError};
use crate::ui::{self, Findings};
use appreg_core::api::{Application, ApplicationPatch};
use appreg_core::{check_cors_list, check_redirect_list, match_redirect, Check};
use leptos::prelude::*;

fn lines(s: &str) -> Vec<String> {
    s.lines()
        .map(str::to_string)
        .filter(|l| !l.trim().is_empty())
        .collect()
}

/// The URL editor; a stale edit (412) keeps what the user typed and shows their version.
#[component]
pub fn UrlsSection(app: RwSignal<Application>, etag: Option<String>) -> impl IntoView {
    let template = app.with_untracked(|a| a.template);
    let etag = RwSignal::new(etag);
    let redirects = RwSignal::new(app.with_untracked(|a| a.redirect_urls.join("\n")));
    let cors = RwSignal::new(app.with_untracked(|a| a.cors_urls.join("\n")));
    let redirect_checks =
        Memo::new(move |_| check_redirect_list(&lines(&redirects.get()), template));
    let cors_checks = Memo::new(move |_| check_cors_list(&lines(&cors.get())));
    let errors = Memo::new(move |_| {
        redirect_checks.with(|c| c.iter().any(Check::is_error))
            || cors_checks.with(|c| c.iter().any(Check::is_error))
    });
    let save = ui::write(move |patch: &ApplicationPatch| {
        let patch = patch.clone();
        let id = app.with_untracked(|a| a.id.clone());
        let tag = etag.get_untracked();
        async move {
            let tag = match tag {
                Some(t) => t,
                None => api::application(&id).await?.1.unwrap_or_default(),
            };
            match api::patch_application(&id, &tag, &patch).await {
                Ok(r) => {
                    app.set(r.0);
                    etag.set(r.1);
                    Ok::<_, ApiError>(())
                }
                Err(e) => {
                    // A stale edit: load their version (and its ETag) but keep what the user typed.
                    if e.status() == Some(412) {
                        if let Ok((fresh, tag)) = api::application(&id).await {
                            app.set(fresh);
                            etag.set(tag);
                        }
                    }
                    Err(e)
                }
            }
        }
    });
    let conflict = Memo::new(move |_| {
        save.value()
            .with(|v| matches!(v, Some(Err(e)) if e.status() == Some(412)))
    });
    let save_msg = move || {
        match save.value().get() {
        Some(Ok(())) => "Saved.".to_string(),
        Some(Err(e)) if e.status() == Some(412) => "Someone else changed this app meanwhile, so nothing was saved. What you typed is kept; their version is shown below. Press Save URLs again to replace it with yours.".into(),
        Some(Err(e)) => e.message(),
        None => String::new(),
    }
    };
    let flat = |checks: Memo<Vec<Check>>| {
        Signal::derive(move || {
            checks.with(|c| {
                c.iter()
                    .enumerate()
                    .flat_map(|(i, ch)| {
                        ch.findings.iter().map(move |f| {
                            let mut f = f.clone();
                            f.message = format!("Line {}: {}", i + 1, f.message);
                            f
                        })
                    })
                    .collect()
            })
        })
    };
    view! {
        <section id="urls" aria-labelledby="urls-title">
            <h3 id="urls-title" tabindex="-1">"Redirect and CORS URLs"</h3>
            <p class="hint">"One entry per line. Adding URLs may make tenant administrators consent to the app again."</p>
            <label for="app-redirects">"Allowed redirect URLs"</label>
            <textarea id="app-redirects" rows="4" aria-describedby="app-redirects-findings" prop:value=redirects on:input=move |ev| redirects.set(event_target_value(&ev))></textarea>
            <Findings id="app-redirects-findings".into() findings=flat(redirect_checks) show=Signal::derive(|| true) />
            <label for="app-cors">"CORS origins"</label>
            <textarea id="app-cors" rows="3" aria-describedby="app-cors-findings" prop:value=cors on:input=move |ev| cors.set(event_target_value(&ev))></textarea>
            <Findings id="app-cors-findings".into() findings=flat(cors_checks) show=Signal::derive(|| true) />
            <button
                type="button"
                class="primary"
                id="save-urls"
                disabled=move || errors.get() || save.pending().get()
                on:click=move |_| {
                    save.dispatch(ApplicationPatch {
                        redirect_urls: Some(lines(&redirects.get_untracked())),
                        cors_urls: Some(lines(&cors.get_untracked())),
                        ..Default::default()
                    });
                }
            >
                "Save URLs"
            </button>
            <p role="status" id="save-status">{save_msg}</p>
            {move || conflict.get().then(|| app.with(|a| {
                let (r, c) = (a.redirect_urls.join("\n"), a.cors_urls.join("\n"));
                view! {
                    <div class="theirs" id="conflict-theirs">
                        <p>"Their version, saved now:"</p>
                        <p class="muted">"Allowed redirect URLs"</p>
                        <pre>{if r.is_empty() { "(none)".to_string() } else { r }}</pre>
                        <p class="muted">"CORS origins"</p>
                        <pre>{if c.is_empty() { "(none)".to_string() } else { c }}</pre>
                    </div>
                }
            }))}
        </section>
    }
}

/// "Test a redirect URL": which registered entry a `redirect_uri` matches, and why.
#[component]
pub fn RedirectTester(app: RwSignal<Application>) -> impl IntoView {
    let probe = RwSignal::new(String::new());
    let outcome = Memo::new(move |_| {
        let p = probe.get();
        (!p.trim().is_empty()).then(|| app.with(|a| match_redirect(&a.redirect_urls, p.trim())))
    });
    view! {
        <section id="tester" aria-labelledby="tester-title">
            <h3 id="tester-title">"Test a redirect URL"</h3>
            <label for="probe">"redirect_uri your app sends"</label>
            <input id="probe" type="text" aria-describedby="probe-result" prop:value=probe on:input=move |ev| probe.set(event_target_value(&ev)) />
            <p id="probe-result" role="status" class=move || outcome.with(|o| match o { Some(o) if o.matched.is_some() => "ok", Some(_) => "error", None => "" })>
                {move || outcome.get().map(|o| o.explanation)}
            </p>
        </section>
    }
}
