//! E-mail notifications (the user menu): which e-mails I get; each e-mail's unsubscribe link turns off
//! its own kind without signing in.

use crate::api::{self, ApiError};
use crate::ui::{self, focus_on_mount, loaded, Shape};
use appreg_core::notifications::{NotificationKind, NotificationPrefs};
use leptos::html;
use leptos::prelude::*;

#[component]
pub fn Notifications() -> impl IntoView {
    let refresh = RwSignal::new(0u32);
    let prefs = ui::read(move || {
        refresh.track();
        api::notifications()
    });
    let set = ui::write(move |(kind, on): &(NotificationKind, bool)| {
        let (kind, on) = (*kind, *on);
        async move {
            api::set_notification(kind, on).await?;
            refresh.update(|n| *n += 1);
            Ok::<_, ApiError>(())
        }
    });
    let heading = NodeRef::<html::H1>::new();
    focus_on_mount(heading);
    view! {
        <section class="notifications" aria-labelledby="notifications-title">
            <h1 id="notifications-title" tabindex="-1" node_ref=heading>"E-mail notifications"</h1>
            <p class="hint">"Which e-mails the Developer Portal sends you. Every e-mail also has a link that turns off its own kind."</p>
            {loaded(prefs, Shape::Block, "Loading…", move |p: NotificationPrefs| {
                view! {
                    <fieldset>
                        <legend>"Send me e-mails about"</legend>
                        {p.kinds.into_iter().map(|k| {
                            let id = format!("notify-{}", k.kind.id());
                            let kind = k.kind;
                            view! {
                                <div class="check">
                                    <input type="checkbox" id=id.clone() prop:checked=k.enabled disabled=move || set.pending().get()
                                        on:change=move |ev| { set.dispatch((kind, event_target_checked(&ev))); } />
                                    <label for=id>{k.title}</label>
                                </div>
                            }
                        }).collect_view()}
                    </fieldset>
                }
                .into_any()
            })}
            <p role="status" id="notifications-status">
                {move || match set.value().get() {
                    Some(Ok(())) => "Saved.".to_string(),
                    Some(Err(e)) => e.message(),
                    None => String::new(),
                }}
            </p>
        </section>
    }
}
