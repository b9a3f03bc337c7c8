//! The partner page: the partner's apps — tiles for a few, else a list searched and filtered by the
//! server and read page by page (cursor) — their expiry badges, "Create App", and for the partner's
//! administrators the deleted apps that can still be restored.

use crate::api::{self, ApiError, AppQuery};
use crate::routes::{Route, Section};
use crate::state::use_ctx;
use crate::time::{ExpiryBadge, Time};
use crate::ui::{self, debounced, focus_on_mount, loaded, Shape};
use appreg_core::api::{AppStatus, ApplicationRow, ApplicationRowPage, Role};
use appreg_core::Template;
use leptos::html;
use leptos::prelude::*;

fn env_states(app: &ApplicationRow) -> String {
    let e = &app.environments;
    format!(
        "SOD: {} · Stage: {} · Production: {}",
        e.sod.id(),
        e.stage.id(),
        e.production.id()
    )
}

/// The badges of an app: deactivated, and its keys' expiry.
fn badges(a: &ApplicationRow) -> impl IntoView {
    view! {
        {(a.status == AppStatus::Deactivated).then(|| view! { <span class="badge muted-badge">"Deactivated"</span> })}
        {a.keys_expire_at.clone().map(|iso| view! { <ExpiryBadge iso=iso /> })}
    }
}

#[component]
pub fn PartnerPage() -> impl IntoView {
    let ctx = use_ctx();
    let partner = ctx.partner();
    let text = RwSignal::new(String::new());
    let template = RwSignal::new(String::new());
    let state = RwSignal::new(String::new());
    let typed = debounced(move || text.get(), 250);
    let query = Memo::new(move |_| AppQuery {
        query: typed.get(),
        template: template.get(),
        state: state.get(),
        deleted: false,
    });
    let filtered = Memo::new(move |_| query.get() != AppQuery::default());
    let first = ui::read(move || {
        let (p, mut q) = (partner.get().map(|p| p.id), query.get());
        async move {
            let Some(p) = p else {
                return Err(ApiError::http(404, String::new()));
            };
            // Answers can arrive out of order: whichever read finishes last answers for the
            // search and filters on screen now, so an older answer never replaces a newer one.
            loop {
                let r = api::applications(&p, &q, None).await;
                match query.try_get_untracked() {
                    Some(now) if now != q => q = now,
                    _ => return r,
                }
            }
        }
    });
    // Later pages, appended by "Show more"; a new first page starts over.
    let more = RwSignal::new(Vec::<ApplicationRow>::new());
    let cursor = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let next = first.with(|p| {
            p.as_ref()
                .and_then(|r| r.as_ref().ok())
                .and_then(|p| p.next_cursor.clone())
        });
        more.set(Vec::new());
        cursor.set(next);
    });
    let load_more = ui::write(move |_: &()| {
        let (p, q, c) = (
            partner.get_untracked().map(|p| p.id).unwrap_or_default(),
            query.get_untracked(),
            cursor.get_untracked(),
        );
        async move {
            let page: ApplicationRowPage = api::applications(&p, &q, c.as_deref()).await?;
            // The search or a filter changed meanwhile: this page belongs to a list no longer shown.
            if query.get_untracked() != q {
                return Ok(());
            }
            // The cursor first, so the rows and "Show more" never disagree.
            cursor.set(page.next_cursor);
            more.update(|m| m.extend(page.items));
            Ok::<_, ApiError>(())
        }
    });
    let can_create = Memo::new(move |_| partner.get().is_some_and(|p| p.role.can_configure()));
    let admin = Memo::new(move |_| partner.get().is_some_and(|p| p.role == Role::Administrator));
    let heading = NodeRef::<html::H1>::new();
    focus_on_mount(heading);
    let list = loaded(first, Shape::Block, "Loading apps…", move |page| {
        let few = page.items.len() <= 8 && page.next_cursor.is_none() && !filtered.get_untracked();
        match page {
            page if page.items.is_empty() && !filtered.get_untracked() => view! {
                <p class="empty">"No apps yet. Create your first app to get a client ID and secret."</p>
            }
            .into_any(),
            page if few => view! {
                <ul class="tiles" id="app-tiles">
                    {page.items.into_iter().map(|a| view! {
                        <li class="tile">
                            <a href=Route::App(a.id.clone(), Section::Overview).href()><strong>{a.name.clone()}</strong></a>
                            <span>{a.template.title()}" · "{a.app_type.title()}</span>
                            <span class="muted">{env_states(&a)}</span>
                            <span class="badges">{badges(&a)}</span>
                        </li>
                    }).collect_view()}
                </ul>
            }
            .into_any(),
            page => {
                let items = page.items;
                view! {
                    <table class="apps" id="app-list">
                        <caption class="visually-hidden">"Apps"</caption>
                        <thead><tr><th scope="col">"Name"</th><th scope="col">"Template"</th><th scope="col">"Type"</th><th scope="col">"State"</th></tr></thead>
                        <tbody>
                            {move || items.iter().cloned().chain(more.get()).map(|a| view! {
                                <tr>
                                    <td><a href=Route::App(a.id.clone(), Section::Overview).href()>{a.name.clone()}</a>" "{badges(&a)}</td>
                                    <td>{a.template.title()}</td>
                                    <td>{a.app_type.title()}</td>
                                    <td>{env_states(&a)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    {move || (cursor.with(Option::is_some)).then(|| view! {
                        <button type="button" id="more-apps" disabled=move || load_more.pending().get() on:click=move |_| { load_more.dispatch(()); }>
                            {move || if load_more.pending().get() { "Loading…" } else { "Show more apps" }}
                        </button>
                    })}
                    {move || load_more.value().get().and_then(Result::err).map(|e| view! {
                        <p class="alert error" role="alert">{e.message()}" "
                            <button type="button" class="link retry" on:click=move |_| { load_more.dispatch(()); }>"Try again"</button>
                        </p>
                    })}
                    <p class="muted" role="status" id="app-count">
                        {move || format!("{} apps shown{}", items_len(first) + more.with(Vec::len), if cursor.with(Option::is_some) { "; more to show" } else { "" })}
                    </p>
                }
                .into_any()
            }
        }
    });
    let show_tools = Memo::new(move |_| {
        filtered.get()
            || first.with(|p| {
                p.as_ref()
                    .and_then(|r| r.as_ref().ok())
                    .is_some_and(|p| p.items.len() > 8 || p.next_cursor.is_some())
            })
    });
    view! {
        <section class="partner">
            <div class="page-head">
                <h1 tabindex="-1" node_ref=heading>{move || partner.get().map(|p| p.name)}</h1>
                <Show when=move || can_create.get()>
                    <button type="button" class="primary" id="create-app-start" on:click=move |_| ctx.start_wizard()>
                        "Create App"
                    </button>
                </Show>
            </div>
            <Show when=move || show_tools.get()>
                <div class="list-tools" role="search">
                    <label for="app-filter">"Search by name"</label>
                    <input id="app-filter" type="search" prop:value=text on:input=move |ev| text.set(event_target_value(&ev)) />
                    <label for="app-template">"Template"</label>
                    <select id="app-template" on:change=move |ev| template.set(event_target_value(&ev))>
                        <option value="">"All templates"</option>
                        {Template::ALL.into_iter().map(|t| view! { <option value=t.id()>{t.title()}</option> }).collect_view()}
                    </select>
                    <label for="app-state">"State"</label>
                    <select id="app-state" on:change=move |ev| state.set(event_target_value(&ev))>
                        <option value="">"All states"</option>
                        <option value="pending">"Request pending"</option>
                        <option value="published">"Published to Stage or Production"</option>
                        <option value="rejected">"Rejected"</option>
                        <option value="active">"Active"</option>
                        <option value="deactivated">"Deactivated"</option>
                    </select>
                </div>
            </Show>
            {move || (filtered.get() && first.with(|p| p.as_ref().and_then(|r| r.as_ref().ok()).is_some_and(|p| p.items.is_empty()))).then(|| view! {
                <p class="empty" id="no-matches">"No apps match. Change the search or the filters."</p>
            })}
            {list}
            <Show when=move || admin.get()>
                <DeletedApps />
            </Show>
        </section>
    }
}

fn items_len(first: ui::Read<Result<ApplicationRowPage, ApiError>>) -> usize {
    first.with(|p| {
        p.as_ref()
            .and_then(|r| r.as_ref().ok())
            .map_or(0, |p| p.items.len())
    })
}

/// The deleted and deactivated apps an administrator can still restore (within 30 days).
#[component]
fn DeletedApps() -> impl IntoView {
    let partner = use_ctx().partner();
    let open = RwSignal::new(false);
    let refresh = RwSignal::new(0u32);
    let list = ui::read(move || {
        refresh.track();
        let (p, open) = (partner.get().map(|p| p.id), open.get());
        async move {
            match (p, open) {
                (Some(p), true) => {
                    let q = AppQuery {
                        deleted: true,
                        ..Default::default()
                    };
                    api::applications(&p, &q, None).await
                }
                _ => Ok(ApplicationRowPage {
                    items: Vec::new(),
                    next_cursor: None,
                }),
            }
        }
    });
    let restored = RwSignal::new(String::new());
    let restore = ui::write(move |id: &String| {
        let id = id.clone();
        async move {
            let r = api::restore_application(&id).await;
            refresh.update(|n| *n += 1);
            restored.set(r?.name);
            Ok::<_, ApiError>(())
        }
    });
    view! {
        <section class="deleted-apps" aria-labelledby="deleted-title">
            <h2 id="deleted-title">
                <button type="button" class="link" id="show-deleted" aria-expanded=move || open.get().to_string() aria-controls="deleted-list" on:click=move |_| open.update(|o| *o = !*o)>
                    "Deleted apps you can restore"
                </button>
            </h2>
            <div id="deleted-list" hidden=move || !open.get()>
                {loaded(list, Shape::Block, "Loading…", move |page| {
                    if page.items.is_empty() {
                        return view! { <p class="muted">"No deleted apps in the last 30 days."</p> }.into_any();
                    }
                    view! {
                        <ul class="plain">
                            {page.items.into_iter().map(|a| {
                                let id = a.id.clone();
                                view! {
                                    <li class="row wrap">
                                        <strong>{a.name.clone()}</strong>
                                        <span>{a.status.id()}" "{a.deleted_at.clone().map(|d| view! { <Time iso=d /> })}</span>
                                        <span class="muted">{a.restorable_until.clone().map(|u| view! { "restorable until " <Time iso=u /> })}</span>
                                        <button type="button" aria-label=format!("Restore {}", a.name) disabled=move || restore.pending().get() on:click=move |_| { restore.dispatch(id.clone()); }>"Restore"</button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                })}
                <p role="status" id="restore-status">
                    {move || match restore.value().get() {
                        Some(Ok(())) => format!("{} is restored.", restored.get()),
                        Some(Err(e)) => e.message(),
                        None => String::new(),
                    }}
                </p>
            </div>
        </section>
    }
}
