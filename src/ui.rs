//! Small shared pieces: the findings list next to a field, copy and download, debouncing, focus on
//! a page's heading, and the boxed read/write helpers with the one way a read is drawn ([`loaded`]).

use crate::api::ApiError;
use appreg_core::{Finding, Template};
use leptos::html;
use leptos::prelude::*;
use std::any::Any;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::rc::Rc;
use std::time::Duration;
use wasm_bindgen::JsValue;

/// The findings of one field, linked from the field with `aria-describedby`.
#[component]
pub fn Findings(
    id: String,
    findings: Signal<Vec<Finding>>,
    /// Hide until the user has touched the field (an empty field is not an error yet).
    show: Signal<bool>,
) -> impl IntoView {
    view! {
        <ul id=id class="findings" aria-live="polite">
            {move || {
                show.get()
                    .then(|| {
                        findings
                            .get()
                            .into_iter()
                            .map(|f| {
                                view! {
                                    <li class=f.severity.as_str() data-rule=f.rule.id()>
                                        {f.message}
                                        " "
                                        <span class="rule">"("{f.rule.id()}")"</span>
                                    </li>
                                }
                            })
                            .collect_view()
                    })
            }}
        </ul>
    }
}

/// Whether a list of findings has an error.
pub fn has_error(f: &[Finding]) -> bool {
    f.iter().any(|f| f.severity == appreg_core::Severity::Error)
}

/// Copies text to the clipboard.
pub fn copy(text: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.navigator().clipboard().write_text(text);
    }
}

/// A "Copy" button that says "Copied" for a moment.
#[component]
pub fn CopyButton(text: Signal<String>, label: &'static str) -> impl IntoView {
    let copied = RwSignal::new(false);
    view! {
        <button
            type="button"
            class="copy"
            on:click=move |_| {
                copy(&text.get_untracked());
                copied.set(true);
                set_timeout(move || { let _ = copied.try_set(false); }, Duration::from_secs(2));
            }
        >
            {move || if copied.get() { "Copied" } else { label }}
        </button>
    }
}

thread_local! {
    static ROOT: std::cell::RefCell<Option<web_sys::ShadowRoot>> = const { std::cell::RefCell::new(None) };
}

/// The shadow root the app lives in when `/embed.js` mounted it (`None`: the document).
pub fn set_root(root: Option<web_sys::ShadowRoot>) {
    ROOT.with(|r| *r.borrow_mut() = root);
}

/// An element of the app by id: in its shadow root when embedded, else in the document.
pub fn by_id(id: &str) -> Option<web_sys::Element> {
    ROOT.with(|r| match r.borrow().as_ref() {
        Some(root) => root.get_element_by_id(id),
        None => document().get_element_by_id(id),
    })
}

/// Offers a text file for download.
pub fn download(filename: &str, mime: &str, content: &str) {
    let parts = js_sys::Array::of1(&JsValue::from_str(content));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    save(&url, filename);
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// Has the browser save what `url` (a `blob:` URL) holds as `filename`.
pub fn save(url: &str, filename: &str) {
    if let Ok(a) = document().create_element("a") {
        let a: web_sys::HtmlAnchorElement = wasm_bindgen::JsCast::unchecked_into(a);
        a.set_href(url);
        a.set_download(filename);
        a.click();
    }
}

/// A signal that follows `source` once it has been still for `ms` milliseconds.
pub fn debounced<T>(source: impl Fn() -> T + 'static, ms: u64) -> ReadSignal<T>
where
    T: Clone + PartialEq + Send + Sync + 'static,
{
    let (out, set_out) = signal(untrack(&source));
    Effect::new(move |prev: Option<Option<TimeoutHandle>>| {
        let value = source();
        if let Some(Some(h)) = prev {
            h.clear();
        }
        if out.with_untracked(|o| *o == value) {
            return None;
        }
        set_timeout_with_handle(
            move || {
                let _ = set_out.try_set(value);
            },
            Duration::from_millis(ms),
        )
        .ok()
    });
    out
}

/// The technical contact's type-ahead (the wizard's and the console's): the partner's users whose
/// e-mail starts with what is typed, read once typing pauses; none once the typed address is one of them.
pub fn contact_suggestions(
    contact: Signal<String>,
    partner: Signal<String>,
) -> Memo<Vec<appreg_core::api::UserSummary>> {
    let prefix = debounced(move || contact.get().trim().to_lowercase(), 250);
    let options = read(move || {
        let (p, partner) = (prefix.get(), partner.get());
        async move {
            if p.is_empty() {
                return Vec::new();
            }
            crate::api::users(&partner, &p).await.unwrap_or_default()
        }
    });
    Memo::new(move |_| {
        let c = contact.get().trim().to_lowercase();
        let list = options.get().unwrap_or_default();
        if list.iter().any(|u| u.email.to_lowercase() == c) {
            Vec::new()
        } else {
            list
        }
    })
}

/// The default-configuration table of `product.md`, for one template.
#[component]
pub fn ConfigTable(template: Template) -> impl IntoView {
    let caps = template.capabilities();
    view! {
        <table class="config">
            <caption>"Default configuration of " {template.title()}</caption>
            <thead>
                <tr>
                    <th scope="col">"Capability"</th>
                    <th scope="col">"What it means"</th>
                    <th scope="col">"Set"</th>
                </tr>
            </thead>
            <tbody>
                {appreg_core::Capability::ALL
                    .into_iter()
                    .map(|c| {
                        let on = caps.contains(&c);
                        view! {
                            <tr class:on=on>
                                <th scope="row">{c.title()}</th>
                                <td>{c.meaning()}</td>
                                <td>{if on { "Yes" } else { "No" }}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

/// The license messages for a choice (core `license_notes`).
#[component]
pub fn LicenseNotes(notes: Signal<Vec<appreg_core::LicenseNote>>) -> impl IntoView {
    view! {
        <div class="licenses" aria-live="polite">
            {move || {
                notes
                    .get()
                    .into_iter()
                    .map(|n| {
                        view! {
                            <p class=if n.informational { "note info" } else { "note license" } data-note=n.id>
                                {n.text}
                            </p>
                        }
                    })
                    .collect_view()
            }}
        </div>
    }
}

/// A future as the helpers below keep it: boxed, so its type is the same at every call site.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T>>>;

/// A read: every answer type shares one `LocalResource<Rc<dyn Any>>`, so Leptos's async machinery is
/// compiled once for all reads (not once per answer type, as `LocalResource<T>` would be); [`Read::get`]
/// gives the typed answer back. Measured with `make size`.
pub struct Read<T> {
    raw: LocalResource<Erased>,
    answer: PhantomData<fn() -> T>,
}

type Erased = Rc<dyn Any>;

impl<T> Clone for Read<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Read<T> {}

impl<T: Clone + 'static> Read<T> {
    /// The answer, once there is one (tracked, like `LocalResource::get`).
    pub fn get(&self) -> Option<T> {
        self.raw.get()?.downcast_ref::<T>().cloned()
    }
    /// The answer without subscribing to it.
    pub fn get_untracked(&self) -> Option<T> {
        self.raw.get_untracked()?.downcast_ref::<T>().cloned()
    }
    /// Like `LocalResource::with` (tracked), on a copy of the answer.
    pub fn with<R>(&self, f: impl FnOnce(&Option<T>) -> R) -> R {
        f(&self.get())
    }
    /// Reads again.
    pub fn refetch(&self) {
        self.raw.refetch();
    }
}

pub fn read<T, F>(load: impl Fn() -> F + 'static) -> Read<T>
where
    T: 'static,
    F: Future<Output = T> + 'static,
{
    Read {
        raw: read_erased(Box::new(move || {
            let answer = load();
            Box::pin(async move { Rc::new(answer.await) as Erased }) as BoxFuture<Erased>
        })),
        answer: PhantomData,
    }
}

fn read_erased(load: Box<dyn Fn() -> BoxFuture<Erased>>) -> LocalResource<Erased> {
    LocalResource::new(load)
}

/// A write: like [`read`], every action shares one `Action<Rc<dyn Any>, Rc<dyn Any>>` (compiled once);
/// [`Write::dispatch`] and [`Write::value`] keep the input and answer types.
pub struct Write<I, O> {
    raw: Action<Erased, Erased>,
    types: PhantomData<fn(I) -> O>,
}

impl<I, O> Clone for Write<I, O> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<I, O> Copy for Write<I, O> {}

impl<I: 'static, O: Clone + 'static> Write<I, O> {
    pub fn dispatch(&self, input: I) {
        self.raw.dispatch_local(Rc::new(input) as Erased);
    }
    /// Whether a dispatch is running.
    pub fn pending(&self) -> Memo<bool> {
        self.raw.pending()
    }
    /// The last answer (`None` before the first one).
    pub fn value(&self) -> Answer<O> {
        Answer {
            raw: self.raw.value(),
            answer: PhantomData,
        }
    }
}

/// The answer of a [`Write`], tracked like a signal.
pub struct Answer<O> {
    raw: MappedSignal<Option<Erased>>,
    answer: PhantomData<fn() -> O>,
}

impl<O: Clone + 'static> Answer<O> {
    pub fn get(&self) -> Option<O> {
        self.raw.get()?.downcast_ref::<O>().cloned()
    }
    pub fn with<R>(&self, f: impl FnOnce(&Option<O>) -> R) -> R {
        f(&self.get())
    }
}

pub fn write<I, O, F>(run: impl Fn(&I) -> F + 'static) -> Write<I, O>
where
    I: 'static,
    O: 'static,
    F: Future<Output = O> + 'static,
{
    Write {
        raw: write_erased(Box::new(move |input: &Erased| {
            let answer = input.downcast_ref::<I>().map(&run);
            Box::pin(async move {
                match answer {
                    Some(a) => Rc::new(a.await) as Erased,
                    None => Rc::new(()) as Erased,
                }
            }) as BoxFuture<Erased>
        })),
        types: PhantomData,
    }
}

/// An action's function as [`write`] keeps it.
type BoxAction = Box<dyn Fn(&Erased) -> BoxFuture<Erased>>;

fn write_erased(run: BoxAction) -> Action<Erased, Erased> {
    Action::new_local(run)
}

/// Moves the focus to a page's heading once it is drawn (and again when it is drawn anew).
pub fn focus_on_mount(node: NodeRef<html::H1>) {
    Effect::new(move |_| {
        if let Some(h) = node.get() {
            focus_at_next_frame(h.into());
        }
    });
}

/// Focuses `el` at the next frame rather than at once: a focus during a render makes the browser
/// style and lay out a page that is still being built (and again once it is).
pub fn focus_at_next_frame(el: web_sys::HtmlElement) {
    request_animation_frame(move || {
        let _ = el.focus();
    });
}

/// Runs `f` once the browser is idle (`requestIdleCallback`, within 2 s; the next task where the
/// browser has no such call): what the screen just drawn does not need waits for the user's first
/// clicks rather than going before them.
pub fn when_idle(f: impl FnOnce() + 'static) {
    use wasm_bindgen::{closure::Closure, JsCast};
    let Some(w) = web_sys::window() else { return };
    let f = Closure::once_into_js(f);
    let f: &js_sys::Function = f.unchecked_ref();
    let options = web_sys::IdleRequestOptions::new();
    options.set_timeout(2000);
    if w.request_idle_callback_with_options(f, &options).is_err() {
        let _ = w.set_timeout_with_callback(f);
    }
}

/// Where a read is drawn: as a block of the page, or as the items of the list it fills.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Block,
    Item,
}

/// A read in its three states: `loading` while it runs, the error with "Try again" (which reads
/// again), and the value as `value` draws it. Every page's read goes through here.
pub fn loaded<T: Clone + 'static>(
    res: Read<Result<T, ApiError>>,
    shape: Shape,
    loading: &'static str,
    value: impl Fn(T) -> AnyView + Send + Sync + 'static,
) -> impl IntoView {
    move || match res.get() {
        None => pending(shape, loading),
        Some(Err(e)) => failed(shape, e.message(), Box::new(move || res.refetch())),
        Some(Ok(v)) => value(v),
    }
}

fn pending(shape: Shape, text: &'static str) -> AnyView {
    match shape {
        Shape::Block => view! { <p class="loading" role="status">{text}</p> }.into_any(),
        Shape::Item => view! { <li class="loading">{text}</li> }.into_any(),
    }
}

fn failed(shape: Shape, message: String, retry: Box<dyn Fn()>) -> AnyView {
    let again = view! {
        " "
        <button type="button" class="link retry" on:click=move |_| retry()>"Try again"</button>
    };
    match shape {
        Shape::Block => {
            view! { <p class="alert error" role="alert">{message}{again}</p> }.into_any()
        }
        Shape::Item => view! { <li class="error">{message}{again}</li> }.into_any(),
    }
}
