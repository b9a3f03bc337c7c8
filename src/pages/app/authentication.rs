//! Authentication: redirect, post-logout and CORS URLs in the wizard's list editor (the same core
//! rules, saved with `If-Match`), Stage's and Production's own redirect and CORS URLs (R4), and the
//! redirect tester.

use super::{conflicted, use_console, EnvSelect, SaveBar};
use crate::api::{self, ApiError};
use crate::list_editor::{ListEditor, ListIds, LocalList};
use crate::ui::{self, Shape};
use appreg_core::api::{Application, ApplicationPatch, FieldError};
use appreg_core::versions::{EnvironmentUrls, UrlSet};
use appreg_core::{
    check_cors_list, check_redirect_list, match_redirect, validate_patch, Check, Environment,
    FieldPath, UrlList, MAX_URLS,
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

/// Each entry's check, by the list's rules (the same as the server's).
fn list_checks(list: UrlList, values: &[String], template: appreg_core::Template) -> Vec<Check> {
    match list {
        UrlList::Cors => check_cors_list(values),
        _ => check_redirect_list(values, template),
    }
}

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
                    {move || c.app.with(|a| url_items(urls_of(a, spec.list)))}
                </ul>
            })}
        }
        .into_any()
    };
    view! {
        <section aria-labelledby="section-title">
            <h2 id="section-title" tabindex="-1">"Authentication"</h2>
            {body}
            {template.allows_redirect_urls().then(|| view! { <EnvironmentUrlsSection /> <RedirectTester /> })}
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
        Signal::derive(move || list_checks(LISTS[i].list, &lists[i].values(), template))
    };
    let validated = Memo::new(move |_| validate_patch(&patch(), template).0);
    let list_findings = move |i: usize| {
        Signal::derive(move || {
            validated.with(|v| FieldError::findings_at(v, FieldPath::List(LISTS[i].list)))
        })
    };
    let errors = Memo::new(move |_| validated.with(|v| v.iter().any(FieldError::is_error)));
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
        <SaveBar id="save-urls" status_id="save-status" label="Save URLs" save=save blocked=errors patch=Callback::new(move |_| patch()) />
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

/// Stage or Production, and its own two lists (redirect URLs, CORS origins).
#[derive(Clone, Copy)]
struct EnvSpec {
    env: Environment,
    own: &'static str,
    lists: [ListSpec; 2],
}

const HINT: &str = "environment-urls-hint";

const ENVS: [EnvSpec; 2] = [
    EnvSpec {
        env: Environment::Stage,
        own: "stage-own",
        lists: [
            ListSpec {
                list: UrlList::Redirect,
                title: "Stage redirect URLs",
                noun: "Stage redirect URL",
                ids: ListIds {
                    entry: "stage-redirect",
                    count: "stage-redirect-count",
                    add: "stage-redirect-add",
                    findings: "stage-redirects-findings",
                    hint: HINT,
                },
            },
            ListSpec {
                list: UrlList::Cors,
                title: "Stage CORS origins",
                noun: "Stage CORS origin",
                ids: ListIds {
                    entry: "stage-cors",
                    count: "stage-cors-count",
                    add: "stage-cors-add",
                    findings: "stage-cors-findings",
                    hint: HINT,
                },
            },
        ],
    },
    EnvSpec {
        env: Environment::Production,
        own: "production-own",
        lists: [
            ListSpec {
                list: UrlList::Redirect,
                title: "Production redirect URLs",
                noun: "Production redirect URL",
                ids: ListIds {
                    entry: "production-redirect",
                    count: "production-redirect-count",
                    add: "production-redirect-add",
                    findings: "production-redirects-findings",
                    hint: HINT,
                },
            },
            ListSpec {
                list: UrlList::Cors,
                title: "Production CORS origins",
                noun: "Production CORS origin",
                ids: ListIds {
                    entry: "production-cors",
                    count: "production-cors-count",
                    add: "production-cors-add",
                    findings: "production-cors-findings",
                    hint: HINT,
                },
            },
        ],
    },
];

/// R4: whether Stage and Production use SOD's redirect and CORS URLs or their own, as the current
/// version keeps them.
#[component]
fn EnvironmentUrlsSection() -> impl IntoView {
    let c = use_console();
    let id = c.id();
    let urls = ui::read(move || {
        let id = id.clone();
        async move { api::environment_urls(&id).await }
    });
    let editable = c.editable.get_untracked();
    view! {
        <section id="environment-urls" aria-labelledby="environment-urls-title">
            <h3 id="environment-urls-title">"Stage and Production"</h3>
            <p class="hint" id=HINT>"Each uses SOD's redirect and CORS URLs unless it has its own. They are kept in the current version and published with it; entries starting with ^ are patterns."</p>
            {ui::loaded(urls, Shape::Block, "Loading…", move |u: EnvironmentUrls| {
                if editable {
                    view! { <EnvironmentUrlsEditor initial=u /> }.into_any()
                } else {
                    env_urls_view(&u).into_any()
                }
            })}
        </section>
    }
}

/// A list's entries as the items of a read-only list ("None." when there are none).
fn url_items(urls: &[String]) -> AnyView {
    if urls.is_empty() {
        view! { <li class="muted">"None."</li> }.into_any()
    } else {
        urls.iter()
            .map(|u| view! { <li><code>{u.clone()}</code></li> })
            .collect_view()
            .into_any()
    }
}

/// Stage's and Production's URLs as text: "the same as SOD", or their lists.
fn env_urls_view(u: &EnvironmentUrls) -> impl IntoView {
    ENVS.map(|e| {
        let title = e.env.title();
        match u.get(e.env) {
            None => view! { <p class="env-urls" id=format!("{}-urls", e.own)>{title} " uses SOD's redirect and CORS URLs."</p> }.into_any(),
            Some(set) => {
                view! {
                    <div class="env-urls" id=format!("{}-urls", e.own)>
                        <p>{title} "'s own redirect URLs:"</p>
                        <ul class="plain read-only-list">{url_items(&set.redirect_urls)}</ul>
                        <p>{title} "'s own CORS origins:"</p>
                        <ul class="plain read-only-list">{url_items(&set.cors_urls)}</ul>
                    </div>
                }
                .into_any()
            }
        }
    })
}

#[component]
fn EnvironmentUrlsEditor(initial: EnvironmentUrls) -> impl IntoView {
    let c = use_console();
    let template = c.app.with_untracked(|a| a.template);
    // Unchecked, an environment uses SOD's lists; checked, it starts from the lists in effect there
    // (R4: its own, else SOD's).
    let own = ENVS.map(|e| RwSignal::new(initial.get(e.env).is_some()));
    let lists = ENVS.map(|e| {
        let set = c
            .app
            .with_untracked(|a| initial.in_effect(e.env, &a.redirect_urls, &a.cors_urls));
        [
            LocalList::new(&set.redirect_urls),
            LocalList::new(&set.cors_urls),
        ]
    });
    let set = move |i: usize| {
        own[i].get().then(|| UrlSet {
            redirect_urls: lists[i][0].values(),
            cors_urls: lists[i][1].values(),
        })
    };
    let patch = move || ApplicationPatch {
        environment_urls: Some(EnvironmentUrls {
            stage: set(0),
            production: set(1),
        }),
        ..Default::default()
    };
    // The core's R4 check, as the server runs it: each list's findings, and whether any is an error.
    let validated = Memo::new(move |_| validate_patch(&patch(), template));
    let list_findings = move |i: usize, list: UrlList| {
        Signal::derive(move || {
            validated
                .with(|(v, _)| FieldError::findings_at(v, FieldPath::EnvList(ENVS[i].env, list)))
        })
    };
    let errors = Memo::new(move |_| validated.with(|(v, _)| v.iter().any(FieldError::is_error)));
    let save = c.saver();
    let conflict = conflicted(save);
    // Saved: the editors show the canonical forms the server stored (the core computes the same).
    Effect::new(move |_| {
        if save.value().with(|v| matches!(v, Some(Ok(())))) {
            let canon = validated.with_untracked(|(_, c)| c.environment_urls.clone());
            for (i, e) in ENVS.iter().enumerate() {
                if let Some(s) = canon.as_ref().and_then(|u| u.get(e.env)) {
                    lists[i][0].reset(&s.redirect_urls);
                    lists[i][1].reset(&s.cors_urls);
                }
            }
        }
    });
    // A conflict: what is stored now, below the editors.
    let id = c.id();
    let theirs = ui::read(move || {
        let fetch = conflict.get();
        let id = id.clone();
        async move {
            if fetch {
                api::environment_urls(&id).await.map(Some)
            } else {
                Ok(None)
            }
        }
    });
    view! {
        {(0..2).map(|i| {
            let e = ENVS[i];
            let title = e.env.title();
            view! {
                <fieldset class="url-editor" id=format!("{}-editor", e.own)>
                    <legend>{title}</legend>
                    <div class="check">
                        <input
                            type="checkbox"
                            id=e.own
                            prop:checked=own[i]
                            on:change=move |ev| own[i].set(event_target_checked(&ev))
                        />
                        <label for=e.own>{title} " has its own redirect and CORS URLs"</label>
                    </div>
                    {move || if own[i].get() {
                        view! {
                            {(0..2).map(|j| {
                                let spec = e.lists[j];
                                view! {
                                    <fieldset class="url-editor">
                                        <legend>{spec.title}</legend>
                                        <ListEditor
                                            ids=spec.ids
                                            noun=spec.noun
                                            entries=lists[i][j].entries()
                                            edit=lists[i][j].edits()
                                            checks=Signal::derive(move || list_checks(spec.list, &lists[i][j].values(), template))
                                            list_findings=list_findings(i, spec.list)
                                            max=MAX_URLS
                                        />
                                    </fieldset>
                                }
                            }).collect_view()}
                        }
                        .into_any()
                    } else {
                        view! { <p class="muted">{title} " uses SOD's redirect and CORS URLs."</p> }.into_any()
                    }}
                </fieldset>
            }
        }).collect_view()}
        <SaveBar id="save-env-urls" status_id="save-env-status" label="Save Stage and Production URLs" save=save blocked=errors patch=Callback::new(move |_| patch()) />
        {move || theirs.get().and_then(Result::ok).flatten().map(|u| view! {
            <div class="theirs" id="env-conflict-theirs">
                <p>"Their version, saved now:"</p>
                {env_urls_view(&u)}
            </div>
        })}
    }
}

/// "Test a redirect URL": which registered entry a `redirect_uri` matches in one environment's list,
/// and why. SOD's list is the app's; Stage's and Production's are their own in the current version
/// (read when one is chosen, and again after every save), else SOD's.
#[component]
fn RedirectTester() -> impl IntoView {
    let c = use_console();
    let (app, etag, id) = (c.app, c.etag, c.id());
    let probe = RwSignal::new(String::new());
    let env = RwSignal::new(Environment::Sod);
    let own = ui::read(move || {
        let (env, id) = (env.get(), id.clone());
        etag.track();
        async move {
            let urls = match env {
                Environment::Sod => EnvironmentUrls::default(),
                _ => api::environment_urls(&id).await?,
            };
            Ok::<_, ApiError>((env, urls))
        }
    });
    // The list tested against (the core's R4: the environment's own, else SOD's) and what it is;
    // `None` while Stage's or Production's is read.
    let against = Memo::new(move |_| {
        let e = env.get();
        let urls = match e {
            // SOD's are the app's, on screen already.
            Environment::Sod => EnvironmentUrls::default(),
            _ => match own.get()? {
                Ok((at, urls)) if at == e => urls,
                Ok(_) => return None,
                Err(err) => return Some(Err(err.message())),
            },
        };
        let title = e.title();
        let what = match (e, urls.get(e).is_some()) {
            (Environment::Sod, _) => "Tested against SOD's redirect URLs.".to_string(),
            (_, true) => {
                format!("Tested against {title}'s own redirect URLs in the current version.")
            }
            (_, false) => format!("{title} uses SOD's redirect URLs: tested against those."),
        };
        Some(Ok((
            what,
            app.with(|a| {
                urls.in_effect(e, &a.redirect_urls, &a.cors_urls)
                    .redirect_urls
            }),
        )))
    });
    let outcome = Memo::new(move |_| {
        let p = probe.get();
        let p = p.trim();
        against.with(|a| match a {
            Some(Ok((_, list))) if !p.is_empty() => Some(match_redirect(list, p)),
            _ => None,
        })
    });
    view! {
        <section id="tester" aria-labelledby="tester-title">
            <h3 id="tester-title">"Test a redirect URL"</h3>
            <div class="row wrap"><EnvSelect id="probe-env" env=env /></div>
            <label for="probe">"redirect_uri your app sends"</label>
            <input id="probe" type="text" aria-describedby="probe-list probe-result" prop:value=probe on:input=move |ev| probe.set(event_target_value(&ev)) />
            <p id="probe-list" class="hint">
                {move || against.with(|a| match a {
                    None => format!("Reading {}'s redirect URLs…", env.get().title()),
                    Some(Ok((what, _))) => what.clone(),
                    Some(Err(m)) => m.clone(),
                })}
            </p>
            <p id="probe-result" role="status" class=move || outcome.with(|o| match o { Some(o) if o.matched.is_some() => "ok", Some(_) => "error", None => "" })>
                {move || outcome.get().map(|o| o.explanation)}
            </p>
        </section>
    }
}
