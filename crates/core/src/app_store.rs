//! App Store information of standard apps (APPSTORE-*): the listing a partner publishes for customers.
//! Custom apps have none. The browser checks it as the user types and the server checks it again on
//! every save and every request to publish; only the listing name's uniqueness (APPSTORE-NAME-TAKEN)
//! needs the database.
//!
//! Every finding has a [`Gate`], the action it blocks:
//!
//! - **Red, [`Gate::Save`]**: what is there is wrong, so it cannot even be kept as a draft — malformed
//!   (an `http://` URL, an invalid e-mail, an unknown category or language, an image of the wrong kind
//!   or size), too long or too many (every upper limit: 80, 160 and 4,000 characters, 3 categories,
//!   5 screenshots, a repeated category or language). The listing name and the short description are
//!   also required to save: they name and summarise the draft in lists.
//! - **Orange, [`Gate::Publish`]**: something a published listing needs is still missing — the long
//!   description, the homepage, support, privacy policy and terms URLs, the support e-mail, a category,
//!   a language, the logo, a screenshot. Publishing is blocked by both gates.
//!
//! | rule | red (Save) | orange (Publish) |
//! |---|---|---|
//! | APPSTORE-NAME | empty, > 80 characters, a character app names may not have | — |
//! | APPSTORE-NAME-TAKEN | another listing has the name (server) | — |
//! | APPSTORE-SHORT | empty, > 160 characters | — |
//! | APPSTORE-LONG | > 4,000 characters | empty |
//! | APPSTORE-URL | given but not a public `https://` URL | any of the four missing |
//! | APPSTORE-EMAIL | given but not a valid address | missing |
//! | APPSTORE-CATEGORY | unknown ID, twice, more than 3 | none |
//! | APPSTORE-LANGUAGE | unknown code, twice | none |
//! | APPSTORE-LOGO | not a square PNG ≥ 256 px or square SVG, or > 1 MB | missing |
//! | APPSTORE-SCREENSHOTS | more than 5; one not a PNG/JPEG of 320–3,840 px a side, or > 5 MB | none |
//!
//! Images are uploaded to the server, which reads their type and size from their bytes with
//! [`sniff_image`] (never from the file name or the client's `Content-Type`) and records them as an
//! [`ImageRef`]; [`check_logo`] and [`check_screenshot`] then judge them.

use crate::api::FieldError;
use crate::contact::email_syntax;
use crate::field::{AppStoreField, AppStoreList, FieldPath};
use crate::finding::{Check, Finding, Rule, Severity};
use crate::name::{check_name, name_key};
use crate::redirect::MAX_URL_CHARS;
use crate::urlparts;
use crate::versions::VersionState;
use serde::{Deserialize, Serialize};

/// Longest listing name, in characters after trimming.
pub const MAX_LISTING_NAME_CHARS: usize = 80;
/// Longest short description, in characters after trimming.
pub const MAX_SHORT_DESCRIPTION_CHARS: usize = 160;
/// Longest long description, in characters after trimming.
pub const MAX_LONG_DESCRIPTION_CHARS: usize = 4000;
/// Most categories a listing has.
pub const MAX_CATEGORIES: usize = 3;
/// Most screenshots a listing has.
pub const MAX_SCREENSHOTS: usize = 5;
/// Smallest side of a PNG logo, in pixels (an SVG scales to any size).
pub const MIN_LOGO_PX: u32 = 256;
/// Largest logo file: 1 MB.
pub const MAX_LOGO_BYTES: u64 = 1024 * 1024;
/// Shortest side of a screenshot, in pixels.
pub const MIN_SCREENSHOT_PX: u32 = 320;
/// Longest side of a screenshot, in pixels.
pub const MAX_SCREENSHOT_PX: u32 = 3840;
/// Largest screenshot file: 5 MB.
pub const MAX_SCREENSHOT_BYTES: u64 = 5 * 1024 * 1024;

/// `image/png`
pub const PNG: &str = "image/png";
/// `image/svg+xml`
pub const SVG: &str = "image/svg+xml";
/// `image/jpeg`
pub const JPEG: &str = "image/jpeg";

/// The App Store categories: ID (stored and sent) and title (shown).
pub const CATEGORIES: &[(&str, &str)] = &[
    ("accounting", "Accounting and ERP"),
    ("analytics", "Analytics and reporting"),
    ("communication", "Communication and telephony"),
    ("customer_service", "Customer service"),
    ("documents", "Documents and e-signing"),
    ("e_commerce", "E-commerce"),
    ("integration", "Integration platforms"),
    ("marketing", "Marketing"),
    ("productivity", "Productivity"),
    ("sales", "Sales"),
    ("security", "Security and compliance"),
];

/// The languages a listing can say its app supports: code (stored and sent) and title (shown).
pub const LANGUAGES: &[(&str, &str)] = &[
    ("en", "English"),
    ("nb", "Norwegian (Bokmål)"),
    ("sv", "Swedish"),
    ("da", "Danish"),
    ("de", "German"),
    ("nl", "Dutch"),
    ("fi", "Finnish"),
    ("fr", "French"),
];

/// An uploaded image, as the server recorded it from the file's bytes ([`sniff_image`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ImageRef {
    /// The server's ID of the upload.
    pub id: String,
    /// `image/png`, `image/svg+xml` or `image/jpeg`.
    pub content_type: String,
    /// In pixels; for an SVG from its `width`/`height` or `viewBox`, 0 when it has none.
    // The formats say what the server reads (any u32, u64), not int32/int64 (found by schemathesis).
    #[cfg_attr(feature = "openapi", schema(format = "uint32"))]
    pub width: u32,
    #[cfg_attr(feature = "openapi", schema(format = "uint32"))]
    pub height: u32,
    /// The file's size.
    #[cfg_attr(feature = "openapi", schema(format = "uint64"))]
    pub bytes: u64,
}

/// The App Store information of a standard app. Every text may be empty in a draft (only the listing
/// name and the short description are needed to save, see the module documentation).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AppStoreInfo {
    /// The name customers see; unique in the App Store and restricted like app names.
    pub listing_name: String,
    /// At most 160 characters.
    pub short_description: String,
    /// At most 4,000 characters.
    pub long_description: String,
    pub homepage_url: String,
    pub support_url: String,
    pub privacy_url: String,
    pub terms_url: String,
    pub support_email: String,
    /// Category IDs of [`CATEGORIES`], 1 to 3 to publish.
    #[serde(default)]
    pub categories: Vec<String>,
    /// Language codes of [`LANGUAGES`], at least one to publish.
    #[serde(default)]
    pub languages: Vec<String>,
    #[serde(default)]
    pub logo: Option<ImageRef>,
    /// 1 to 5 to publish.
    #[serde(default)]
    pub screenshots: Vec<ImageRef>,
}

impl AppStoreInfo {
    /// The form that is stored: texts trimmed, the listing name's runs of spaces collapsed, the
    /// e-mail lower-cased.
    pub fn canonical(&self) -> AppStoreInfo {
        let trim = |s: &String| s.trim().to_string();
        AppStoreInfo {
            listing_name: collapse_spaces(self.listing_name.trim()),
            short_description: trim(&self.short_description),
            long_description: trim(&self.long_description),
            homepage_url: trim(&self.homepage_url),
            support_url: trim(&self.support_url),
            privacy_url: trim(&self.privacy_url),
            terms_url: trim(&self.terms_url),
            support_email: self.support_email.trim().to_lowercase(),
            categories: self.categories.clone(),
            languages: self.languages.clone(),
            logo: self.logo.clone(),
            screenshots: self.screenshots.clone(),
        }
    }
}

/// The action a finding blocks: red findings block saving, orange ones publishing. A finding that
/// blocks saving blocks publishing too (`Save < Publish`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Gate {
    /// Red: the information cannot be saved.
    Save,
    /// Orange: the information can be saved as a draft but not published.
    Publish,
}

impl Gate {
    pub fn as_str(self) -> &'static str {
        match self {
            Gate::Save => "save",
            Gate::Publish => "publish",
        }
    }

    /// Whether a finding of this gate blocks `action`.
    pub fn blocks(self, action: Gate) -> bool {
        self <= action
    }
}

/// One thing wrong with App Store information.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppStoreFinding {
    /// The field path, e.g. `support_url`, `screenshots[2]`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "screenshots[2]"))]
    pub field: FieldPath,
    /// Serialised as its ID, e.g. `"APPSTORE-URL"`.
    pub rule: Rule,
    pub gate: Gate,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl AppStoreFinding {
    fn new(field: FieldPath, rule: Rule, gate: Gate, message: impl Into<String>) -> Self {
        AppStoreFinding {
            field,
            rule,
            gate,
            message: message.into(),
        }
    }

    /// Whether this finding blocks `action`.
    pub fn blocks(&self, action: Gate) -> bool {
        self.gate.blocks(action)
    }

    /// The finding as a problem+json field error for `action`: an error when it blocks the action, a
    /// warning otherwise (an orange finding while saving).
    pub fn to_field_error(&self, action: Gate) -> FieldError {
        FieldError {
            field: self.field,
            rule: self.rule,
            severity: if self.blocks(action) {
                Severity::Error
            } else {
                Severity::Warning
            },
            message: self.message.clone(),
        }
    }
}

/// `GET`/`PUT /api/v1/applications/{app}/app-store`: an app's App Store information (its current
/// version) with what blocks saving and publishing it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppStoreState {
    /// The current version's information (empty before the first save).
    pub info: AppStoreInfo,
    /// The current version's number; 0 before the first save.
    pub version: u32,
    /// The current version's state; null before the first save.
    pub state: Option<VersionState>,
    /// The version published to the App Store, if any (it may be older than the current one).
    pub published_version: Option<u32>,
    /// Every finding of the current information, red (`gate: save`) and orange (`gate: publish`).
    pub findings: Vec<AppStoreFinding>,
    /// No finding blocks saving.
    pub can_save: bool,
    /// The current version may be requested for publishing: it is saved, a draft or rejected, and has
    /// no finding at all.
    pub can_publish: bool,
    /// The App Store shows the app: a version of its information is published and the app itself is
    /// published to Production (a standard app needs both approved).
    #[serde(default)]
    pub listed: bool,
    /// When the current version was last saved.
    pub updated_at: Option<String>,
}

/// Whether any finding blocks saving (a red one).
pub fn blocks_save(findings: &[AppStoreFinding]) -> bool {
    findings.iter().any(|f| f.blocks(Gate::Save))
}

/// Whether any finding blocks publishing (every finding does, red or orange).
pub fn blocks_publish(findings: &[AppStoreFinding]) -> bool {
    findings.iter().any(|f| f.blocks(Gate::Publish))
}

/// Checks App Store information: every APPSTORE rule but APPSTORE-NAME-TAKEN, which needs the other
/// listings (see [`app_store_name_taken`]). Findings come in field order.
pub fn check_app_store(info: &AppStoreInfo) -> Vec<AppStoreFinding> {
    let mut out = Vec::new();
    listing_name(&info.listing_name, &mut out);
    short_description(&info.short_description, &mut out);
    long_description(&info.long_description, &mut out);
    for (field, value, what) in [
        (AppStoreField::HomepageUrl, &info.homepage_url, "homepage"),
        (AppStoreField::SupportUrl, &info.support_url, "support page"),
        (
            AppStoreField::PrivacyUrl,
            &info.privacy_url,
            "privacy policy",
        ),
        (AppStoreField::TermsUrl, &info.terms_url, "terms of use"),
    ] {
        url(field, value, what, &mut out);
    }
    support_email(&info.support_email, &mut out);
    choices(
        AppStoreList::Categories,
        &info.categories,
        CATEGORIES,
        &mut out,
    );
    choices(
        AppStoreList::Languages,
        &info.languages,
        LANGUAGES,
        &mut out,
    );
    logo(info.logo.as_ref(), &mut out);
    screenshots(&info.screenshots, &mut out);
    out
}

fn at(field: AppStoreField) -> FieldPath {
    FieldPath::AppStore(field)
}

fn listing_name(input: &str, out: &mut Vec<AppStoreFinding>) {
    let field = at(AppStoreField::ListingName);
    let red = |m: String| AppStoreFinding::new(field, Rule::AppStoreName, Gate::Save, m);
    let name = input.trim();
    if name.is_empty() {
        out.push(red(
            "Enter the name customers see in the App Store, e.g. \"Acme CRM sync\".".into(),
        ));
        return;
    }
    let n = name.chars().count();
    if n > MAX_LISTING_NAME_CHARS {
        out.push(red(format!(
            "The listing name is {n} characters long; shorten it to {MAX_LISTING_NAME_CHARS} or fewer."
        )));
    }
    // The characters of app names: NAME-CHAR and NAME-CONTROL, with their messages.
    out.extend(
        check_name(name)
            .findings
            .into_iter()
            .filter(|f| matches!(f.rule, Rule::NameChar | Rule::NameControl))
            .map(|f| red(f.message)),
    );
}

fn short_description(input: &str, out: &mut Vec<AppStoreFinding>) {
    let field = at(AppStoreField::ShortDescription);
    let s = input.trim();
    let n = s.chars().count();
    let message = if n == 0 {
        "Enter a short description: one sentence of up to 160 characters on what the app does."
            .to_string()
    } else if n > MAX_SHORT_DESCRIPTION_CHARS {
        format!(
            "The short description is {n} characters long; shorten it to \
             {MAX_SHORT_DESCRIPTION_CHARS} or fewer."
        )
    } else {
        return;
    };
    out.push(AppStoreFinding::new(
        field,
        Rule::AppStoreShort,
        Gate::Save,
        message,
    ));
}

fn long_description(input: &str, out: &mut Vec<AppStoreFinding>) {
    let field = at(AppStoreField::LongDescription);
    let n = input.trim().chars().count();
    if n == 0 {
        out.push(AppStoreFinding::new(
            field,
            Rule::AppStoreLong,
            Gate::Publish,
            "Add a long description of the app before you publish.",
        ));
    } else if n > MAX_LONG_DESCRIPTION_CHARS {
        out.push(AppStoreFinding::new(
            field,
            Rule::AppStoreLong,
            Gate::Save,
            format!(
                "The long description is {} characters long; shorten it to 4,000 or fewer.",
                thousands(n as u64)
            ),
        ));
    }
}

fn url(field: AppStoreField, input: &str, what: &str, out: &mut Vec<AppStoreFinding>) {
    let s = input.trim();
    if s.is_empty() {
        out.push(AppStoreFinding::new(
            at(field),
            Rule::AppStoreUrl,
            Gate::Publish,
            format!("Add the https:// URL of your {what} before you publish."),
        ));
    } else if let Err(why) = https_url(s) {
        out.push(AppStoreFinding::new(
            at(field),
            Rule::AppStoreUrl,
            Gate::Save,
            format!("The {what} URL: {why}"),
        ));
    }
}

/// A public `https://` URL customers can open: the reason when it is not.
fn https_url(s: &str) -> Result<(), String> {
    if s.chars().count() > MAX_URL_CHARS {
        return Err(format!(
            "it is longer than {} characters; shorten it.",
            thousands(MAX_URL_CHARS as u64)
        ));
    }
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("it contains white space or a control character; remove it.".into());
    }
    let Some((scheme, after)) = urlparts::split_scheme(s) else {
        return Err(if urlparts::looks_like_host(s) {
            format!(
                "the scheme is missing. Did you mean https://{}?",
                urlparts::shorten(s)
            )
        } else {
            "enter an absolute https:// URL, e.g. https://www.example.com/support.".into()
        });
    };
    if !scheme.eq_ignore_ascii_case("https") {
        return Err("customers open it from the App Store, so it must start with https://.".into());
    }
    let Some(hier) = urlparts::split_hier(after) else {
        return Err("write https:// followed by the host, e.g. https://www.example.com/.".into());
    };
    if hier.authority.contains('@') {
        return Err(
            "remove the user name or password (everything between :// and @) from the URL.".into(),
        );
    }
    let url = url::Url::parse(s).map_err(|e| {
        format!(
            "this is not a valid URL: {}.",
            urlparts::parse_error_text(e)
        )
    })?;
    match url.host() {
        Some(url::Host::Domain(name))
            if name.trim_end_matches('.').contains('.')
                && !name.trim_end_matches('.').ends_with(".localhost") =>
        {
            Ok(())
        }
        _ => Err(
            "customers open it over the internet, so it needs a public host name such as \
             www.example.com, not an IP address, localhost or a one-word host."
                .into(),
        ),
    }
}

fn support_email(input: &str, out: &mut Vec<AppStoreFinding>) {
    let field = at(AppStoreField::SupportEmail);
    let s = input.trim();
    if s.is_empty() {
        out.push(AppStoreFinding::new(
            field,
            Rule::AppStoreEmail,
            Gate::Publish,
            "Add the e-mail address customers write to for support before you publish.",
        ));
    } else if let Err(why) = email_syntax(s) {
        out.push(AppStoreFinding::new(
            field,
            Rule::AppStoreEmail,
            Gate::Save,
            format!("{why} Enter the support e-mail address, e.g. support@example.com."),
        ));
    }
}

/// Categories or languages: known IDs, each once; at least one to publish; at most 3 categories.
fn choices(
    list: AppStoreList,
    ids: &[String],
    known: &[(&str, &str)],
    out: &mut Vec<AppStoreFinding>,
) {
    let (rule, noun, max) = match list {
        AppStoreList::Categories => (Rule::AppStoreCategory, "category", Some(MAX_CATEGORIES)),
        _ => (Rule::AppStoreLanguage, "language", None),
    };
    let whole = at(list.field());
    if ids.is_empty() {
        out.push(AppStoreFinding::new(
            whole,
            rule,
            Gate::Publish,
            format!("Choose at least one {noun} before you publish."),
        ));
    }
    if let Some(max) = max.filter(|m| ids.len() > *m) {
        out.push(AppStoreFinding::new(
            whole,
            rule,
            Gate::Save,
            format!(
                "Choose at most {max} categories; remove {}.",
                ids.len() - max
            ),
        ));
    }
    for (i, id) in ids.iter().enumerate() {
        let entry = FieldPath::AppStoreEntry(list, i);
        if !known.iter().any(|(k, _)| k == id) {
            let allowed: Vec<&str> = known.iter().map(|(k, _)| *k).collect();
            out.push(AppStoreFinding::new(
                entry,
                rule,
                Gate::Save,
                format!(
                    "\"{}\" is not a {noun} of the App Store; choose one of: {}.",
                    urlparts::shorten(id),
                    allowed.join(", ")
                ),
            ));
        } else if let Some(first) = ids[..i].iter().position(|o| o == id) {
            out.push(AppStoreFinding::new(
                entry,
                rule,
                Gate::Save,
                format!(
                    "\"{id}\" is already {noun} {}; remove the duplicate.",
                    first + 1
                ),
            ));
        }
    }
}

fn logo(logo: Option<&ImageRef>, out: &mut Vec<AppStoreFinding>) {
    let field = at(AppStoreField::Logo);
    match logo {
        None => out.push(AppStoreFinding::new(
            field,
            Rule::AppStoreLogo,
            Gate::Publish,
            "Upload a logo (a square PNG of at least 256 × 256 px, or an SVG) before you publish.",
        )),
        Some(img) => out.extend(
            check_logo(&img.content_type, img.width, img.height, img.bytes)
                .findings
                .into_iter()
                .map(|f| AppStoreFinding::new(field, f.rule, Gate::Save, f.message)),
        ),
    }
}

fn screenshots(shots: &[ImageRef], out: &mut Vec<AppStoreFinding>) {
    let whole = at(AppStoreField::Screenshots);
    if shots.is_empty() {
        out.push(AppStoreFinding::new(
            whole,
            Rule::AppStoreScreenshots,
            Gate::Publish,
            "Upload 1 to 5 screenshots of the app before you publish.",
        ));
    }
    if shots.len() > MAX_SCREENSHOTS {
        out.push(AppStoreFinding::new(
            whole,
            Rule::AppStoreScreenshots,
            Gate::Save,
            format!(
                "At most {MAX_SCREENSHOTS} screenshots; remove {}.",
                shots.len() - MAX_SCREENSHOTS
            ),
        ));
    }
    for (i, img) in shots.iter().enumerate() {
        let entry = FieldPath::AppStoreEntry(AppStoreList::Screenshots, i);
        out.extend(
            check_screenshot(&img.content_type, img.width, img.height, img.bytes)
                .findings
                .into_iter()
                .map(|f| AppStoreFinding::new(entry, f.rule, Gate::Save, f.message)),
        );
    }
}

/// APPSTORE-LOGO for an uploaded logo: a PNG or SVG of at most 1 MB, square; a PNG at least
/// 256 × 256 px; an SVG with a size (its `viewBox`, or `width` and `height`). The input and the
/// canonical form are the content type.
pub fn check_logo(content_type: &str, width: u32, height: u32, bytes: u64) -> Check {
    let mut f = Vec::new();
    let error = |m: String| Finding::error(Rule::AppStoreLogo, m);
    if content_type != PNG && content_type != SVG {
        f.push(error(format!(
            "The logo must be a PNG or SVG image, not {}; export it as PNG or SVG.",
            kind_of(content_type)
        )));
    }
    if bytes > MAX_LOGO_BYTES {
        f.push(error(format!(
            "The logo is {} bytes; it may be at most 1 MB ({} bytes). Compress it or export it smaller.",
            thousands(bytes),
            thousands(MAX_LOGO_BYTES)
        )));
    }
    if content_type == SVG && (width == 0 || height == 0) {
        f.push(error(
            "The SVG logo has no size; give its <svg> element a viewBox, e.g. viewBox=\"0 0 512 512\"."
                .into(),
        ));
    } else if content_type == PNG || content_type == SVG {
        if width != height {
            f.push(error(format!(
                "The logo is {width} × {height} px; it must be square. Crop it to {m} × {m} px.",
                m = width.min(height)
            )));
        }
        if content_type == PNG && width.min(height) < MIN_LOGO_PX {
            f.push(error(format!(
                "The logo is {width} × {height} px; it must be at least {MIN_LOGO_PX} × {MIN_LOGO_PX} px."
            )));
        }
    }
    Check::new(content_type, Some(content_type.to_string()), f)
}

/// APPSTORE-SCREENSHOTS for one uploaded screenshot: a PNG or JPEG of at most 5 MB, each side 320 to
/// 3,840 px. The input and the canonical form are the content type.
pub fn check_screenshot(content_type: &str, width: u32, height: u32, bytes: u64) -> Check {
    let mut f = Vec::new();
    let error = |m: String| Finding::error(Rule::AppStoreScreenshots, m);
    if content_type != PNG && content_type != JPEG {
        f.push(error(format!(
            "A screenshot must be a PNG or JPEG image, not {}.",
            kind_of(content_type)
        )));
    }
    if bytes > MAX_SCREENSHOT_BYTES {
        f.push(error(format!(
            "The screenshot is {} bytes; it may be at most 5 MB ({} bytes).",
            thousands(bytes),
            thousands(MAX_SCREENSHOT_BYTES)
        )));
    }
    let sides = MIN_SCREENSHOT_PX..=MAX_SCREENSHOT_PX;
    if !sides.contains(&width) || !sides.contains(&height) {
        f.push(error(format!(
            "The screenshot is {width} × {height} px; each side must be {MIN_SCREENSHOT_PX} to {} px.",
            thousands(u64::from(MAX_SCREENSHOT_PX))
        )));
    }
    Check::new(content_type, Some(content_type.to_string()), f)
}

/// A content type for messages.
fn kind_of(content_type: &str) -> String {
    match content_type {
        "" => "a file of unknown type".to_string(),
        PNG => "a PNG image".to_string(),
        SVG => "an SVG image".to_string(),
        JPEG => "a JPEG image".to_string(),
        other => urlparts::shorten(other),
    }
}

/// APPSTORE-NAME-TAKEN: the finding when `name` equals the listing name of another app (the caller
/// leaves the app's own listing out), compared as app names are ([`name_key`]).
pub fn app_store_name_taken<'a>(
    name: &str,
    existing: impl IntoIterator<Item = &'a str>,
) -> Option<AppStoreFinding> {
    let key = name_key(name);
    existing
        .into_iter()
        .find(|other| name_key(other) == key)
        .map(app_store_name_taken_finding)
}

/// The APPSTORE-NAME-TAKEN finding for a clash with the listing name `other` (red: blocks saving).
pub fn app_store_name_taken_finding(other: &str) -> AppStoreFinding {
    AppStoreFinding::new(
        at(AppStoreField::ListingName),
        Rule::AppStoreNameTaken,
        Gate::Save,
        format!(
            "Another app is already listed in the App Store as \"{other}\" (names are compared \
             ignoring case); choose a different listing name."
        ),
    )
}

/// How far into an SVG file its `<svg` start tag is looked for.
const SVG_HEAD: usize = 64 * 1024;

/// The content type and size of an image, read from its bytes: a PNG (its IHDR chunk), a JPEG (its
/// first start-of-frame segment, baseline or progressive) or an SVG (a UTF-8 file that starts, after an
/// optional byte order mark, XML declaration, comments and a DOCTYPE without internal subset, with an
/// `<svg` element in its first 64 KiB; its size from the `width` and `height` in px, or the
/// `viewBox`, rounded; 0 × 0 when it has none). `None` for anything else, including a truncated PNG or
/// JPEG, a GIF or WebP, and an SVG whose DOCTYPE declares entities.
pub fn sniff_image(bytes: &[u8]) -> Option<(&'static str, u32, u32)> {
    if let Some(rest) = bytes.strip_prefix(b"\x89PNG\r\n\x1a\n") {
        // The first chunk is IHDR: length, type, then width and height (big-endian).
        let ihdr = rest.get(..16)?;
        if &ihdr[4..8] != b"IHDR" {
            return None;
        }
        let w = u32::from_be_bytes(ihdr[8..12].try_into().ok()?);
        let h = u32::from_be_bytes(ihdr[12..16].try_into().ok()?);
        return Some((PNG, w, h));
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return jpeg_size(bytes).map(|(w, h)| (JPEG, w, h));
    }
    svg_size(bytes).map(|(w, h)| (SVG, w, h))
}

/// Walks a JPEG's segments to its first SOFn (not DHT, JPG or DAC, which share the range).
fn jpeg_size(b: &[u8]) -> Option<(u32, u32)> {
    let be16 = |i: usize| -> Option<usize> {
        Some(usize::from(u16::from_be_bytes([
            *b.get(i)?,
            *b.get(i + 1)?,
        ])))
    };
    let mut i = 2;
    loop {
        if *b.get(i)? != 0xFF {
            return None;
        }
        while *b.get(i)? == 0xFF {
            i += 1; // fill bytes
        }
        let marker = b[i];
        i += 1;
        match marker {
            0x01 | 0xD0..=0xD8 => continue, // no length
            0xD9 | 0xDA => return None,     // end of image, or image data before any frame
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                // length (2), precision (1), height (2), width (2)
                let h = be16(i + 3)?;
                let w = be16(i + 5)?;
                return Some((w as u32, h as u32));
            }
            _ => {}
        }
        let len = be16(i)?;
        if len < 2 {
            return None;
        }
        i += len;
    }
}

fn svg_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let head = &bytes[..bytes.len().min(SVG_HEAD)];
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    // A cut through a multi-byte character at the end of the head is fine; invalid UTF-8 before it is not.
    let text = match std::str::from_utf8(head) {
        Ok(t) => t,
        Err(e) if e.error_len().is_none() => std::str::from_utf8(&head[..e.valid_up_to()]).ok()?,
        Err(_) => return None,
    };
    let mut s = text;
    loop {
        s = s.trim_start();
        if let Some(rest) = s.strip_prefix("<?") {
            s = rest.split_once("?>")?.1; // the XML declaration or another processing instruction
        } else if let Some(rest) = s.strip_prefix("<!--") {
            s = rest.split_once("-->")?.1;
        } else if let Some(rest) = s.strip_prefix("<!DOCTYPE") {
            let (decl, after) = rest.split_once('>')?;
            if decl.contains('[') {
                return None; // an internal subset: entities have no place in a logo
            }
            s = after;
        } else {
            break;
        }
    }
    let tag = s.strip_prefix("<svg")?;
    if !tag.starts_with(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/') {
        return None;
    }
    let attrs = attributes(tag)?;
    let get = |name: &str| attrs.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
    let width = get("width").and_then(px);
    let height = get("height").and_then(px);
    let view_box = get("viewBox").and_then(|v| {
        let n: Vec<f64> = v
            .split(|c: char| c.is_ascii_whitespace() || c == ',')
            .filter(|p| !p.is_empty())
            .map(|p| p.parse().ok())
            .collect::<Option<_>>()?;
        match n[..] {
            [_, _, w, h] if w > 0.0 && h > 0.0 && w.is_finite() && h.is_finite() => Some((w, h)),
            _ => None,
        }
    });
    let (w, h) = match (width, height, view_box) {
        (Some(w), Some(h), _) => (w, h),
        (Some(w), None, Some((vw, vh))) => (w, w * vh / vw),
        (None, Some(h), Some((vw, vh))) => (h * vw / vh, h),
        (None, None, Some(vb)) => vb,
        _ => (0.0, 0.0),
    };
    Some((round_px(w), round_px(h)))
}

/// The attributes of a start tag, from just after its name up to its `>`; `None` when the tag does
/// not end or an attribute value is not closed.
fn attributes(tag: &str) -> Option<Vec<(&str, &str)>> {
    let mut out = Vec::new();
    let mut rest = tag;
    loop {
        rest = rest.trim_start();
        if rest.starts_with('>') || rest.starts_with("/>") {
            return Some(out);
        }
        let end = rest.find(|c: char| c.is_ascii_whitespace() || matches!(c, '=' | '>' | '/'))?;
        if end == 0 {
            rest = &rest[1..]; // a stray '/' or '='
            continue;
        }
        let name = &rest[..end];
        rest = rest[end..].trim_start();
        let Some(value) = rest.strip_prefix('=') else {
            out.push((name, ""));
            continue;
        };
        let value = value.trim_start();
        let quote = value.chars().next()?;
        if quote == '"' || quote == '\'' {
            let close = value[1..].find(quote)?;
            out.push((name, &value[1..1 + close]));
            rest = &value[close + 2..];
        } else {
            let end = value.find(|c: char| c.is_ascii_whitespace() || c == '>')?;
            out.push((name, &value[..end]));
            rest = &value[end..];
        }
    }
}

/// A length in px (`512`, `512px`, `512.5`); `None` for other units and percentages.
fn px(v: &str) -> Option<f64> {
    let v = v.trim();
    let n: f64 = v.strip_suffix("px").unwrap_or(v).trim_end().parse().ok()?;
    (n.is_finite() && n > 0.0).then_some(n)
}

fn round_px(v: f64) -> u32 {
    if v.is_finite() && v > 0.0 {
        v.round().min(f64::from(u32::MAX)) as u32
    } else {
        0
    }
}

fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c != ' ' || !out.ends_with(' ') {
            out.push(c);
        }
    }
    out
}

/// `1048576` as `1,048,576`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_048_576), "1,048,576");
    }

    #[test]
    fn attributes_read_quoted_unquoted_and_bare_values() {
        assert_eq!(
            attributes(" a=\"1\" b='2' c=3 d>"),
            Some(vec![("a", "1"), ("b", "2"), ("c", "3"), ("d", "")])
        );
        assert_eq!(attributes(" a=\"1 "), None);
        assert_eq!(attributes(" a=\"1\""), None);
        assert_eq!(attributes("/>"), Some(vec![]));
    }
}
