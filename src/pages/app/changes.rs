//! Change log: every save, with who, when, what changed in words, and its JSON snapshot.

use super::use_console;
use crate::api;
use crate::time::Time;
use crate::ui::{self, download, loaded, Shape};
use appreg_core::versions::ChangeEntry;
use leptos::prelude::*;

fn action_words(action: &str) -> &'static str {
    match action {
        "create" => "Created",
        "edit" => "Edited",
        "new-version" => "New version",
        "publish" => "Published",
        "request" => "Requested to publish",
        "approve" => "Approved",
        "reject" => "Rejected",
        "delete" => "Deleted",
        "restore" => "Restored",
        _ => "Changed",
    }
}

#[component]
pub(super) fn ChangeLog() -> impl IntoView {
    let c = use_console();
    let id = c.id();
    let list = ui::read(move || {
        let id = id.clone();
        async move { api::changes(&id).await }
    });
    view! {
        <section aria-labelledby="section-title">
            <h2 id="section-title" tabindex="-1">"Change log"</h2>
            <p class="hint">"Every save, newest first, with who made it and the configuration it left, as JSON."</p>
            {loaded(list, Shape::Block, "Loading the change log…", move |items: Vec<ChangeEntry>| {
                if items.is_empty() {
                    return view! { <p class="muted">"No changes yet."</p> }.into_any();
                }
                view! {
                    <ol class="plain change-log" id="change-log">
                        {items.into_iter().map(|e| {
                            let url = e.snapshot_url.clone();
                            let file = format!("change-{}-version-{}.json", e.id, e.version);
                            let what = format!("{} (version {})", action_words(&e.action), e.version);
                            view! {
                                <li class="change" data-action=e.action.clone()>
                                    <p>
                                        <strong>{what.clone()}</strong>
                                        <span class="muted">" by "{e.by.clone()}" · "</span>
                                        <Time iso=e.at.clone() />
                                    </p>
                                    {(!e.summary.is_empty()).then(|| view! {
                                        <ul class="summary-lines">
                                            {e.summary.iter().map(|line| view! { <li>{line.clone()}</li> }).collect_view()}
                                        </ul>
                                    })}
                                    <button
                                        type="button"
                                        class="link download"
                                        aria-label=format!("Download JSON of “{what}”")
                                        on:click=move |_| {
                                            let (url, file) = (url.clone(), file.clone());
                                            leptos::task::spawn_local(async move {
                                                if let Ok(body) = api::snapshot_at(&url).await {
                                                    download(&file, "application/json", &body);
                                                }
                                            });
                                        }
                                    >
                                        "Download JSON"
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                }
                .into_any()
            })}
        </section>
    }
}
