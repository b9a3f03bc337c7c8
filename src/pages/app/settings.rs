//! Settings: the name, capabilities added after the wizard (with the consent warning before saving),
//! and delete — behind a confirmation where the user types the app's name — or restore.

use super::{conflicted, use_console, SaveStatus};
use crate::api::{self, ApiError};
use crate::routes::Route;
use crate::state::use_ctx;
use crate::time::Time;
use crate::ui;
use appreg_core::api::{AppStatus, ApplicationPatch, Role};
use appreg_core::lifecycle::{deletion, Deletion};
use appreg_core::{allowed_capabilities, consent_required, Capability};
use leptos::prelude::*;

#[component]
pub(super) fn Settings() -> impl IntoView {
    let c = use_console();
    let app = c.app;
    view! {
        <section aria-labelledby="section-title">
            <h2 id="section-title" tabindex="-1">"Settings"</h2>
            <h3>"Name"</h3>
            <p><strong id="settings-name">{move || app.with(|a| a.name.clone())}</strong></p>
            <p class="hint">"The name is fixed once the app exists: tenant administrators see it when they consent. To use another name, create a new app."</p>
            <Capabilities />
            {move || match app.with(|a| a.status) {
                AppStatus::Active => c.editable.get().then(|| view! { <DeleteApp /> }.into_any()),
                _ => Some(view! { <Restore /> }.into_any()),
            }}
        </section>
    }
}

/// The capabilities: the template's defaults and what may be added (core `allowed_capabilities`).
#[component]
fn Capabilities() -> impl IntoView {
    let c = use_console();
    let template = c.app.with_untracked(|a| a.template);
    let allowed = allowed_capabilities(template);
    let chosen = RwSignal::new(c.app.with_untracked(|a| a.capabilities.clone()));
    let consent = Memo::new(move |_| {
        c.app
            .with(|a| chosen.with(|ch| consent_required(&a.capabilities, ch)))
    });
    let changed = Memo::new(move |_| {
        let mut a = c.app.with(|a| a.capabilities.clone());
        let mut b = chosen.get();
        a.sort();
        b.sort();
        a != b
    });
    let save = c.saver();
    let conflict = conflicted(save);
    let saved_text = Signal::derive(move || "Saved.".to_string());
    if !c.editable.get_untracked() || allowed.is_empty() {
        return view! {
            <h3>"Capabilities"</h3>
            <ul class="plain" id="settings-capabilities">
                {move || c.app.with(|a| if a.capabilities.is_empty() {
                    view! { <li class="muted">"None: the app only provides its integration endpoints."</li> }.into_any()
                } else {
                    a.capabilities.iter().map(|c| view! { <li>{c.title()}</li> }).collect_view().into_any()
                })}
            </ul>
        }
        .into_any();
    }
    view! {
        <fieldset class="capabilities" id="settings-capabilities">
            <legend>"Capabilities"</legend>
            <p class="hint">"You can add more features after completing the wizard. Only what fits the " {template.title()} " template is offered."</p>
            {allowed.into_iter().enumerate().map(|(i, cap): (usize, Capability)| {
                let id = format!("cap-{i}");
                view! {
                    <div class="check">
                        <input
                            type="checkbox"
                            id=id.clone()
                            prop:checked=move || chosen.with(|c| c.contains(&cap))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                chosen.update(|c| {
                                    c.retain(|x| *x != cap);
                                    if on { c.push(cap); }
                                });
                            }
                        />
                        <label for=id>{cap.title()}<span class="muted">" — "{cap.meaning()}</span></label>
                    </div>
                }
            }).collect_view()}
            {move || (!consent.with(Vec::is_empty)).then(|| view! {
                <div class="alert warning" role="alert" id="consent-warning">
                    <strong>"Tenant administrators must consent again."</strong>
                    " Adding "
                    {consent.get().iter().map(|c| c.title()).collect::<Vec<_>>().join(" and ")}
                    " changes what the app may do. After you save, every tenant that uses the app must consent to it again, and its users are locked out of the app until their administrator does."
                </div>
            })}
            <button
                type="button"
                class="primary"
                id="save-capabilities"
                disabled=move || !changed.get() || save.pending().get()
                on:click=move |_| { save.dispatch(ApplicationPatch { capabilities: Some(chosen.get_untracked()), ..Default::default() }); }
            >
                {move || match (save.pending().get(), consent.with(Vec::is_empty)) {
                    (true, _) => "Saving…",
                    (false, true) => "Save capabilities",
                    (false, false) => "Save and ask tenants to consent again",
                }}
            </button>
            <SaveStatus id="capabilities-status" save=save button="Save capabilities" saved=saved_text />
            {move || conflict.get().then(|| view! {
                <p class="theirs" id="conflict-theirs">"Their capabilities, saved now: "{c.app.with(|a| a.capabilities.iter().map(|c| c.title()).collect::<Vec<_>>().join(", "))}</p>
            })}
        </fieldset>
    }
    .into_any()
}

/// Delete: what happens (deleted, or deactivated once published beyond SOD), then type the name.
#[component]
fn DeleteApp() -> impl IntoView {
    let ctx = use_ctx();
    let c = use_console();
    let name = c.app.with_untracked(|a| a.name.clone());
    let outcome = Memo::new(move |_| c.app.with(|a| deletion(&a.environments)));
    let open = RwSignal::new(false);
    let typed = RwSignal::new(String::new());
    let delete = ui::write(move |_: &()| {
        let id = c.id();
        let tag = c.etag.get_untracked();
        async move {
            let tag = match tag {
                Some(t) => t,
                None => api::application(&id).await?.1.unwrap_or_default(),
            };
            api::delete_application(&id, &tag).await?;
            // Deleted: back to the partner page; deactivated: the console shows it read-only.
            match api::application(&id).await {
                Ok((a, tag)) => {
                    c.app.set(a);
                    c.etag.set(tag);
                }
                Err(_) => ctx.navigate(Route::Home),
            }
            Ok::<_, ApiError>(())
        }
    });
    let matches = {
        let name = name.clone();
        Memo::new(move |_| typed.with(|t| t.trim() == name))
    };
    view! {
        <section class="danger-zone" aria-labelledby="delete-title">
            <h3 id="delete-title">"Delete this app"</h3>
            <p id="delete-consequence">
                {move || match outcome.get() {
                    Ok(Deletion::Delete) => "It has never been published beyond SOD, so it is deleted and its name is free again. Your partner's administrator can restore it within 30 days.",
                    Ok(Deletion::Deactivate) => "It is published to Stage or Production, so it is deactivated: it stays listed, read-only, and stops working. Your partner's administrator can restore it within 30 days.",
                    Err(_) => "It cannot be deleted while a publish request is pending.",
                }}
            </p>
            <button
                type="button"
                class="danger-outline"
                id="delete-app"
                aria-expanded=move || open.get().to_string()
                aria-controls="delete-dialog"
                disabled=move || outcome.with(Result::is_err)
                on:click=move |_| open.set(true)
            >
                {move || if outcome.get() == Ok(Deletion::Deactivate) { "Deactivate app" } else { "Delete app" }}
            </button>
            <div id="delete-dialog" class="confirm" role="alertdialog" aria-labelledby="delete-question" hidden=move || !open.get()>
                <p id="delete-question">"To confirm, type the app's name: " <strong>{name.clone()}</strong></p>
                <label for="delete-confirm-name">"App name"</label>
                <input id="delete-confirm-name" type="text" autocomplete="off" prop:value=typed on:input=move |ev| typed.set(event_target_value(&ev)) />
                <div class="actions">
                    <button
                        type="button"
                        class="danger"
                        id="delete-confirm"
                        disabled=move || !matches.get() || delete.pending().get()
                        on:click=move |_| { delete.dispatch(()); }
                    >
                        {move || if delete.pending().get() { "Deleting…" } else { "Yes, delete it" }}
                    </button>
                    <button type="button" on:click=move |_| { open.set(false); typed.set(String::new()); }>"Cancel"</button>
                </div>
            </div>
            {move || delete.value().get().and_then(Result::err).map(|e| view! { <p class="alert error" role="alert">{e.message()}</p> })}
        </section>
    }
}

/// A deactivated app: the partner's administrator restores it within 30 days.
#[component]
fn Restore() -> impl IntoView {
    let c = use_console();
    let admin = Memo::new(move |_| c.role.get() == Some(Role::Administrator));
    let restore = ui::write(move |_: &()| {
        let id = c.id();
        async move {
            api::restore_application(&id).await?;
            let (a, tag) = api::application(&id).await?;
            c.app.set(a);
            c.etag.set(tag);
            Ok::<_, ApiError>(())
        }
    });
    view! {
        <section aria-labelledby="restore-title">
            <h3 id="restore-title">"Restore"</h3>
            <p>
                "Deactivated "{move || c.app.with(|a| a.deleted_at.clone()).map(|d| view! { <Time iso=d /> })}". "
                {move || c.app.with(|a| a.restorable_until.clone()).map(|u| view! { "It can be restored until " <Time iso=u /> "." })}
            </p>
            {move || if admin.get() {
                view! {
                    <button type="button" class="primary" id="restore-app" disabled=move || restore.pending().get() on:click=move |_| { restore.dispatch(()); }>
                        {move || if restore.pending().get() { "Restoring…" } else { "Restore app" }}
                    </button>
                }.into_any()
            } else {
                view! { <p class="muted">"Only your partner's administrator can restore it."</p> }.into_any()
            }}
            {move || restore.value().get().and_then(Result::err).map(|e| view! { <p class="alert error" role="alert">{e.message()}</p> })}
        </section>
    }
}
