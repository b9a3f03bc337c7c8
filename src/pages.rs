//! Sign-in, the partner page, the success page and the app page.

use crate::api::{self, ApiError, Route};
use crate::draft::{Draft, Step};
use crate::ui::{self, download, CopyButton, Findings};
use crate::{use_ctx, Ctx};
use appreg_core::api::{
    Application, ApplicationPatch, ClientIds, EnvState, NewCertificateRequest, NewPublishRequest,
    NewSecretRequest, SignIn, MAX_SECRET_DAYS,
};
use appreg_core::{
    check_cors_list, check_redirect_list, check_reject_reason, match_redirect, AppType, Check,
    Environment,
};
use leptos::html;
use leptos::prelude::*;

fn focus_on_mount(node: NodeRef<html::H2>) {
    Effect::new(move |_| {
        if let Some(h) = node.get() {
            let _ = h.focus();
        }
    });
}

#[component]
pub fn SignIn() -> impl IntoView {
    let session = expect_context::<RwSignal<u32>>();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let submit = ui::write(move |body: &SignIn| {
        let body = body.clone();
        async move {
            let r = api::sign_in(&body).await;
            if r.is_ok() {
                session.update(|n| *n += 1);
            }
            r
        }
    });
    let error = move || match submit.value().get() {
        Some(Err(e)) if e.status() == Some(401) => {
            Some("The email or password is wrong. Check both and try again.".to_string())
        }
        Some(Err(e)) if e.status() == Some(429) => {
            Some("Too many attempts. Wait a minute before you try again.".to_string())
        }
        Some(Err(e)) => Some(e.message()),
        _ => None,
    };
    let heading = NodeRef::<html::H2>::new();
    focus_on_mount(heading);
    view! {
        <form
            class="sign-in"
            on:submit=move |ev| {
                ev.prevent_default();
                submit.dispatch(SignIn { email: email.get_untracked(), password: password.get_untracked() });
            }
        >
            <h2 tabindex="-1" node_ref=heading>"Sign in to the Developer Portal"</h2>
            <label for="sign-in-email">"Email"</label>
            <input
                id="sign-in-email"
                type="email"
                autocomplete="username"
                required
                prop:value=email
                on:input=move |ev| email.set(event_target_value(&ev))
            />
            <label for="sign-in-password">"Password"</label>
            <input
                id="sign-in-password"
                type="password"
                autocomplete="current-password"
                required
                prop:value=password
                on:input=move |ev| password.set(event_target_value(&ev))
            />
            <p class="error" role="alert" id="sign-in-error">{error}</p>
            <button type="submit" class="primary" id="sign-in" disabled=move || submit.pending().get()>
                {move || if submit.pending().get() { "Signing in…" } else { "Sign in" }}
            </button>
        </form>
    }
}

fn env_states(app: &Application) -> String {
    let e = &app.environments;
    format!(
        "SOD: {} · Stage: {} · Production: {}",
        e.sod.id(),
        e.stage.id(),
        e.production.id()
    )
}

/// The partner's apps (tiles up to 8, a filterable, sortable list above that) and "Create App".
#[component]
pub fn PartnerPage() -> impl IntoView {
    let ctx = use_ctx();
    let partner = ctx.partner;
    let apps = ui::read(move || {
        let p = partner.get().map(|p| p.id);
        async move {
            match p {
                Some(p) => api::applications(&p, None).await,
                None => Err(ApiError::Http {
                    status: 404,
                    problem: None,
                }),
            }
        }
    });
    let filter = RwSignal::new(String::new());
    let sort = RwSignal::new("name".to_string());
    let can_create = Memo::new(move |_| partner.get().is_some_and(|p| p.role.can_configure()));
    let heading = NodeRef::<html::H2>::new();
    focus_on_mount(heading);
    let start = move |_| {
        let (Some(p), Some(me)) = (partner.get_untracked(), ctx.user.get_untracked()) else {
            return;
        };
        if ctx.draft.with_untracked(|d| d.partner != p.id) {
            ctx.draft.set(Draft::new(&p.id, &me.user.email));
        }
        ctx.navigate(Route::Wizard(Step::Template));
    };
    let list = move || {
        let Some(page) = apps.get() else {
            return view! { <p class="loading" role="status">"Loading apps…"</p> }.into_any();
        };
        match page {
            Err(e) => view! { <p class="alert error" role="alert">{e.message()}</p> }.into_any(),
            Ok(page) if page.items.is_empty() => view! {
                <p class="empty">"No apps yet. Create your first app to get a client ID and secret."</p>
            }
            .into_any(),
            Ok(page) if page.items.len() <= 8 && page.next_cursor.is_none() => view! {
                <ul class="tiles" id="app-tiles">
                    {page.items.into_iter().map(|a| view! {
                        <li class="tile">
                            <a href=Route::App(a.id.clone()).href()><strong>{a.name.clone()}</strong></a>
                            <span>{a.template.title()}" · "{a.app_type.title()}</span>
                            <span class="muted">{env_states(&a)}</span>
                        </li>
                    }).collect_view()}
                </ul>
            }
            .into_any(),
            Ok(page) => {
                let items = page.items;
                view! {
                    <div class="list-tools">
                        <label for="app-filter">"Filter"</label>
                        <input id="app-filter" type="search" prop:value=filter on:input=move |ev| filter.set(event_target_value(&ev)) />
                        <label for="app-sort">"Sort by"</label>
                        <select id="app-sort" on:change=move |ev| sort.set(event_target_value(&ev))>
                            <option value="name">"Name"</option>
                            <option value="template">"Template"</option>
                            <option value="created">"Newest"</option>
                        </select>
                    </div>
                    <table class="apps" id="app-list">
                        <thead><tr><th scope="col">"Name"</th><th scope="col">"Template"</th><th scope="col">"Type"</th><th scope="col">"State"</th></tr></thead>
                        <tbody>
                            {move || {
                                let f = filter.get().to_lowercase();
                                let mut rows: Vec<&Application> = items.iter().filter(|a| a.name.to_lowercase().contains(&f)).collect();
                                // One stable sort with the order chosen inside (one copy of the sort in the wasm).
                                let order = sort.get();
                                rows.sort_by(|a, b| match order.as_str() {
                                    "template" => a.template.title().cmp(b.template.title()),
                                    "created" => b.created_at.cmp(&a.created_at),
                                    _ => a.name.to_lowercase().cmp(&b.name.to_lowercase()),
                                });
                                rows.into_iter().map(|a| view! {
                                    <tr>
                                        <td><a href=Route::App(a.id.clone()).href()>{a.name.clone()}</a></td>
                                        <td>{a.template.title()}</td>
                                        <td>{a.app_type.title()}</td>
                                        <td>{env_states(a)}</td>
                                    </tr>
                                }).collect_view()
                            }}
                        </tbody>
                    </table>
                }
                .into_any()
            }
        }
    };
    view! {
        <section class="partner">
            <div class="page-head">
                <h2 tabindex="-1" node_ref=heading>{move || partner.get().map(|p| p.name)}</h2>
                <Show when=move || can_create.get()>
                    <button type="button" class="primary" id="create-app-start" on:click=start>
                        "Create App"
                    </button>
                </Show>
            </div>
            {list}
        </section>
    }
}

/// The app: from the create response (the success page only), or fetched with its ETag.
fn app_resource(
    ctx: Ctx,
    id: String,
    reuse_created: bool,
) -> LocalResource<Result<(Application, Option<String>), ApiError>> {
    ui::read(move || {
        let id = id.clone();
        let known = ctx
            .created
            .get_untracked()
            .filter(|a| reuse_created && a.id == id);
        async move {
            match known {
                Some(a) => Ok((a, None)),
                None => api::application(&id).await,
            }
        }
    })
}

/// The page for an app id that none of the user's partners has (also another partner's app).
fn not_found(heading: NodeRef<html::H2>) -> AnyView {
    view! {
        <h2 tabindex="-1" node_ref=heading>"App not found"</h2>
        <p class="alert error" role="alert">"Not found: none of your partners has an app at this address. Check the link, or switch partner."</p>
    }
    .into_any()
}

/// After "Create Application": the client ID, a new client secret, and what to do next.
#[component]
pub fn Created(id: String) -> impl IntoView {
    let ctx = use_ctx();
    let app = app_resource(ctx, id, true);
    let heading = NodeRef::<html::H2>::new();
    focus_on_mount(heading);
    let title = "Your app is registered";
    view! {
        <section class="created">
            {move || match app.get() {
                None => view! { <h2 tabindex="-1" node_ref=heading>{title}</h2><p class="loading" role="status">"Loading…"</p> }.into_any(),
                Some(Err(e)) if e.status() == Some(404) => not_found(heading),
                Some(Err(e)) => view! { <h2 tabindex="-1" node_ref=heading>{title}</h2><p class="alert error" role="alert">{e.message()}</p> }.into_any(),
                Some(Ok((a, _))) => view! { <h2 tabindex="-1" node_ref=heading>{title}</h2><CreatedBody app=a /> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn CreatedBody(app: Application) -> impl IntoView {
    let id = app.id.clone();
    let client_id = app.client_ids.sod.clone();
    let standard = app.app_type == AppType::Standard;
    let link = |section: &str| Route::app_section(&id, section);
    view! {
        <p>
            <strong id="created-name">{app.name.clone()}</strong>
            " is published to SOD, the development environment. Use this client ID to start coding."
        </p>
        <dl class="keys">
            <dt>"Client ID (SOD)"</dt>
            <dd>
                <code id="client-id">{client_id.clone()}</code>
                " "
                <CopyButton text=Signal::derive(move || client_id.clone()) label="Copy client ID" />
            </dd>
        </dl>
        <SecretMaker app_id=app.id.clone() app_name=app.name.clone() client_ids=app.client_ids.clone() />
        <h3>"Next steps"</h3>
        <p class="hint">"Pick up application keys for all required environments before you request to publish."</p>
        <ul class="next-links">
            <li><a id="link-publish" href=link("publish")>"Request to publish"</a></li>
            <li><a id="link-urls" href=link("urls")>"View or change CORS and redirection URLs"</a></li>
            <li><a id="link-certificate" href=link("certificates")>"Add a certificate"</a></li>
            {standard.then(|| view! {
                <li><a id="link-app-store" href=link("app-store")>"App Store information"</a></li>
            })}
        </ul>
    }
}

/// "New client secret": shown once, with copy, download as JSON and a clear warning.
#[component]
fn SecretMaker(
    app_id: String,
    app_name: String,
    client_ids: ClientIds,
    /// Offer the environment (the app page); the success page makes SOD secrets.
    #[prop(optional)]
    choose_env: bool,
    /// Bumped after a secret was made, so a list can reload.
    #[prop(optional)]
    refresh: Option<RwSignal<u32>>,
) -> impl IntoView {
    let env = RwSignal::new(Environment::Sod);
    let description = RwSignal::new(String::new());
    let days = RwSignal::new(appreg_core::api::default_expiry_days());
    let make = ui::write(move |req: &NewSecretRequest| {
        let req = req.clone();
        let app_id = app_id.clone();
        async move {
            let r = api::new_secret(&app_id, &req).await;
            if let Some(n) = refresh {
                n.update(|n| *n += 1);
            }
            r
        }
    });
    let hidden = RwSignal::new(false);
    let ask = move |_| {
        hidden.set(false);
        make.dispatch(NewSecretRequest {
            environment: env.get_untracked(),
            description: description.get_untracked(),
            expires_in_days: days.get_untracked(),
        });
    };
    view! {
        <section class="secret" aria-labelledby="secret-title">
            <h3 id="secret-title">"Client secret"</h3>
            <div class="row wrap">
                {choose_env.then(|| view! { <EnvSelect id="secret-env" env=env /> })}
                <label for="secret-description">"Description"</label>
                <input id="secret-description" type="text" prop:value=description on:input=move |ev| description.set(event_target_value(&ev)) />
                <label for="secret-expiry">"Expires after"</label>
                <select id="secret-expiry" on:change=move |ev| days.set(event_target_value(&ev).parse().unwrap_or(365))>
                    <option value="90">"3 months"</option>
                    <option value="180">"6 months"</option>
                    <option value="365" selected>"12 months"</option>
                    <option value=MAX_SECRET_DAYS.to_string()>"24 months"</option>
                </select>
            </div>
            <button type="button" class="primary" id="new-secret" disabled=move || make.pending().get() on:click=ask>
                {move || if make.pending().get() { "Generating…" } else { "New client secret" }}
            </button>
            {move || {
                if hidden.get() {
                    return None;
                }
                Some(match make.value().get()? {
                    Err(e) => view! { <p class="alert error" role="alert">{e.message()}</p> }.into_any(),
                    Ok(s) => {
                        let secret = s.secret.clone();
                        let client_id = match s.environment {
                            Environment::Sod => &client_ids.sod,
                            Environment::Stage => &client_ids.stage,
                            Environment::Production => &client_ids.production,
                        };
                        let file = format!(
                            "{{\"application\":{},\"client_id\":{},\"environment\":\"{}\",\"secret_id\":{},\"client_secret\":{},\"expires_at\":{}}}\n",
                            json_str(&app_name), json_str(client_id), s.environment.id(), json_str(&s.id), json_str(&s.secret), json_str(&s.expires_at)
                        );
                        view! {
                            <div class="alert warning" role="alert" id="secret-warning">
                                <strong>"Copy this secret now."</strong>
                                " It is shown only this once and is never stored in clear: if you lose it, create a new one."
                            </div>
                            <label for="client-secret">"New client secret (expires " {s.expires_at.clone()} ")"</label>
                            <div class="row">
                                <input id="client-secret" type="text" readonly prop:value=secret.clone() />
                                <CopyButton text=Signal::derive(move || secret.clone()) label="Copy secret" />
                                <button type="button" id="download-secret" on:click=move |_| download("client-secret.json", "application/json", &file)>
                                    "Download as JSON"
                                </button>
                            </div>
                            <button type="button" class="link" on:click=move |_| hidden.set(true)>"I have stored it; hide the secret"</button>
                        }
                        .into_any()
                    }
                })
            }}
        </section>
    }
}

fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// The app page: overview, redirect and CORS URLs (same editor rules), and the redirect tester.
#[component]
pub fn AppPage(id: String) -> impl IntoView {
    let ctx = use_ctx();
    let app = app_resource(ctx, id, false);
    let heading = NodeRef::<html::H2>::new();
    // The page's heading gets the focus, or the section the address asks for ("Add a certificate", …).
    Effect::new(move |_| {
        let Some(h) = heading.get() else { return };
        let section = api::current_section().map(|s| match s.as_str() {
            "urls" => "urls-title",
            "certificates" => "certificates-title",
            "publish" | "app-store" => "publish-title",
            _ => "secrets-title",
        });
        match section.and_then(|id| document().get_element_by_id(id)) {
            Some(el) => {
                el.scroll_into_view();
                let _ = wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlElement>(el).focus();
            }
            None => {
                let _ = h.focus();
            }
        }
    });
    view! {
        <section class="app-page">
            <p><a href=Route::Home.href()>"← All apps"</a></p>
            {move || match app.get() {
                None => view! { <p class="loading" role="status">"Loading…"</p> }.into_any(),
                Some(Err(e)) if e.status() == Some(404) => not_found(heading),
                Some(Err(e)) => view! { <h2 tabindex="-1" node_ref=heading>"App"</h2><p class="alert error" role="alert">{e.message()}</p> }.into_any(),
                Some(Ok((a, etag))) => view! { <h2 tabindex="-1" node_ref=heading>{a.name.clone()}</h2><AppBody app=a etag=etag /> }.into_any(),
            }}
        </section>
    }
}

fn lines(s: &str) -> Vec<String> {
    s.lines()
        .map(str::to_string)
        .filter(|l| !l.trim().is_empty())
        .collect()
}

#[component]
fn AppBody(app: Application, etag: Option<String>) -> impl IntoView {
    let app = RwSignal::new(app);
    let etag = RwSignal::new(etag);
    let template = app.with_untracked(|a| a.template);
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
    let whole = app.get_untracked();
    let probe = RwSignal::new(String::new());
    let outcome = Memo::new(move |_| {
        let p = probe.get();
        (!p.trim().is_empty()).then(|| app.with(|a| match_redirect(&a.redirect_urls, p.trim())))
    });
    view! {
        <dl class="summary">
            <dt>"Template"</dt><dd>{move || app.with(|a| a.template.title())}</dd>
            <dt>"App type"</dt><dd>{move || app.with(|a| a.app_type.title())}</dd>
            <dt>"Technical contact"</dt><dd>{move || app.with(|a| a.technical_contact.clone())}</dd>
            <dt>"Configuration"</dt>
            <dd>
                <ul class="plain" id="app-capabilities">
                    {move || app.with(|a| {
                        if a.capabilities.is_empty() {
                            view! { <li class="muted">"No API access: the app only provides its integration endpoints."</li> }.into_any()
                        } else {
                            a.capabilities.iter().map(|c| view! { <li>{c.title()}</li> }).collect_view().into_any()
                        }
                    })}
                </ul>
            </dd>
            {template.endpoints().iter().map(|&k| view! {
                <dt>{k.title()}</dt>
                <dd class="endpoint-state">
                    {move || app.with(|a| {
                        let ep = match k {
                            appreg_core::EndpointKind::Mirroring => a.endpoints.mirroring.clone(),
                            appreg_core::EndpointKind::ErpSync => a.endpoints.erp_sync.clone(),
                            appreg_core::EndpointKind::Quote => a.endpoints.quote.clone(),
                        }
                        .unwrap_or_default();
                        match (ep.enabled, ep.url.is_empty()) {
                            (true, _) => format!("On: {}", ep.url),
                            (false, true) => "Off".to_string(),
                            (false, false) => format!("Off ({})", ep.url),
                        }
                    })}
                </dd>
            }).collect_view()}
            {Environment::ALL.into_iter().map(|env| view! {
                <dt>{env.title()}</dt>
                <dd>
                    {move || app.with(|a| {
                        let (cid, st) = match env {
                            Environment::Sod => (&a.client_ids.sod, a.environments.sod),
                            Environment::Stage => (&a.client_ids.stage, a.environments.stage),
                            Environment::Production => (&a.client_ids.production, a.environments.production),
                        };
                        format!("{} · client ID {}", if st == EnvState::None { "not published" } else { st.id() }, cid)
                    })}
                </dd>
            }).collect_view()}
        </dl>
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
        <section id="tester" aria-labelledby="tester-title">
            <h3 id="tester-title">"Test a redirect URL"</h3>
            <label for="probe">"redirect_uri your app sends"</label>
            <input id="probe" type="text" aria-describedby="probe-result" prop:value=probe on:input=move |ev| probe.set(event_target_value(&ev)) />
            <p id="probe-result" role="status" class=move || outcome.with(|o| match o { Some(o) if o.matched.is_some() => "ok", Some(_) => "error", None => "" })>
                {move || outcome.get().map(|o| o.explanation)}
            </p>
        </section>
        <SecretsSection app=whole.clone() />
        <CertificatesSection app_id=whole.id.clone() />
        <PublishSection app_id=whole.id.clone() app=app />
    }
}

/// An environment chooser.
#[component]
fn EnvSelect(id: &'static str, env: RwSignal<Environment>) -> impl IntoView {
    view! {
        <label for=id>"Environment"</label>
        <select
            id=id
            on:change=move |ev| {
                let v = event_target_value(&ev);
                if let Some(e) = Environment::ALL.into_iter().find(|e| e.id() == v) {
                    env.set(e);
                }
            }
        >
            {Environment::ALL
                .into_iter()
                .map(|e| view! { <option value=e.id() selected=move || env.get() == e>{e.title()}</option> })
                .collect_view()}
        </select>
    }
}

/// Client secrets: the live ones (never the secret itself), revoke, and a new one.
#[component]
fn SecretsSection(app: Application) -> impl IntoView {
    let refresh = RwSignal::new(0u32);
    let id = app.id.clone();
    let list = ui::read(move || {
        refresh.track();
        let id = id.clone();
        async move { api::secrets(&id).await }
    });
    let app_id = app.id.clone();
    let revoke = ui::write(move |secret: &String| {
        let (app_id, secret) = (app_id.clone(), secret.clone());
        async move {
            let r = api::revoke_secret(&app_id, &secret).await;
            refresh.update(|n| *n += 1);
            r
        }
    });
    view! {
        <section id="sec-secrets" aria-labelledby="secrets-title">
            <h3 id="secrets-title" tabindex="-1">"Client secrets"</h3>
            <p class="hint">"Up to two live secrets per environment, so you can rotate without downtime."</p>
            <ul class="plain" id="secret-list">
                {move || match list.get() {
                    None => view! { <li class="loading">"Loading…"</li> }.into_any(),
                    Some(Err(e)) => view! { <li class="error">{e.message()}</li> }.into_any(),
                    Some(Ok(items)) if items.is_empty() => view! { <li class="muted">"No secrets yet."</li> }.into_any(),
                    Some(Ok(items)) => items
                        .into_iter()
                        .map(|s| {
                            let sid = s.id.clone();
                            view! {
                                <li class="row wrap">
                                    <span>{s.environment.title()}" · …"{s.last4}" · expires "{s.expires_at}" "{s.description}</span>
                                    <button type="button" on:click=move |_| { revoke.dispatch(sid.clone()); }>"Revoke"</button>
                                </li>
                            }
                        })
                        .collect_view()
                        .into_any(),
                }}
            </ul>
            {move || revoke.value().get().and_then(Result::err).map(|e| view! { <p class="alert error" role="alert">{e.message()}</p> })}
            <SecretMaker app_id=app.id.clone() app_name=app.name.clone() client_ids=app.client_ids.clone() choose_env=true refresh=refresh />
        </section>
    }
}

/// Certificates: one per environment; generate a key pair (the private key shown once) or upload a
/// public key so the private key never leaves your machine.
#[component]
fn CertificatesSection(app_id: String) -> impl IntoView {
    let refresh = RwSignal::new(0u32);
    let id = app_id.clone();
    let list = ui::read(move || {
        refresh.track();
        let id = id.clone();
        async move { api::certificates(&id).await }
    });
    let env = RwSignal::new(Environment::Sod);
    let pem = RwSignal::new(String::new());
    let id = app_id.clone();
    let make = ui::write(move |req: &NewCertificateRequest| {
        let (id, req) = (id.clone(), req.clone());
        async move {
            let r = api::new_certificate(&id, &req).await;
            refresh.update(|n| *n += 1);
            r
        }
    });
    let id = app_id.clone();
    let remove = ui::write(move |cert: &String| {
        let (id, cert) = (id.clone(), cert.clone());
        async move {
            let r = api::delete_certificate(&id, &cert).await;
            refresh.update(|n| *n += 1);
            r
        }
    });
    let submit = move |upload: bool| {
        let key = pem.get_untracked();
        make.dispatch(NewCertificateRequest {
            environment: env.get_untracked(),
            public_key_pem: (upload && !key.trim().is_empty()).then_some(key),
        });
    };
    view! {
        <section id="sec-certificates" aria-labelledby="certificates-title">
            <h3 id="certificates-title" tabindex="-1">"Certificates"</h3>
            <ul class="plain">
                {move || match list.get() {
                    None => view! { <li class="loading">"Loading…"</li> }.into_any(),
                    Some(Err(e)) => view! { <li class="error">{e.message()}</li> }.into_any(),
                    Some(Ok(items)) if items.is_empty() => view! { <li class="muted">"No certificates yet."</li> }.into_any(),
                    Some(Ok(items)) => items
                        .into_iter()
                        .map(|c| {
                            let cid = c.id.clone();
                            view! {
                                <li class="row wrap">
                                    <span>{c.environment.title()}" · added "{c.created_at}</span>
                                    <button type="button" on:click=move |_| { remove.dispatch(cid.clone()); }>"Remove"</button>
                                </li>
                            }
                        })
                        .collect_view()
                        .into_any(),
                }}
            </ul>
            <div class="row wrap"><EnvSelect id="cert-env" env=env /></div>
            <label for="cert-pem">"Your public key (PEM), to keep the private key on your machine"</label>
            <textarea id="cert-pem" rows="3" prop:value=pem on:input=move |ev| pem.set(event_target_value(&ev))></textarea>
            <div class="actions">
                <button type="button" disabled=move || pem.with(|p| p.trim().is_empty()) on:click=move |_| submit(true)>
                    "Upload public key"
                </button>
                <button type="button" id="add-certificate" on:click=move |_| submit(false)>"Generate a key pair"</button>
            </div>
            {move || make.value().get().map(|r| match r {
                Err(e) => view! { <p class="alert error" role="alert">{e.message()}</p> }.into_any(),
                Ok(c) => match (c.private_key_pem, c.private_key_xml) {
                    (Some(pem), xml) => {
                        let xml = xml.unwrap_or_default();
                        view! {
                            <div class="alert warning" role="alert">
                                <strong>"Download the private key now."</strong>
                                " It is shown only this once; only the public key is kept."
                                <div class="actions">
                                    <button type="button" on:click=move |_| download("private-key.pem", "application/x-pem-file", &pem)>"Download PEM"</button>
                                    <button type="button" on:click=move |_| download("private-key.xml", "application/xml", &xml)>"Download RSA XML"</button>
                                </div>
                            </div>
                        }
                        .into_any()
                    }
                    _ => view! { <p role="status">"Public key uploaded."</p> }.into_any(),
                },
            })}
        </section>
    }
}

/// Publish requests: their state and the reviewer's reason, and a new request.
#[component]
fn PublishSection(app_id: String, app: RwSignal<Application>) -> impl IntoView {
    let refresh = RwSignal::new(0u32);
    let id = app_id.clone();
    let list = ui::read(move || {
        refresh.track();
        let id = id.clone();
        async move { api::publish_requests(&id).await }
    });
    let env = RwSignal::new(Environment::Stage);
    let message = RwSignal::new(String::new());
    let id = app_id.clone();
    let ask = ui::write(move |req: &NewPublishRequest| {
        let (id, req) = (id.clone(), req.clone());
        async move {
            let r = api::request_publish(&id, &req).await;
            if let Ok(done) = &r {
                // The overview shows the request's state at once, as the server now has it.
                app.update(|a| match done.environment {
                    Environment::Sod => a.environments.sod = done.state,
                    Environment::Stage => a.environments.stage = done.state,
                    Environment::Production => a.environments.production = done.state,
                });
            }
            refresh.update(|n| *n += 1);
            r
        }
    });
    view! {
        <section id="sec-publish" aria-labelledby="publish-title">
            <h3 id="publish-title" tabindex="-1">"Request to publish"</h3>
            <p class="hint">"Pick up application keys for all required environments before you request to publish. The configuration is locked while a request is pending."</p>
            <ul class="plain">
                {move || match list.get() {
                    None => view! { <li class="loading">"Loading…"</li> }.into_any(),
                    Some(Err(e)) => view! { <li class="error">{e.message()}</li> }.into_any(),
                    Some(Ok(items)) => items
                        .into_iter()
                        .map(|r| view! {
                            <li>
                                {r.environment.title()}": "<strong>{r.state.id()}</strong>" ("{r.created_at}")"
                                {r.reason.map(|why| view! { " — "{why} })}
                            </li>
                        })
                        .collect_view()
                        .into_any(),
                }}
            </ul>
            <div class="row wrap"><EnvSelect id="publish-env" env=env /></div>
            <label for="publish-message">"Message to the reviewer"</label>
            <textarea id="publish-message" rows="2" prop:value=message on:input=move |ev| message.set(event_target_value(&ev))></textarea>
            <button
                type="button"
                class="primary"
                disabled=move || ask.pending().get()
                on:click=move |_| {
                    ask.dispatch(NewPublishRequest { environment: env.get_untracked(), message: message.get_untracked() });
                }
            >
                "Request to publish"
            </button>
            {move || ask.value().get().map(|r| match r {
                Ok(_) => view! { <p role="status">"Requested. An app manager reviews it."</p> }.into_any(),
                Err(e) => view! { <p class="alert error" role="alert">{e.message()}</p> }.into_any(),
            })}
        </section>
    }
}

/// The app manager's queue: pending publish requests with Approve and Reject (with a reason).
#[component]
pub fn PublishQueue() -> impl IntoView {
    let refresh = RwSignal::new(0u32);
    let list = ui::read(move || {
        refresh.track();
        api::publish_queue("pending")
    });
    let decided = RwSignal::new(None::<Result<String, ApiError>>);
    let decide = ui::write(move |(id, reason): &(String, Option<String>)| {
        let (id, reason) = (id.clone(), reason.clone());
        async move {
            let r = match &reason {
                None => api::approve_publish(&id).await,
                Some(why) => api::reject_publish(&id, why).await,
            };
            decided.set(Some(r.map(|p| {
                format!(
                    "{} ({}): {}.",
                    p.application_name,
                    p.environment.title(),
                    p.state.id()
                )
            })));
            refresh.update(|n| *n += 1);
        }
    });
    let heading = NodeRef::<html::H2>::new();
    focus_on_mount(heading);
    view! {
        <section class="reviews" aria-labelledby="reviews-title">
            <h2 id="reviews-title" tabindex="-1" node_ref=heading>"Publish requests"</h2>
            <p class="hint">"Pending requests, oldest first. Approving publishes that version of the app to the environment; rejecting needs a reason the partner will see."</p>
            <p role="status" id="review-status">
                {move || match decided.get() {
                    Some(Ok(s)) => s,
                    Some(Err(e)) => e.message(),
                    None => String::new(),
                }}
            </p>
            {move || match list.get() {
                None => view! { <p class="loading" role="status">"Loading…"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="alert error" role="alert">{e.message()}</p> }.into_any(),
                Some(Ok(items)) if items.is_empty() => view! { <p class="empty">"No pending requests."</p> }.into_any(),
                Some(Ok(items)) => view! {
                    <ul class="plain review-list" id="review-list">
                        {items.into_iter().map(|r| {
                            let reason = RwSignal::new(String::new());
                            let (a, b) = (r.id.clone(), r.id.clone());
                            let reason_id = format!("reason-{}", r.id);
                            let for_id = reason_id.clone();
                            let label = format!("{} to {}", r.application_name, r.environment.title());
                            view! {
                                <li class="review" aria-label=label.clone()>
                                    <p>
                                        <strong>{r.application_name.clone()}</strong>
                                        " → "{r.environment.title()}
                                        <span class="muted">" · requested "{r.created_at.clone()}</span>
                                    </p>
                                    {(!r.message.is_empty()).then(|| view! { <p class="message">{r.message.clone()}</p> })}
                                    <label for=for_id>"Reason for rejecting " {label.clone()}</label>
                                    <input id=reason_id type="text" prop:value=reason on:input=move |ev| reason.set(event_target_value(&ev)) />
                                    <div class="actions">
                                        <button
                                            type="button"
                                            class="primary"
                                            aria-label=format!("Approve {label}")
                                            disabled=move || decide.pending().get()
                                            on:click=move |_| { decide.dispatch((a.clone(), None)); }
                                        >
                                            "Approve"
                                        </button>
                                        <button
                                            type="button"
                                            aria-label=format!("Reject {label}")
                                            disabled=move || decide.pending().get() || reason.with(|r| check_reject_reason(r).is_error())
                                            on:click=move |_| { decide.dispatch((b.clone(), Some(reason.get_untracked()))); }
                                        >
                                            "Reject"
                                        </button>
                                    </div>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }
                .into_any(),
            }}
        </section>
    }
}

/// My sessions: where I am signed in, with "End" for every other device.
#[component]
pub fn Sessions() -> impl IntoView {
    let refresh = RwSignal::new(0u32);
    let list = ui::read(move || {
        refresh.track();
        api::sessions()
    });
    let end = ui::write(move |id: &String| {
        let id = id.clone();
        async move {
            let r = api::end_session(&id).await;
            refresh.update(|n| *n += 1);
            r
        }
    });
    let heading = NodeRef::<html::H2>::new();
    focus_on_mount(heading);
    view! {
        <section class="sessions" aria-labelledby="sessions-title">
            <h2 id="sessions-title" tabindex="-1" node_ref=heading>"Sessions"</h2>
            <p class="hint">"Where you are signed in. End any session you do not recognise."</p>
            <ul class="plain" id="session-list">
                {move || match list.get() {
                    None => view! { <li class="loading">"Loading…"</li> }.into_any(),
                    Some(Err(e)) => view! { <li class="error">{e.message()}</li> }.into_any(),
                    Some(Ok(items)) => items
                        .into_iter()
                        .map(|s| {
                            let id = s.id.clone();
                            let agent = if s.user_agent.is_empty() { "Unknown browser".to_string() } else { s.user_agent };
                            view! {
                                <li class="row wrap">
                                    <span>
                                        <strong>{agent}</strong>
                                        {s.current.then_some(" (this device)")}
                                        <span class="muted">" · "{s.ip}" · signed in "{s.created_at}" · last seen "{s.last_seen_at}</span>
                                    </span>
                                    {(!s.current).then(|| view! {
                                        <button type="button" on:click=move |_| { end.dispatch(id.clone()); }>"End"</button>
                                    })}
                                </li>
                            }
                        })
                        .collect_view()
                        .into_any(),
                }}
            </ul>
            {move || end.value().get().and_then(Result::err).map(|e| view! { <p class="alert error" role="alert">{e.message()}</p> })}
        </section>
    }
}
