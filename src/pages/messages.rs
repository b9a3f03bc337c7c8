//! The Messaging Center: every publish request is a ticket, a conversation between the partner's users
//! and the app managers. The list (All / Open / Waiting / Closed, newest first, unread marked) and one
//! ticket with its messages, attachments, a reply and "Mark as answered".

use crate::api::{self, ApiError};
use crate::routes::{Route, Section};
use crate::state::use_ctx;
use crate::time::Time;
use crate::ui::{self, focus_on_mount, loaded, Findings, Shape};
use appreg_core::api::Role;
use appreg_core::tickets::{
    check_ticket_message, Ticket, TicketFilter, TicketState, TicketSummary,
};
use leptos::html;
use leptos::prelude::*;

fn state_class(s: TicketState) -> &'static str {
    match s {
        TicketState::Open => "state pending",
        TicketState::WaitingForPartner => "state rejected",
        TicketState::Closed => "state published",
    }
}

/// The list of tickets.
#[component]
pub fn Messages() -> impl IntoView {
    let filter = RwSignal::new(TicketFilter::All);
    let list = ui::read(move || api::tickets(filter.get()));
    let counts = ui::read(move || {
        filter.track();
        api::unread_tickets()
    });
    let heading = NodeRef::<html::H1>::new();
    focus_on_mount(heading);
    view! {
        <section class="messages" aria-labelledby="messages-title">
            <h1 id="messages-title" tabindex="-1" node_ref=heading>"Messaging Center"</h1>
            <p class="hint">"Every request to publish is a conversation with the app managers. Open: their turn; Waiting: yours."</p>
            <div class="filters" role="group" aria-label="Show">
                {TicketFilter::ALL.into_iter().map(|f| {
                    let label = move || {
                        let n = counts.get().and_then(Result::ok).map(|c| match f {
                            TicketFilter::All => c.total,
                            TicketFilter::Open => c.open,
                            TicketFilter::Waiting => c.waiting,
                            TicketFilter::Closed => c.closed,
                        }).unwrap_or(0);
                        let title = match f {
                            TicketFilter::All => "All",
                            TicketFilter::Open => "Open",
                            TicketFilter::Waiting => "Waiting",
                            TicketFilter::Closed => "Closed",
                        };
                        if n > 0 { format!("{title} ({n} unread)") } else { title.to_string() }
                    };
                    view! {
                        <button type="button" class="filter" aria-pressed=move || (filter.get() == f).to_string() on:click=move |_| filter.set(f)>
                            {label}
                        </button>
                    }
                }).collect_view()}
            </div>
            {loaded(list, Shape::Block, "Loading conversations…", |items: Vec<TicketSummary>| {
                if items.is_empty() {
                    return view! { <p class="empty">"No conversations here."</p> }.into_any();
                }
                view! {
                    <ul class="plain ticket-list" id="ticket-list">
                        {items.into_iter().map(|t| view! {
                            <li class="ticket" class:unread={t.unread > 0}>
                                <a href=Route::Ticket(t.id.clone()).href()><strong>{t.subject.clone()}</strong></a>
                                {(t.unread > 0).then(|| view! { <span class="badge expiring">{format!("{} new", t.unread)}</span> })}
                                <span class=state_class(t.state)>{t.state.title()}</span>
                                <span class="muted">{t.application_name.clone()}" · updated "<Time iso=t.updated_at.clone() /></span>
                            </li>
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            })}
        </section>
    }
}

/// One ticket: the conversation, a reply (with images) and "Mark as answered".
#[component]
pub fn TicketPage(id: String) -> impl IntoView {
    let ctx = use_ctx();
    let refresh = RwSignal::new(0u32);
    let tid = id.clone();
    let ticket = ui::read(move || {
        refresh.track();
        let id = tid.clone();
        async move { api::ticket(&id).await }
    });
    let heading = NodeRef::<html::H1>::new();
    focus_on_mount(heading);
    // What the last reply or "Mark as answered" did: kept here, outside the conversation, which is drawn
    // anew when the ticket is read again after it.
    let notice = RwSignal::new(String::new());
    let title = Memo::new(move |_| {
        ticket.with(|t| {
            t.as_ref().map(|r| {
                r.as_ref()
                    .map(|t| t.summary.subject.clone())
                    .unwrap_or_else(|_| "Conversation".into())
            })
        })
    });
    view! {
        <section class="ticket-page">
            <p><a href=Route::Messages.href()>"← Messaging Center"</a></p>
            <h1 tabindex="-1" node_ref=heading>{move || title.get().unwrap_or_default()}</h1>
            {loaded(ticket, Shape::Block, "Loading the conversation…", move |t: Ticket| {
                let user = ctx.user().get_untracked();
                let manager = user.as_ref().is_some_and(|m| m.app_manager);
                let role = user.as_ref().and_then(|m| m.partners.iter().find(|p| p.id == t.summary.partner_id).map(|p| p.role));
                let can_write = manager || role.is_some_and(Role::can_configure);
                view! { <Conversation ticket=t can_write=can_write partner_side=!manager refresh=refresh notice=notice /> }.into_any()
            })}
            <p role="status" id="reply-status">{move || notice.get()}</p>
        </section>
    }
}

/// An attachment's link, embedded with a host's token: the link would go to the portal without the token
/// (and a host on another site has no portal cookie), so the file is fetched signed and saved from a
/// `blob:` URL instead; a failure is said in `notice`. Signed in with the portal's cookie, the link works.
fn save_signed(ev: web_sys::MouseEvent, href: &str, name: &str, notice: RwSignal<String>) {
    if !api::uses_token() {
        return;
    }
    ev.prevent_default();
    let (href, name) = (href.to_string(), name.to_string());
    leptos::task::spawn_local(async move {
        match api::object_url(&href).await {
            Ok(url) => {
                ui::save(&url, &name);
                let _ = web_sys::Url::revoke_object_url(&url);
            }
            Err(e) => notice.set(format!("{name} could not be downloaded: {}", e.message())),
        }
    });
}

/// Says in `notice` how a reply or "Mark as answered" ended: its error, or `done`; passes the result on.
fn announce<T>(
    notice: RwSignal<String>,
    result: Result<T, ApiError>,
    done: &str,
) -> Result<T, ApiError> {
    notice.set(
        result
            .as_ref()
            .map_or_else(ApiError::message, |_| done.to_string()),
    );
    result
}

#[component]
fn Conversation(
    ticket: Ticket,
    can_write: bool,
    partner_side: bool,
    refresh: RwSignal<u32>,
    notice: RwSignal<String>,
) -> impl IntoView {
    let s = ticket.summary.clone();
    let id = s.id.clone();
    let body = RwSignal::new(String::new());
    let touched = RwSignal::new(false);
    let check = Memo::new(move |_| check_ticket_message(&body.get()));
    // The browser's `File`s stay on this (the only) thread: a local stored value, not a signal.
    let files = StoredValue::new_local(Vec::<web_sys::File>::new());
    let send = ui::write(move |_: &()| {
        let (id, text, picked) = (id.clone(), body.get_untracked(), files.get_value());
        notice.set(String::new());
        async move {
            let sent = if picked.is_empty() {
                api::reply(&id, &text).await
            } else {
                api::reply_with_files(&id, &text, &picked).await
            };
            announce(notice, sent, "Sent.")?;
            body.set(String::new());
            files.set_value(Vec::new());
            touched.set(false);
            refresh.update(|n| *n += 1);
            Ok::<_, ApiError>(())
        }
    });
    let id2 = s.id.clone();
    let answered = ui::write(move |_: &()| {
        let id = id2.clone();
        notice.set(String::new());
        async move {
            let marked = api::mark_answered(&id).await;
            announce(
                notice,
                marked,
                "Marked as answered: it is the app managers' turn.",
            )?;
            refresh.update(|n| *n += 1);
            Ok::<_, ApiError>(())
        }
    });
    view! {
        <p class="ticket-meta">
            <span class=state_class(s.state) id="ticket-state">{s.state.title()}</span>
            " "<a href=Route::App(s.application_id.clone(), Section::Publishing).href()>{s.application_name.clone()}</a>
            <span class="muted">" · opened "<Time iso=s.created_at.clone() /></span>
        </p>
        <ol class="plain conversation" id="conversation">
            {ticket.messages.into_iter().map(|m| view! {
                <li class="message" class:system=m.system class:manager=m.from_app_manager>
                    <p class="who">
                        <strong>{if m.system { "Developer Portal".to_string() } else { m.author.clone() }}</strong>
                        {m.from_app_manager.then_some(" (app manager)")}
                        <span class="muted">" · "<Time iso=m.created_at.clone() /></span>
                    </p>
                    <p class="body">{m.body.clone()}</p>
                    {(!m.attachments.is_empty()).then(|| view! {
                        <ul class="plain attachments">
                            {m.attachments.iter().map(|a| {
                                let (href, name) = (api::attachment_href(&a.url), a.file_name.clone());
                                let (href2, name2) = (href.clone(), name.clone());
                                view! {
                                    <li><a href=href download=name on:click=move |ev| save_signed(ev, &href2, &name2, notice)>{format!("{} ({}, {} KB)", a.file_name, a.content_type, a.bytes.div_ceil(1024))}</a></li>
                                }
                            }).collect_view()}
                        </ul>
                    })}
                </li>
            }).collect_view()}
        </ol>
        {can_write.then(|| view! {
            <h2>"Reply"</h2>
            <label for="reply-body">"Message"</label>
            <textarea id="reply-body" rows="4" aria-describedby="reply-findings"
                prop:value=body on:input=move |ev| body.set(event_target_value(&ev)) on:blur=move |_| touched.set(true)></textarea>
            <Findings id="reply-findings".into() findings=Signal::derive(move || check.with(|c| c.findings.clone())) show=touched.into() />
            <label for="reply-files">"Images (PNG, JPEG or GIF; up to 3, 5 MB each)"</label>
            <input id="reply-files" type="file" multiple accept="image/png,image/jpeg,image/gif"
                on:change=move |ev| {
                    let input: web_sys::HtmlInputElement = event_target(&ev);
                    let mut picked = Vec::new();
                    if let Some(list) = input.files() {
                        for i in 0..list.length() {
                            if let Some(f) = list.get(i) { picked.push(f); }
                        }
                    }
                    files.set_value(picked);
                } />
            <div class="actions">
                <button type="button" class="primary" id="send-reply"
                    disabled=move || send.pending().get() || check.with(|c| c.is_error())
                    on:click=move |_| { send.dispatch(()); }>
                    {move || if send.pending().get() { "Sending…" } else { "Send reply" }}
                </button>
                {partner_side.then(|| view! {
                    <button type="button" id="mark-answered" disabled=move || answered.pending().get() on:click=move |_| { answered.dispatch(()); }>
                        "Mark as answered"
                    </button>
                })}
            </div>
        })}
    }
}
