//! The partner page: the partner's apps (tiles, or a filterable, sortable list) and "Create App".

use crate::api::{self, ApiError};
use crate::routes::Route;
use crate::state::use_ctx;
use crate::ui::{self, focus_on_mount, loaded, Shape};
use appreg_core::api::Application;
use leptos::html;
use leptos::prelude::*;

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
    let partner = ctx.partner();
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
    let list = loaded(apps, Shape::Block, "Loading apps…", move |page| {
        match page {
            page if page.items.is_empty() => view! {
                <p class="empty">"No apps yet. Create your first app to get a client ID and secret."</p>
            }
            .into_any(),
            page if page.items.len() <= 8 && page.next_cursor.is_none() => view! {
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
            page => {
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
    });
    view! {
        <section class="partner">
            <div class="page-head">
                <h2 tabindex="-1" node_ref=heading>{move || partner.get().map(|p| p.name)}</h2>
                <Show when=move || can_create.get()>
                    <button type="button" class="primary" id="create-app-start" on:click=move |_| ctx.start_wizard()>
                        "Create App"
                    </button>
                </Show>
            </div>
            {list}
        </section>
    }
}
