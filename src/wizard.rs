//! The wizard: one route per step, a stepper, Back/Next, and the create (or queue) at the end.

use crate::api::{self, Route};
use crate::draft::{first_open_step, step_ok, steps_for, Draft, Step};
use crate::ui::{self, debounced, has_error, ConfigTable, Findings, LicenseNotes};
use crate::{store, use_ctx, CreateStatus, Ctx};
use appreg_core::{
    check_contact_email, check_endpoint_url, check_name, check_redirect_list, license_notes,
    name_taken_finding, AppType, Check, Finding, RedirectStep, Rule, Template, Validated, MAX_URLS,
};
use leptos::html;
use leptos::prelude::*;

/// What every step reads: the core's verdict on the draft and the server's NAME-TAKEN answer.
#[derive(Clone, Copy)]
struct W {
    ctx: Ctx,
    draft: RwSignal<Draft>,
    template: Memo<Option<Template>>,
    validated: Memo<Option<Validated>>,
    name_check: Memo<Check>,
    /// The server says the current name is taken (with its finding).
    taken: Memo<Option<Finding>>,
    /// The availability check: `None` idle, `Some(None)` checking, `Some(Some(ok))` answered
    /// (`ok == false`: it could not be checked, e.g. offline).
    availability: Memo<Option<Option<bool>>>,
    /// The step shown: the one asked for, or the first one still open before it.
    step: Memo<Step>,
}

impl W {
    fn ok(&self, step: Step) -> bool {
        let taken = self.taken.with(Option::is_some);
        self.validated
            .with(|v| step_ok(step, self.template.get(), v.as_ref(), taken))
    }

    /// The first error of a step, for the line next to a disabled Next.
    fn first_error(&self, step: Step) -> Option<String> {
        if step == Step::Template && self.template.get().is_none() {
            return Some("Choose a template to continue.".into());
        }
        if step == Step::Name {
            if let Some(f) = self.taken.get() {
                return Some(f.message);
            }
        }
        self.validated.with(|v| {
            v.as_ref()?
                .errors()
                .find(|e| Step::of_field(&e.field) == step)
                .map(|e| e.message.clone())
        })
    }

    fn neighbour(&self, step: Step, delta: isize) -> Option<Step> {
        let steps = steps_for(self.template.get_untracked());
        let i = steps.iter().position(|s| *s == step)? as isize + delta;
        steps.get(usize::try_from(i).ok()?).copied()
    }
}

#[component]
pub fn Wizard() -> impl IntoView {
    let ctx = use_ctx();
    let draft = ctx.draft;
    let template = Memo::new(move |_| draft.with(|d| d.template));
    let validated = Memo::new(move |_| draft.with(Draft::validate));
    let name_check = Memo::new(move |_| draft.with(|d| check_name(&d.name)));
    let partner = Memo::new(move |_| draft.with(|d| d.partner.clone()));

    // NAME-TAKEN: asked of the server once the name has been still for 300 ms.
    let settled = debounced(move || name_check.with(|c| c.canonical.clone()), 300);
    let answer = ui::read(move || {
        let name = settled.get();
        let partner = partner.get();
        async move {
            let name = name.filter(|n| !n.is_empty())?;
            let res = api::name_available(&partner, &name).await;
            Some((name, res.ok()))
        }
    });
    let current = move || {
        name_check
            .with(|c| c.canonical.clone())
            .filter(|n| !n.is_empty())
    };
    let taken = Memo::new(move |_| {
        let name = current()?;
        let (asked, res) = answer.get().flatten()?;
        let a = res.filter(|_| asked == name)?;
        (!a.available).then(|| {
            a.check
                .findings
                .into_iter()
                .find(|f| f.rule == Rule::NameTaken)
                .unwrap_or_else(|| name_taken_finding(&name))
        })
    });
    let availability = Memo::new(move |_| {
        let name = current()?;
        match answer.get().flatten() {
            Some((asked, res)) if asked == name => Some(Some(res.is_some())),
            _ => Some(None),
        }
    });

    let requested = Memo::new(move |_| match ctx.route.get() {
        Route::Wizard(s) => s,
        _ => Step::Template,
    });
    let step = Memo::new(move |_| {
        let open = validated
            .with(|v| first_open_step(template.get(), v.as_ref(), taken.with(Option::is_some)));
        let asked = requested.get();
        let in_flow = steps_for(template.get()).contains(&asked);
        if asked <= open && in_flow {
            asked
        } else {
            open
        }
    });
    Effect::new(move |_| {
        let s = step.get();
        if requested.get() != s {
            ctx.replace(Route::Wizard(s));
        }
    });

    let w = W {
        ctx,
        draft,
        template,
        validated,
        name_check,
        taken,
        availability,
        step,
    };
    view! {
        <div class="wizard">
            <h1>"Register an app"</h1>
            <Stepper w=w />
            {move || match step.get() {
                Step::Template => view! { <TemplateStep w=w /> }.into_any(),
                Step::Name => view! { <NameStep w=w /> }.into_any(),
                Step::Urls => view! { <UrlsStep w=w /> }.into_any(),
                Step::Contact => view! { <ContactStep w=w /> }.into_any(),
                Step::Review => view! { <ReviewStep w=w /> }.into_any(),
            }}
        </div>
    }
}

#[component]
fn Stepper(w: W) -> impl IntoView {
    view! {
        <nav aria-label="Steps">
            <ol class="stepper">
                {move || {
                    let t = w.template.get();
                    let current = w.step.get();
                    let open = w
                        .validated
                        .with(|v| first_open_step(t, v.as_ref(), w.taken.with(Option::is_some)));
                    steps_for(t)
                        .into_iter()
                        .enumerate()
                        .map(|(i, s)| {
                            let label = format!("{}. {}", i + 1, s.title(t));
                            let state = if s == current {
                                "current"
                            } else if s < current {
                                "done"
                            } else {
                                "todo"
                            };
                            let body = if s <= open && s != current {
                                view! { <a href=Route::Wizard(s).href()>{label}</a> }.into_any()
                            } else {
                                view! { <span>{label}</span> }.into_any()
                            };
                            view! {
                                <li
                                    class=state
                                    aria-current=(s == current).then_some("step")
                                >
                                    {body}
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ol>
        </nav>
    }
}

/// A step: its heading (focused when the step opens), its fields, and Back / Next / Cancel.
#[component]
fn StepFrame(w: W, step: Step, title: &'static str, children: Children) -> impl IntoView {
    let heading = NodeRef::<html::H2>::new();
    Effect::new(move |_| {
        if let Some(h) = heading.get() {
            let _ = h.focus();
        }
    });
    let ctx = w.ctx;
    let next = w.neighbour(step, 1);
    let back = w.neighbour(step, -1);
    let ok = Memo::new(move |_| w.ok(step));
    let reason = Memo::new(move |_| (!ok.get()).then(|| w.first_error(step)).flatten());
    view! {
        <section class="step" aria-labelledby="step-title">
            <h2 id="step-title" tabindex="-1" node_ref=heading>
                {title}
            </h2>
            {children()}
            <footer class="step-nav">
                {back.map(|b| view! {
                    <button type="button" id="back" on:click=move |_| ctx.navigate(Route::Wizard(b))>
                        "Back"
                    </button>
                })}
                {next.map(|n| view! {
                    <button
                        type="button"
                        class="primary"
                        id="next"
                        aria-describedby="next-reason"
                        disabled=move || !ok.get()
                        on:click=move |_| if ok.get_untracked() { ctx.navigate(Route::Wizard(n)) }
                    >
                        "Next"
                    </button>
                })}
                <button type="button" class="link" id="cancel" on:click=move |_| ctx.cancel()>
                    "Cancel"
                </button>
                <p id="next-reason" class="reason" aria-live="polite">{reason}</p>
            </footer>
        </section>
    }
}

#[component]
fn TemplateStep(w: W) -> impl IntoView {
    let company = Memo::new(move |_| w.ctx.partner.get().map(|p| p.name).unwrap_or_default());
    let draft = w.draft;
    let app_type = Memo::new(move |_| draft.with(|d| d.app_type));
    let fixed = Memo::new(move |_| w.template.get().and_then(Template::fixed_app_type));
    let notes = Signal::derive(move || {
        w.template
            .get()
            .map(|t| license_notes(t, app_type.get()))
            .unwrap_or_default()
    });
    view! {
        <StepFrame w=w step=Step::Template title="Choose a template and app type">
            <fieldset class="cards">
                <legend>"Template"</legend>
                {Template::ALL
                    .into_iter()
                    .map(|t| {
                        let id = format!("template-{}", t.id());
                        let for_id = id.clone();
                        view! {
                            <label class="card" class:selected=move || w.template.get() == Some(t) for=for_id>
                                <input
                                    type="radio"
                                    name="template"
                                    id=id
                                    value=t.id()
                                    prop:checked=move || w.template.get() == Some(t)
                                    on:change=move |_| {
                                        let c = company.get_untracked();
                                        draft.update(|d| d.choose_template(t, &c));
                                    }
                                />
                                <span class="card-title">{t.title()}</span>
                                <span class="card-desc">{t.description()}</span>
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <fieldset class="app-type" aria-describedby="app-type-note">
                <legend>"App type"</legend>
                {[AppType::Custom, AppType::Standard]
                    .into_iter()
                    .map(|a| {
                        let id = format!("app-type-{}", a.id());
                        let for_id = id.clone();
                        view! {
                            <label for=for_id>
                                <input
                                    type="radio"
                                    name="app-type"
                                    id=id
                                    value=a.id()
                                    prop:checked=move || app_type.get() == a
                                    disabled=move || fixed.get().is_some_and(|f| f != a)
                                    on:change=move |_| draft.update(|d| d.app_type = a)
                                />
                                {a.title()}
                            </label>
                        }
                    })
                    .collect_view()}
                <p id="app-type-note" class="hint">
                    {move || match (w.template.get(), fixed.get()) {
                        (Some(t), Some(f)) => format!("A {} app is always {}.", t.title(), f.title()),
                        _ => "Custom apps are made for one customer; standard apps are listed in the App Store.".to_string(),
                    }}
                </p>
            </fieldset>
            <LicenseNotes notes=notes />
            {move || w.template.get().map(|t| view! { <ConfigTable template=t /> })}
        </StepFrame>
    }
}

#[component]
fn NameStep(w: W) -> impl IntoView {
    let draft = w.draft;
    let touched = RwSignal::new(false);
    let value = Memo::new(move |_| draft.with(|d| d.name.clone()));
    let findings = Signal::derive(move || {
        let mut f = w.name_check.with(|c| c.findings.clone());
        f.extend(w.taken.get());
        f
    });
    let invalid = Memo::new(move |_| findings.with(|f| has_error(f)));
    let show = Signal::derive(move || touched.get() || !value.with(String::is_empty));
    view! {
        <StepFrame w=w step=Step::Name title="Name your application">
            <label for="app-name">"Application name"</label>
            <input
                id="app-name"
                type="text"
                autocomplete="off"
                aria-describedby="app-name-hint app-name-findings app-name-availability"
                aria-invalid=move || (show.get() && invalid.get()).to_string()
                prop:value=value
                on:input=move |ev| draft.update(|d| d.name = event_target_value(&ev))
                on:blur=move |_| touched.set(true)
            />
            <p id="app-name-hint" class="hint">"Give the app a descriptive name."</p>
            <Findings id="app-name-findings".into() findings=findings show=show />
            <p id="app-name-availability" class="availability" role="status">
                {move || match w.availability.get() {
                    _ if w.name_check.with(Check::is_error) => "",
                    Some(None) => "Checking whether the name is free…",
                    Some(Some(true)) if w.taken.with(Option::is_none) => "The name is free.",
                    Some(Some(false)) => "The name could not be checked now; it is checked again when the app is created.",
                    _ => "",
                }}
            </p>
        </StepFrame>
    }
}

#[component]
fn UrlsStep(w: W) -> impl IntoView {
    let endpoints = Memo::new(move |_| {
        w.template.get().map(Template::redirect_step) == Some(RedirectStep::Endpoints)
    });
    move || {
        if endpoints.get() {
            view! {
                <StepFrame w=w step=Step::Urls title="Integration points">
                    <EndpointsEditor w=w />
                </StepFrame>
            }
            .into_any()
        } else {
            view! {
                <StepFrame w=w step=Step::Urls title="Redirect URLs">
                    <UrlList w=w />
                </StepFrame>
            }
            .into_any()
        }
    }
}

#[component]
fn UrlList(w: W) -> impl IntoView {
    let draft = w.draft;
    let checks = Memo::new(move |_| {
        let t = w.template.get().unwrap_or(Template::Web);
        draft.with(|d| check_redirect_list(&d.url_values(), t))
    });
    let count = Memo::new(move |_| draft.with(|d| d.urls.len()));
    let list_findings = Signal::derive(move || {
        w.validated.with(|v| {
            v.iter()
                .flat_map(|v| v.findings.iter())
                .filter(|e| e.field == "redirect_urls")
                .filter_map(|e| {
                    Some(Finding::new(
                        Rule::from_id(&e.rule)?,
                        e.severity,
                        e.message.clone(),
                    ))
                })
                .collect()
        })
    });
    let hint = move || {
        match w.template.get() {
        Some(Template::Native) => "Loopback http://127.0.0.1 or http://[::1] (any port), https:// URLs, or a private-use scheme such as com.example.app:/callback. The pattern below is the default.",
        Some(Template::ServerToServer) => "Optional: a server-to-server app needs none unless it also signs users in.",
        _ => "The https:// addresses your app receives the sign-in response on. http:// only on 127.0.0.1, [::1] or localhost, for development.",
    }
    };
    view! {
        <p class="hint" id="urls-hint">{hint}" Entries starting with ^ are patterns."</p>
        <p class="counter" id="url-count" aria-live="polite">
            {move || format!("{} / {MAX_URLS}", count.get())}
        </p>
        <ol class="url-list">
            <For
                each=move || draft.with(|d| d.urls.iter().map(|u| u.id).collect::<Vec<_>>())
                key=|id| *id
                children=move |id| view! { <UrlRow w=w id=id checks=checks /> }
            />
        </ol>
        <Findings id="redirect-urls-findings".into() findings=list_findings show=Signal::derive(|| true) />
        <button
            type="button"
            id="add-url"
            disabled=move || { count.get() >= MAX_URLS }
            on:click=move |_| draft.update(|d| d.push_url(String::new()))
        >
            "Add More"
        </button>
    }
}

#[component]
fn UrlRow(w: W, id: u32, checks: Memo<Vec<Check>>) -> impl IntoView {
    let draft = w.draft;
    let index = Memo::new(move |_| draft.with(|d| d.urls.iter().position(|u| u.id == id)));
    let value = Memo::new(move |_| {
        draft.with(|d| {
            d.urls
                .iter()
                .find(|u| u.id == id)
                .map(|u| u.url.clone())
                .unwrap_or_default()
        })
    });
    let check = Memo::new(move |_| index.get().and_then(|i| checks.with(|c| c.get(i).cloned())));
    let touched = RwSignal::new(false);
    let show = Signal::derive(move || touched.get() || !value.with(String::is_empty));
    // RU-CANONICAL is shown as the "Stored as" line below the findings.
    let findings = Signal::derive(move || {
        check
            .get()
            .map(|c| c.findings)
            .unwrap_or_default()
            .into_iter()
            .filter(|f| f.rule != Rule::RuCanonical)
            .collect()
    });
    let invalid = Memo::new(move |_| check.with(|c| c.as_ref().is_some_and(Check::is_error)));
    let input_id = format!("redirect-url-{id}");
    let for_id = input_id.clone();
    let findings_id = format!("redirect-url-{id}-findings");
    let canonical_id = format!("redirect-url-{id}-canonical");
    let number = move || index.get().map(|i| i + 1).unwrap_or_default();
    view! {
        <li class="url-row">
            <label for=for_id>{move || format!("Redirect URL {}", number())}</label>
            <div class="row">
                <input
                    id=input_id
                    class="redirect-url"
                    type="text"
                    inputmode="url"
                    autocomplete="off"
                    spellcheck="false"
                    aria-describedby=format!("urls-hint {findings_id} {canonical_id}")
                    aria-invalid=move || (show.get() && invalid.get()).to_string()
                    prop:value=value
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        draft.update(|d| {
                            if let Some(u) = d.urls.iter_mut().find(|u| u.id == id) {
                                u.url = v;
                            }
                        })
                    }
                    on:blur=move |_| touched.set(true)
                />
                <button
                    type="button"
                    class="remove"
                    aria-label=move || format!("Remove redirect URL {}", number())
                    on:click=move |_| draft.update(|d| d.urls.retain(|u| u.id != id))
                >
                    "Remove"
                </button>
            </div>
            <Findings id=findings_id findings=findings show=show />
            <p id=canonical_id class="canonical">
                {move || {
                    let c = check.get()?;
                    let canon = c.canonical?;
                    (canon != c.input.trim()).then(|| view! { "Stored as " <code>{canon}</code> })
                }}
            </p>
        </li>
    }
}

#[component]
fn EndpointsEditor(w: W) -> impl IntoView {
    let draft = w.draft;
    let kinds = move || {
        w.template
            .get()
            .map(Template::endpoints)
            .unwrap_or_default()
    };
    view! {
        <p class="hint" id="endpoints-hint">
            "Switch an endpoint On to give its https:// URL now, or leave it Off: endpoints can be added later on the app page."
        </p>
        {move || {
            kinds()
                .iter()
                .map(|&kind| {
                    let ep = Memo::new(move |_| draft.with(|d| d.endpoint(kind)));
                    let check = Memo::new(move |_| ep.with(|e| check_endpoint_url(&e.url, e.enabled)));
                    let touched = RwSignal::new(false);
                    let show = Signal::derive(move || {
                        touched.get() || ep.with(|e| !e.url.is_empty() || e.enabled)
                    });
                    let id = format!("ep-{}", kind.id());
                    let for_id = id.clone();
                    let fid = format!("ep-{}-findings", kind.id());
                    view! {
                        <fieldset class="endpoint">
                            <legend id=format!("ep-{}-legend", kind.id())>{kind.title()}</legend>
                            <button
                                type="button"
                                role="switch"
                                class="toggle"
                                id=format!("ep-{}-toggle", kind.id())
                                aria-labelledby=format!("ep-{0}-legend ep-{0}-toggle", kind.id())
                                aria-checked=move || ep.with(|e| e.enabled).to_string()
                                on:click=move |_| draft.update(|d| {
                                    let slot = d.endpoint_slot(kind).get_or_insert_with(Default::default);
                                    slot.enabled = !slot.enabled;
                                })
                            >
                                {move || if ep.with(|e| e.enabled) { "On" } else { "Off" }}
                            </button>
                            <label for=for_id>"Endpoint URL"</label>
                            <input
                                id=id
                                type="text"
                                inputmode="url"
                                autocomplete="off"
                                spellcheck="false"
                                aria-describedby=format!("endpoints-hint {fid}")
                                aria-invalid=move || (show.get() && check.with(Check::is_error)).to_string()
                                prop:value=move || ep.with(|e| e.url.clone())
                                on:input=move |ev| {
                                    let v = event_target_value(&ev);
                                    draft.update(|d| {
                                        d.endpoint_slot(kind).get_or_insert_with(Default::default).url = v;
                                    })
                                }
                                on:blur=move |_| touched.set(true)
                            />
                            <Findings
                                id=fid
                                findings=Signal::derive(move || check.with(|c| c.findings.clone()))
                                show=show
                            />
                        </fieldset>
                    }
                })
                .collect_view()
        }}
    }
}

#[component]
fn ContactStep(w: W) -> impl IntoView {
    let draft = w.draft;
    let me = Memo::new(move |_| w.ctx.user.get().map(|m| m.user));
    let contact = Memo::new(move |_| draft.with(|d| d.contact.clone()));
    let editing = RwSignal::new(false);
    let is_me = Memo::new(move |_| {
        !editing.get()
            && me.with(|m| {
                m.as_ref()
                    .is_some_and(|m| m.email.eq_ignore_ascii_case(contact.get().trim()))
            })
    });
    let check = Memo::new(move |_| check_contact_email(&contact.get()));
    let touched = RwSignal::new(false);
    let show = Signal::derive(move || touched.get() || !contact.with(String::is_empty));
    let prefix = debounced(move || contact.get().trim().to_lowercase(), 250);
    let partner = Memo::new(move |_| draft.with(|d| d.partner.clone()));
    let options = ui::read(move || {
        let p = prefix.get();
        let partner = partner.get();
        async move {
            if p.is_empty() {
                return Vec::new();
            }
            api::users(&partner, &p).await.unwrap_or_default()
        }
    });
    let suggestions = Memo::new(move |_| {
        let c = contact.get().trim().to_lowercase();
        let list = options.get().unwrap_or_default();
        if list.iter().any(|u| u.email.to_lowercase() == c) {
            Vec::new()
        } else {
            list
        }
    });
    let pick = move |email: String| {
        draft.update(|d| d.contact = email);
        touched.set(true);
    };
    view! {
        <StepFrame w=w step=Step::Contact title="Technical contact">
            {move || {
                if is_me.get() {
                    let user = me.get();
                    view! {
                        <p class="contact-me" id="contact-me">"You will be set as the technical contact."</p>
                        <p class="contact-card">
                            <strong>{user.as_ref().map(|u| u.name.clone())}</strong>
                            " "
                            <span>{user.map(|u| u.email)}</span>
                        </p>
                        <button
                            type="button"
                            id="contact-clear"
                            on:click=move |_| {
                                editing.set(true);
                                draft.update(|d| d.contact.clear());
                            }
                        >
                            "Clear"
                        </button>
                    }
                        .into_any()
                } else {
                    view! {
                        <label for="contact-email">"Technical contact's email"</label>
                        <input
                            id="contact-email"
                            type="email"
                            autocomplete="off"
                            aria-describedby="contact-hint contact-findings"
                            aria-controls="contact-options"
                            aria-invalid=move || (show.get() && check.with(Check::is_error)).to_string()
                            prop:value=contact
                            on:input=move |ev| draft.update(|d| d.contact = event_target_value(&ev))
                            on:blur=move |_| touched.set(true)
                        />
                        <p id="contact-hint" class="hint">
                            "Type the start of a colleague's email address and pick them from the list. They must be a user of your partner."
                        </p>
                        <Findings
                            id="contact-findings".into()
                            findings=Signal::derive(move || check.with(|c| c.findings.clone()))
                            show=show
                        />
                        <ul id="contact-options" class="options" aria-label="Matching users">
                            {move || {
                                suggestions
                                    .get()
                                    .into_iter()
                                    .map(|u| {
                                        let email = u.email.clone();
                                        view! {
                                            <li>
                                                <button type="button" class="option" on:click=move |_| pick(email.clone())>
                                                    <strong>{u.name}</strong>
                                                    " "
                                                    <span>{u.email}</span>
                                                </button>
                                            </li>
                                        }
                                    })
                                    .collect_view()
                            }}
                        </ul>
                        {move || me.get().map(|m| view! {
                            <button
                                type="button"
                                class="link"
                                id="contact-me-again"
                                on:click=move |_| {
                                    editing.set(false);
                                    draft.update(|d| d.contact = m.email.clone());
                                }
                            >
                                "Set me as the technical contact"
                            </button>
                        })}
                    }
                        .into_any()
                }
            }}
        </StepFrame>
    }
}

#[component]
fn ReviewStep(w: W) -> impl IntoView {
    let ctx = w.ctx;
    let draft = w.draft;
    let summary = Memo::new(move |_| {
        w.validated
            .with(|v| v.as_ref().and_then(|v| v.canonical.clone()))
    });
    let ok = Memo::new(move |_| w.ok(Step::Review));
    let busy = Memo::new(move |_| {
        matches!(
            ctx.status.get(),
            CreateStatus::Sending | CreateStatus::Queued
        )
    });
    let create = move |_| {
        let d = draft.get_untracked();
        let Some(body) = summary.get_untracked() else {
            return;
        };
        store::enqueue(store::Queued {
            partner: d.partner.clone(),
            key: d.key.clone(),
            body,
        });
        if store::online() {
            ctx.flush_queue();
        } else {
            ctx.status.set(CreateStatus::Queued);
        }
    };
    let notes = Signal::derive(move || {
        summary
            .get()
            .map(|s| license_notes(s.template, s.app_type))
            .unwrap_or_default()
    });
    view! {
        <StepFrame w=w step=Step::Review title="Review and create">
            {move || summary.get().map(|s| {
                let t = s.template;
                let urls = (!s.redirect_urls.is_empty()).then(|| view! {
                    <dt>"Redirect URLs"</dt>
                    <dd>
                        <ul class="plain">
                            {s.redirect_urls.iter().map(|u| view! { <li><code>{u.clone()}</code></li> }).collect_view()}
                        </ul>
                    </dd>
                });
                let eps = t.endpoints().iter().map(|k| {
                    let ep = match k {
                        appreg_core::EndpointKind::Mirroring => s.endpoints.mirroring.clone(),
                        appreg_core::EndpointKind::ErpSync => s.endpoints.erp_sync.clone(),
                        appreg_core::EndpointKind::Quote => s.endpoints.quote.clone(),
                    }.unwrap_or_default();
                    let text = if ep.enabled { format!("On: {}", ep.url) } else if ep.url.is_empty() { "Off".to_string() } else { format!("Off ({})", ep.url) };
                    view! { <dt>{k.title()}</dt><dd>{text}</dd> }
                }).collect_view();
                view! {
                    <dl class="summary" id="summary">
                        <dt>"Template"</dt><dd>{t.title()}</dd>
                        <dt>"App type"</dt><dd>{s.app_type.title()}</dd>
                        <dt>"Application name"</dt><dd>{s.name.clone()}</dd>
                        {urls}
                        {eps}
                        <dt>"Technical contact"</dt><dd>{s.technical_contact.clone()}</dd>
                    </dl>
                    <ConfigTable template=t />
                }
            })}
            <LicenseNotes notes=notes />
            <div class="create">
                <button
                    type="button"
                    class="primary"
                    id="create-app"
                    disabled=move || !ok.get() || busy.get()
                    on:click=create
                >
                    {move || if ctx.status.get() == CreateStatus::Sending { "Creating…" } else { "Create Application" }}
                </button>
                <div id="create-status" role="status" aria-live="polite">
                    {move || match ctx.status.get() {
                        CreateStatus::Queued if !ctx.online.get() => view! {
                            <p class="alert queued" id="queued-notice">
                                "Queued: you are offline. The application is created once, automatically, when your connection is back. You can keep this page open or come back later."
                            </p>
                        }.into_any(),
                        CreateStatus::Queued => view! {
                            <p class="alert queued" id="queued-notice">
                                "Queued: the server could not be reached. "
                                <button type="button" class="link" on:click=move |_| ctx.flush_queue()>"Try again now"</button>
                            </p>
                        }.into_any(),
                        CreateStatus::Failed(e) => {
                            let errors = e.problem().map(|p| p.errors.clone()).unwrap_or_default();
                            view! {
                                <div class="alert error" role="alert">
                                    <p>{e.message()}</p>
                                    <ul>
                                        {errors.into_iter().map(|fe| {
                                            let step = Step::of_field(&fe.field);
                                            view! {
                                                <li>
                                                    <span class="rule">{fe.rule}</span>" "{fe.message}" "
                                                    <a href=Route::Wizard(step).href()>"Fix it"</a>
                                                </li>
                                            }
                                        }).collect_view()}
                                    </ul>
                                </div>
                            }.into_any()
                        }
                        _ => ().into_any(),
                    }}
                </div>
            </div>
        </StepFrame>
    }
}
