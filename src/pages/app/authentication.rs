//! Authentication: redirect, post-logout and CORS URLs in the wizard's list editor (the same core
//! rules, saved with `If-Match`), and the redirect tester.

use super::{conflicted, use_console, SaveStatus};
use crate::list_editor::{ListEditor, ListIds, LocalList};
use appreg_core::api::{Application, ApplicationPatch};
use appreg_core::{
    check_cors_list, check_redirect_list, match_redirect, validate_patch, Check, FieldPath,
    Finding, UrlList, MAX_URLS,
};
use leptos::prelude::*;

/// One of the three lists: its editor ids, its noun, and where it is in an app and a patch.
#[derive(Clone, Copy)]
struct ListSpec {
    list: UrlList,
    title: &'static str,
    noun: &'static str,
    ids: ListIds,
}

const LISTS: [ListSpec; 3] = [
    ListSpec {
        list: UrlList::Redirect,
        title: "Allowed redirect URLs",
        noun: "Redirect URL",
        ids: ListIds {
            entry: "app-redirect",
            count: "app-redirect-count",
            add: "app-redirect-add",
            findings: "app-redirects-findings",
            hint: "app-urls-hint",
        },
    },
    ListSpec {
        list: UrlList::PostLogout,
        title: "Post-logout redirect URLs",
        noun: "Post-logout URL",
        ids: ListIds {
            entry: "app-logout",
            count: "app-logout-count",
            add: "app-logout-add",
            findings: "app-logouts-findings",
            hint: "app-urls-hint",
        },
    },
    ListSpec {
        list: UrlList::Cors,
        title: "CORS origins",
        noun: "CORS origin",
        ids: ListIds {
            entry: "app-cors",
            count: "app-cors-count",
            add: "app-cors-add",
            findings: "app-cors-findings",
            hint: "app-urls-hint",
        },
    },
];

fn urls_of(a: &Application, list: UrlList) -> &Vec<String> {
    match list {
        UrlList::Redirect => &a.redirect_urls,
        UrlList::PostLogout => &a.post_logout_urls,
        UrlList::Cors => &a.cors_urls,
    }
}

#[component]
pub(super) fn Authentication() -> impl IntoView {
    let c = use_console();
    let template = c.app.with_untracked(|a| a.template);
    let body = if !template.allows_redirect_urls() {
        view! {
            <p class="muted" id="no-redirects">
                "A " {template.title()} " app signs no users in, so it has no redirect, post-logout or CORS URLs. Its endpoints are under Integration."
            </p>
        }
        .into_any()
    } else if c.editable.get_untracked() {
        view! { <UrlEditors /> }.into_any()
    } else {
        view! {
            {LISTS.map(|spec| view! {
                <h3>{spec.title}</h3>
                <ul class="plain read-only-list" id=spec.ids.entry>
                    {move || {
                        let urls = c.app.with(|a| urls_of(a, spec.list).clone());
                        if urls.is_empty() {
                            view! { <li class="muted">"None."</li> }.into_any()
                        } else {
                            urls.into_iter().map(|u| view! { <li><code>{u}</code></li> }).collect_view().into_any()
                        }
                    }}
                </ul>
            })}
        }
        .into_any()
    };
    view! {
        <section aria-labelledby="section-title">
            <h2 id="section-title" tabindex="-1">"Authentication"</h2>
            {body}
            {template.allows_redirect_urls().then(|| view! { <RedirectTester /> })}
        </section>
    }
}

#[component]
fn UrlEditors() -> impl IntoView {
    let c = use_console();
    let template = c.app.with_untracked(|a| a.template);
    let lists =
        LISTS.map(|spec| LocalList::new(&c.app.with_untracked(|a| urls_of(a, spec.list).clone())));
    let patch = move || ApplicationPatch {
        redirect_urls: Some(lists[0].values()),
        post_logout_urls: Some(lists[1].values()),
        cors_urls: Some(lists[2].values()),
        ..Default::default()
    };
    // The same core rules as the server: each entry's check, and the list-level findings.
    let checks = move |i: usize| {
        Signal::derive(move || -> Vec<Check> {
            let values = lists[i].values();
            match LISTS[i].list {
                UrlList::Cors => check_cors_list(&values),
                _ => check_redirect_list(&values, template),
            }
        })
    };
    let validated = Memo::new(move |_| validate_patch(&patch(), template).0);
    let list_findings = move |i: usize| {
        Signal::derive(move || {
            validated.with(|v| {
                v.iter()
                    .filter(|e| e.field == FieldPath::List(LISTS[i].list))
                    .map(|e| Finding::new(e.rule, e.severity, e.message.clone()))
                    .collect()
            })
        })
    };
    let errors = Memo::new(move |_| {
        validated.with(|v| v.iter().any(|e| e.severity == appreg_core::Severity::Error))
    });
    let save = c.saver();
    let conflict = conflicted(save);
    // Saved: the editors show what the server stored (its canonical forms).
    Effect::new(move |_| {
        if save.value().with(|v| matches!(v, Some(Ok(())))) {
            for (i, spec) in LISTS.iter().enumerate() {
                lists[i].reset(&c.app.with_untracked(|a| urls_of(a, spec.list).clone()));
            }
        }
    });
    view! {
        <p class="hint" id="app-urls-hint">"One entry per input; entries starting with ^ are patterns. Adding URLs may make tenant administrators consent to the app again."</p>
        {(0..3).map(|i| {
            let spec = LISTS[i];
            view! {
                <fieldset class="url-editor" id=format!("{}-list", spec.ids.entry)>
                    <legend>{spec.title}</legend>
                    <ListEditor
                        ids=spec.ids
                        noun=spec.noun
                        entries=lists[i].entries()
                        edit=lists[i].edits()
                        checks=checks(i)
                        list_findings=list_findings(i)
                        max=MAX_URLS
                    />
                </fieldset>
            }
        }).collect_view()}
        <button
            type="button"
            class="primary"
            id="save-urls"
            disabled=move || errors.get() || save.pending().get()
            on:click=move |_| { save.dispatch(patch()); }
        >
            {move || if save.pending().get() { "Saving…" } else { "Save URLs" }}
        </button>
        <SaveStatus id="save-status" save=save button="Save URLs" />
        {move || conflict.get().then(|| view! {
            <div class="theirs" id="conflict-theirs">
                <p>"Their version, saved now:"</p>
                {LISTS.map(|spec| {
                    let urls = c.app.with(|a| urls_of(a, spec.list).join("\n"));
                    view! {
                        <p class="muted">{spec.title}</p>
                        <pre>{if urls.is_empty() { "(none)".to_string() } else { urls }}</pre>
                    }
                })}
            </div>
        })}
    }
}

/// "Test a redirect URL": which registered entry a `redirect_uri` matches, and why.
#[component]
fn RedirectTester() -> impl IntoView {
    let app = use_console().app;
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
