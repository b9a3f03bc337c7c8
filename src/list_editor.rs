//! The one list editor for URLs and addresses, in the wizard and the console: one input per entry,
//! a counter, each entry's findings as it is typed, the "Stored as" canonical form, and the list's own
//! findings ("at least one", "at most 100").

use crate::ui::Findings;
use appreg_core::{Check, Finding, Rule};
use leptos::prelude::*;

/// A change to a list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ListEdit {
    Set(u32, String),
    Add,
    Remove(u32),
}

/// The element ids of one editor (the wizard keeps the ids it always had).
#[derive(Clone, Copy)]
pub struct ListIds {
    /// Each input is `{entry}-{n}` with the class `{entry}`; its findings `{entry}-{n}-findings`.
    pub entry: &'static str,
    pub count: &'static str,
    pub add: &'static str,
    /// The list's own findings.
    pub findings: &'static str,
    /// The hint every input is described by.
    pub hint: &'static str,
}

/// A list the editor changes, kept in a signal with stable entry ids (the console's lists).
#[derive(Clone, Copy)]
pub struct LocalList {
    items: RwSignal<Vec<(u32, String)>>,
    next: RwSignal<u32>,
}

impl LocalList {
    pub fn new(values: &[String]) -> LocalList {
        LocalList {
            items: RwSignal::new(Vec::new()),
            next: RwSignal::new(0),
        }
        .reset(values)
    }

    /// Replaces the entries (after a save, or with someone else's version).
    pub fn reset(self, values: &[String]) -> LocalList {
        let n = self.next.get_untracked();
        self.items.set(
            values
                .iter()
                .enumerate()
                .map(|(i, v)| (n + i as u32, v.clone()))
                .collect(),
        );
        self.next.set(n + values.len() as u32);
        self
    }

    pub fn entries(self) -> Signal<Vec<(u32, String)>> {
        self.items.into()
    }

    /// The values as typed, in order (each is checked, and the server stores its canonical form).
    pub fn values(self) -> Vec<String> {
        self.items
            .with(|l| l.iter().map(|(_, v)| v.clone()).collect())
    }

    pub fn edits(self) -> Callback<ListEdit> {
        Callback::new(move |e: ListEdit| match e {
            ListEdit::Set(id, v) => self.items.update(|l| {
                if let Some(slot) = l.iter_mut().find(|(i, _)| *i == id) {
                    slot.1 = v;
                }
            }),
            ListEdit::Add => {
                let id = self.next.get_untracked();
                self.next.set(id + 1);
                self.items.update(|l| l.push((id, String::new())));
            }
            ListEdit::Remove(id) => self.items.update(|l| l.retain(|(i, _)| *i != id)),
        })
    }
}

/// The editor: `checks` has one check per entry, in order; `noun` names an entry ("Redirect URL").
#[component]
pub fn ListEditor(
    ids: ListIds,
    noun: &'static str,
    entries: Signal<Vec<(u32, String)>>,
    edit: Callback<ListEdit>,
    checks: Signal<Vec<Check>>,
    list_findings: Signal<Vec<Finding>>,
    max: usize,
    /// The inputs' `type` and `inputmode` ("url" text, or "email").
    #[prop(default = "url")]
    kind: &'static str,
) -> impl IntoView {
    let count = Memo::new(move |_| entries.with(Vec::len));
    view! {
        <p class="counter" id=ids.count aria-live="polite">
            {move || format!("{} / {max}", count.get())}
        </p>
        <ol class="url-list">
            <For
                each=move || entries.with(|l| l.iter().map(|(id, _)| *id).collect::<Vec<_>>())
                key=|id| *id
                children=move |id| view! { <Row ids=ids noun=noun id=id entries=entries edit=edit checks=checks kind=kind /> }
            />
        </ol>
        <Findings id=ids.findings.into() findings=list_findings show=Signal::derive(|| true) />
        <button
            type="button"
            id=ids.add
            disabled=move || { count.get() >= max }
            on:click=move |_| edit.run(ListEdit::Add)
        >
            "Add More"
        </button>
    }
}

#[component]
fn Row(
    ids: ListIds,
    noun: &'static str,
    id: u32,
    entries: Signal<Vec<(u32, String)>>,
    edit: Callback<ListEdit>,
    checks: Signal<Vec<Check>>,
    kind: &'static str,
) -> impl IntoView {
    let index = Memo::new(move |_| entries.with(|l| l.iter().position(|(i, _)| *i == id)));
    let value = Memo::new(move |_| {
        entries.with(|l| {
            l.iter()
                .find(|(i, _)| *i == id)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        })
    });
    let check = Memo::new(move |_| index.get().and_then(|i| checks.with(|c| c.get(i).cloned())));
    let touched = RwSignal::new(false);
    let show = Signal::derive(move || touched.get() || !value.with(String::is_empty));
    // RU-CANONICAL is the "Stored as" line below the findings.
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
    let input_id = format!("{}-{id}", ids.entry);
    let for_id = input_id.clone();
    let findings_id = format!("{input_id}-findings");
    let canonical_id = format!("{input_id}-canonical");
    let number = move || index.get().map(|i| i + 1).unwrap_or_default();
    let (input_type, inputmode) = if kind == "email" {
        ("email", "email")
    } else {
        ("text", "url")
    };
    view! {
        <li class="url-row">
            <label for=for_id>{move || format!("{noun} {}", number())}</label>
            <div class="row">
                <input
                    id=input_id
                    class=ids.entry
                    type=input_type
                    inputmode=inputmode
                    autocomplete="off"
                    spellcheck="false"
                    aria-describedby=format!("{} {findings_id} {canonical_id}", ids.hint)
                    aria-invalid=move || (show.get() && invalid.get()).to_string()
                    prop:value=value
                    on:input=move |ev| edit.run(ListEdit::Set(id, event_target_value(&ev)))
                    on:blur=move |_| touched.set(true)
                />
                <button
                    type="button"
                    class="remove"
                    aria-label=move || format!("Remove {} {}", lower_first(noun), number())
                    on:click=move |_| edit.run(ListEdit::Remove(id))
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

/// "Redirect URL" → "redirect URL" inside a sentence; an acronym ("CORS origin") stays as it is.
fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match (c.next(), s.chars().nth(1)) {
        (Some(f), Some(second)) if !second.is_uppercase() => f.to_lowercase().chain(c).collect(),
        _ => s.to_string(),
    }
}
