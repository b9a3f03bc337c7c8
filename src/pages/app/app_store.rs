//! App Store (standard apps only): the listing form with red (blocks saving) and orange (blocks
//! publishing) marking from the core's APPSTORE-* rules, image uploads with previews, a preview of the
//! listing card, and its own request to publish.

use super::use_console;
use crate::api::{self, ApiError};
use crate::ui::{self, loaded, Shape};
use appreg_core::{
    blocks_publish, blocks_save, check_app_store, AppStoreField, AppStoreFinding, AppStoreInfo,
    AppStoreList, AppStoreState, FieldPath, Gate, ImageRef, CATEGORIES, LANGUAGES,
};
use leptos::prelude::*;

#[component]
pub(super) fn AppStore() -> impl IntoView {
    let c = use_console();
    let id = c.id();
    let state = ui::read(move || {
        let id = id.clone();
        async move { api::app_store(&id).await }
    });
    view! {
        <section aria-labelledby="section-title">
            <h2 id="section-title" tabindex="-1">"App Store"</h2>
            {loaded(state, Shape::Block, "Loading the App Store information…", move |(s, etag)| {
                view! { <AppStoreForm state=s etag=etag /> }.into_any()
            })}
        </section>
    }
}

/// The findings of one field (or one entry of a list).
fn of_field(f: &[AppStoreFinding], field: FieldPath) -> Vec<AppStoreFinding> {
    f.iter().filter(|x| x.field == field).cloned().collect()
}

#[component]
fn Marks(id: String, findings: Signal<Vec<AppStoreFinding>>) -> impl IntoView {
    view! {
        <ul id=id class="findings" aria-live="polite">
            {move || findings.get().into_iter().map(|f| {
                let class = if f.gate == Gate::Save { "error" } else { "publish" };
                view! { <li class=class data-rule=f.rule.id()>{f.message}" "<span class="rule">"("{f.rule.id()}")"</span></li> }
            }).collect_view()}
        </ul>
    }
}

#[component]
fn AppStoreForm(state: AppStoreState, etag: Option<String>) -> impl IntoView {
    let c = use_console();
    let editable = c.editable.get_untracked();
    let info = RwSignal::new(state.info.clone());
    let etag = RwSignal::new(etag);
    let saved = RwSignal::new(state.clone());
    let findings = Memo::new(move |_| info.with(check_app_store));
    let dirty = Memo::new(move |_| info.with(|i| saved.with(|s| *i != s.info)));
    let save = ui::write(move |_: &()| {
        let (id, body, tag) = (c.id(), info.get_untracked(), etag.get_untracked());
        async move {
            let (s, t) = api::save_app_store(&id, tag.as_deref().unwrap_or("*"), &body).await?;
            info.set(s.info.clone());
            saved.set(s);
            etag.set(t);
            Ok::<_, ApiError>(())
        }
    });
    let publish = ui::write(move |_: &()| {
        let id = c.id();
        async move {
            api::publish_app_store(&id, "").await?;
            let (s, t) = api::app_store(&id).await?;
            saved.set(s);
            etag.set(t);
            Ok::<_, ApiError>(())
        }
    });
    let field = move |f: AppStoreField| {
        Signal::derive(move || findings.with(|all| of_field(all, FieldPath::AppStore(f))))
    };
    let text = move |f: AppStoreField,
                     label: &'static str,
                     id: &'static str,
                     long: bool,
                     get: fn(&AppStoreInfo) -> &String,
                     set: fn(&mut AppStoreInfo, String)| {
        if !editable {
            // Read-only (Marketing, an app manager, a deactivated app): the values, no controls.
            return view! {
                <div class="field">
                    <p class="label">{label}</p>
                    <p class="value" id=id>{move || info.with(|i| get(i).clone())}</p>
                </div>
            }
            .into_any();
        }
        let marks = field(f);
        let required = required_of(f);
        let fid = format!("{id}-findings");
        let marks_id = fid.clone();
        let input = if long {
            view! {
                <textarea id=id rows="4" readonly=!editable aria-describedby=fid.clone()
                    aria-invalid=move || marks.with(|m| m.iter().any(|x| x.gate == Gate::Save)).to_string()
                    prop:value=move || info.with(|i| get(i).clone())
                    on:input=move |ev| info.update(|i| set(i, event_target_value(&ev)))></textarea>
            }.into_any()
        } else {
            view! {
                <input id=id type="text" readonly=!editable aria-describedby=fid.clone()
                    aria-invalid=move || marks.with(|m| m.iter().any(|x| x.gate == Gate::Save)).to_string()
                    prop:value=move || info.with(|i| get(i).clone())
                    on:input=move |ev| info.update(|i| set(i, event_target_value(&ev))) />
            }.into_any()
        };
        view! {
            <div class=format!("field {}", required.0)>
                <label for=id>{label}" "<span class="gate">{required.1}</span></label>
                {input}
                <Marks id=marks_id findings=marks />
            </div>
        }
        .into_any()
    };
    let checklist = move |list: AppStoreList,
                          legend: &'static str,
                          options: &'static [(&'static str, &'static str)]| {
        let f = match list {
            AppStoreList::Categories => AppStoreField::Categories,
            _ => AppStoreField::Languages,
        };
        let marks = Signal::derive(move || {
            findings.with(|all| {
                all.iter()
                    .filter(|x| {
                        x.field == FieldPath::AppStore(f)
                            || matches!(x.field, FieldPath::AppStoreEntry(l, _) if l == list)
                    })
                    .cloned()
                    .collect()
            })
        });
        if !editable {
            return view! {
                <div class="field">
                    <p class="label">{legend}</p>
                    <p class="value">{move || info.with(|i| list_of(i, list).iter().filter_map(|v| options.iter().find(|(id, _)| id == v).map(|(_, t)| *t)).collect::<Vec<_>>().join(", "))}</p>
                </div>
            }
            .into_any();
        }
        let fid = format!("{}-findings", list_id(list));
        let described = fid.clone();
        view! {
            <fieldset class="field publish-required checks" aria-describedby=described>
                <legend>{legend}" "<span class="gate">"(required to publish)"</span></legend>
                {options.iter().map(|&(value, title)| {
                    let id = format!("{}-{value}", list_id(list));
                    let has = move || info.with(|i| list_of(i, list).iter().any(|v| v == value));
                    view! {
                        <div class="check">
                            <input type="checkbox" id=id.clone() disabled=!editable prop:checked=has
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    info.update(|i| {
                                        let l = list_of_mut(i, list);
                                        l.retain(|v| v != value);
                                        if on { l.push(value.to_string()); }
                                    });
                                } />
                            <label for=id>{title}</label>
                        </div>
                    }
                }).collect_view()}
                <Marks id=fid findings=marks />
            </fieldset>
        }
        .into_any()
    };
    use AppStoreField as F;
    // The logo and the screenshots: each image is drawn anew only when they change, not at every
    // keystroke in the form's other fields (a new image is fetched again).
    let images = Memo::new(move |_| info.with(|i| (i.logo.clone(), i.screenshots.clone())));
    view! {
        <p class="hint" id="app-store-legend">
            <span class="gate-save">"Red"</span>" fields are needed to save a draft; "
            <span class="gate-publish">"orange"</span>" ones only to publish the listing."
        </p>
        <p class="muted" id="app-store-version">
            {move || saved.with(|s| match (s.version, s.state) {
                (0, _) => "Not saved yet.".to_string(),
                (n, Some(st)) => format!("Version {n} · {}{}", state_words(st), s.published_version.map(|p| format!(" · version {p} is in the App Store")).unwrap_or_default()),
                (n, None) => format!("Version {n}"),
            })}
        </p>
        <ListingCard info=info images=images app=c.id() />
        {text(F::ListingName, "Listing name", "as-name", false, |i| &i.listing_name, |i, v| i.listing_name = v)}
        {text(F::ShortDescription, "Short description (up to 160 characters)", "as-short", false, |i| &i.short_description, |i, v| i.short_description = v)}
        {text(F::LongDescription, "Long description (up to 4,000 characters)", "as-long", true, |i| &i.long_description, |i, v| i.long_description = v)}
        {text(F::HomepageUrl, "Homepage", "as-homepage", false, |i| &i.homepage_url, |i, v| i.homepage_url = v)}
        {text(F::SupportUrl, "Support page", "as-support", false, |i| &i.support_url, |i, v| i.support_url = v)}
        {text(F::PrivacyUrl, "Privacy policy", "as-privacy", false, |i| &i.privacy_url, |i, v| i.privacy_url = v)}
        {text(F::TermsUrl, "Terms of use", "as-terms", false, |i| &i.terms_url, |i, v| i.terms_url = v)}
        {text(F::SupportEmail, "Support e-mail", "as-email", false, |i| &i.support_email, |i, v| i.support_email = v)}
        {checklist(AppStoreList::Categories, "Categories (up to 3)", CATEGORIES)}
        {checklist(AppStoreList::Languages, "Supported languages", LANGUAGES)}
        <Images info=info images=images findings=findings editable=editable />
        {editable.then(|| view! {
            <div class="actions">
                <button type="button" class="primary" id="save-app-store"
                    disabled=move || save.pending().get() || findings.with(|f| blocks_save(f)) || !dirty.get()
                    on:click=move |_| { save.dispatch(()); }>
                    {move || if save.pending().get() { "Saving…" } else { "Save draft" }}
                </button>
                <button type="button" id="publish-app-store"
                    aria-describedby="publish-app-store-why"
                    disabled=move || publish.pending().get() || dirty.get() || findings.with(|f| blocks_publish(f)) || !saved.with(|s| s.can_publish)
                    on:click=move |_| { publish.dispatch(()); }>
                    {move || if publish.pending().get() { "Requesting…" } else { "Request to publish the listing" }}
                </button>
            </div>
            <p id="publish-app-store-why" class="reason">
                {move || if dirty.get() { "Save the draft first." } else if findings.with(|f| blocks_publish(f)) { "Fill in the orange fields to publish." } else { "" }}
            </p>
        })}
        <p role="status" id="app-store-status">
            {move || match (save.value().get(), publish.value().get()) {
                (_, Some(Ok(()))) => "Requested. An app manager reviews the listing.".to_string(),
                (_, Some(Err(e))) => e.message(),
                (Some(Ok(())), None) => "Saved.".to_string(),
                (Some(Err(e)), None) => e.message(),
                _ => String::new(),
            }}
        </p>
    }
}

fn required_of(f: AppStoreField) -> (&'static str, &'static str) {
    match f {
        AppStoreField::ListingName | AppStoreField::ShortDescription => {
            ("save-required", "(required)")
        }
        _ => ("publish-required", "(required to publish)"),
    }
}

fn state_words(s: appreg_core::versions::VersionState) -> &'static str {
    use appreg_core::versions::VersionState::*;
    match s {
        Draft => "draft",
        Published => "published",
        Pending => "request pending",
        Rejected => "rejected",
    }
}

fn list_id(list: AppStoreList) -> &'static str {
    match list {
        AppStoreList::Categories => "as-category",
        AppStoreList::Languages => "as-language",
        AppStoreList::Screenshots => "as-screenshot",
    }
}

fn list_of(i: &AppStoreInfo, list: AppStoreList) -> &Vec<String> {
    match list {
        AppStoreList::Categories => &i.categories,
        _ => &i.languages,
    }
}

fn list_of_mut(i: &mut AppStoreInfo, list: AppStoreList) -> &mut Vec<String> {
    match list {
        AppStoreList::Categories => &mut i.categories,
        _ => &mut i.languages,
    }
}

/// The logo and screenshots: uploaded as they are picked (the server reads their type from their
/// bytes), previewed, removable.
#[component]
fn Images(
    info: RwSignal<AppStoreInfo>,
    images: Memo<(Option<ImageRef>, Vec<ImageRef>)>,
    findings: Memo<Vec<AppStoreFinding>>,
    editable: bool,
) -> impl IntoView {
    let c = use_console();
    // The picked file stays on this (the only) thread: a local stored value, not part of the action's input.
    let picked = StoredValue::new_local(None::<web_sys::File>);
    let upload = ui::write(move |kind: &&'static str| {
        let (id, kind, file) = (c.id(), *kind, picked.get_value());
        async move {
            let Some(file) = file else { return Ok(()) };
            let img: ImageRef = api::upload_image(&id, kind, &file).await?;
            info.update(|i| {
                if kind == "logo" {
                    i.logo = Some(img)
                } else {
                    i.screenshots.push(img)
                }
            });
            Ok::<_, ApiError>(())
        }
    });
    let pick = move |kind: &'static str| {
        move |ev: leptos::ev::Event| {
            let input: web_sys::HtmlInputElement = event_target(&ev);
            if let Some(f) = input.files().and_then(|l| l.get(0)) {
                picked.set_value(Some(f));
                upload.dispatch(kind);
            }
            input.set_value("");
        }
    };
    let logo_marks = Signal::derive(move || {
        findings.with(|all| of_field(all, FieldPath::AppStore(AppStoreField::Logo)))
    });
    let shot_marks = Signal::derive(move || {
        findings.with(|all| {
            all.iter()
                .filter(|x| {
                    x.field == FieldPath::AppStore(AppStoreField::Screenshots)
                        || matches!(
                            x.field,
                            FieldPath::AppStoreEntry(AppStoreList::Screenshots, _)
                        )
                })
                .cloned()
                .collect()
        })
    });
    let app = c.id();
    let app2 = c.id();
    view! {
        <fieldset class="field publish-required images">
            <legend>"Logo "<span class="gate">"(required to publish)"</span></legend>
            <p class="hint" id="as-logo-hint">"A square PNG of at least 256 × 256 px, or a square SVG; at most 1 MB."</p>
            {move || images.with(|(logo, _)| logo.clone()).map(|l| {
                let url = (app.clone(), l.id.clone());
                view! {
                    <div class="thumb">
                        <StoredImage src=url alt="Logo preview".into() width=96 height=Some(96) />
                        <span class="muted">{format!("{} · {} × {} px · {} KB", l.content_type, l.width, l.height, l.bytes.div_ceil(1024))}</span>
                        {editable.then(|| view! { <button type="button" on:click=move |_| info.update(|i| i.logo = None)>"Remove logo"</button> })}
                    </div>
                }
            })}
            {editable.then(|| view! {
                <label for="as-logo">"Upload a logo"</label>
                <input id="as-logo" type="file" accept="image/png,image/svg+xml" aria-describedby="as-logo-hint as-logo-findings" on:change=pick("logo") />
            })}
            <Marks id="as-logo-findings".into() findings=logo_marks />
        </fieldset>
        <fieldset class="field publish-required images">
            <legend>"Screenshots "<span class="gate">"(1 to 5, required to publish)"</span></legend>
            <p class="hint" id="as-shot-hint">"PNG or JPEG, 320 to 3,840 px a side, at most 5 MB each."</p>
            <ul class="plain thumbs">
                {move || images.with(|(_, shots)| shots.clone()).into_iter().enumerate().map(|(n, s)| {
                    let url = (app2.clone(), s.id.clone());
                    let sid = s.id.clone();
                    view! {
                        <li class="thumb">
                            <StoredImage src=url alt=format!("Screenshot {} preview", n + 1) width=160 height=None />
                            {editable.then(|| view! {
                                <button type="button" on:click=move |_| info.update(|i| i.screenshots.retain(|x| x.id != sid))>
                                    {format!("Remove screenshot {}", n + 1)}
                                </button>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {editable.then(|| view! {
                <label for="as-screenshot">"Upload a screenshot"</label>
                <input id="as-screenshot" type="file" accept="image/png,image/jpeg" aria-describedby="as-shot-hint as-screenshot-findings" on:change=pick("screenshot") />
            })}
            <Marks id="as-screenshot-findings".into() findings=shot_marks />
        </fieldset>
        <p role="status" id="upload-status">
            {move || match upload.value().get() {
                Some(Err(e)) => e.message(),
                Some(Ok(())) => "Uploaded.".to_string(),
                None if upload.pending().get() => "Uploading…".to_string(),
                None => String::new(),
            }}
        </p>
    }
}

/// An uploaded image (`src`: the app's and the image's id), fetched signed like every request and shown
/// from a `blob:` URL, revoked when the image goes. An `<img>` pointing at the portal would go without
/// the host's token when embedded with one (a host's policy must then allow `img-src blob:`). When the
/// fetch fails, it says why beside the image, with Try again.
#[component]
fn StoredImage(
    src: (String, String),
    alt: String,
    width: u32,
    height: Option<u32>,
) -> impl IntoView {
    let blob = RwSignal::new(None::<String>);
    let failed = RwSignal::new(None::<String>);
    let href = StoredValue::new(api::image_url(&src.0, &src.1));
    let fetch = move || {
        failed.set(None);
        leptos::task::spawn_local(async move {
            match api::object_url(&href.get_value()).await {
                // The image went while it was fetched: nothing will show the URL, so let it go now.
                Ok(url) => {
                    if let Some(url) = blob.try_set(Some(url)).flatten() {
                        let _ = web_sys::Url::revoke_object_url(&url);
                    }
                }
                Err(e) => {
                    let _ = failed.try_set(Some(e.message()));
                }
            }
        });
    };
    fetch();
    on_cleanup(move || {
        if let Some(url) = blob.get_untracked() {
            let _ = web_sys::Url::revoke_object_url(&url);
        }
    });
    view! {
        <img src=move || blob.get() alt=alt width=width height=height />
        {move || failed.get().map(|why| view! {
            <span class="error image-failed" role="alert">
                {format!("The image could not be loaded: {why} ")}
                <button type="button" on:click=move |_| fetch()>"Try again"</button>
            </span>
        })}
    }
}

/// How the listing will look in the App Store.
#[component]
fn ListingCard(
    info: RwSignal<AppStoreInfo>,
    images: Memo<(Option<ImageRef>, Vec<ImageRef>)>,
    app: String,
) -> impl IntoView {
    view! {
        <figure class="listing-card" aria-label="Preview of the listing">
            {move || images.with(|(logo, _)| logo.clone()).map(|l| view! { <StoredImage src=(app.clone(), l.id) alt=String::new() width=48 height=Some(48) /> })}
            <figcaption>
                <strong>{move || info.with(|i| if i.listing_name.trim().is_empty() { "Listing name".to_string() } else { i.listing_name.clone() })}</strong>
                <span>{move || info.with(|i| i.short_description.clone())}</span>
                <span class="muted">{move || info.with(|i| i.categories.iter().filter_map(|c| CATEGORIES.iter().find(|(id, _)| id == c).map(|(_, t)| *t)).collect::<Vec<_>>().join(" · "))}</span>
            </figcaption>
        </figure>
    }
}
