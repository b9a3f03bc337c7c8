//! Typed field paths: where in a request a finding belongs. On the wire a path is the text clients have
//! always seen (`name`, `redirect_urls[2]`, `endpoints.quote.url`, `$` for the body as a whole), so the
//! JSON does not change; in code it is a value to match on, not a string to parse.

use crate::template::{EndpointKind, Environment};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The URL lists of an app.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UrlList {
    Redirect,
    PostLogout,
    Cors,
}

impl UrlList {
    pub const ALL: [UrlList; 3] = [UrlList::Redirect, UrlList::PostLogout, UrlList::Cors];

    pub fn id(self) -> &'static str {
        match self {
            UrlList::Redirect => "redirect_urls",
            UrlList::PostLogout => "post_logout_urls",
            UrlList::Cors => "cors_urls",
        }
    }
}

/// A field of the App Store information (`listing_name`, `support_url`, `screenshots`, …): the JSON
/// field names of [`crate::AppStoreInfo`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AppStoreField {
    ListingName,
    ShortDescription,
    LongDescription,
    HomepageUrl,
    SupportUrl,
    PrivacyUrl,
    TermsUrl,
    SupportEmail,
    Categories,
    Languages,
    Logo,
    Screenshots,
}

impl AppStoreField {
    pub const ALL: [AppStoreField; 12] = [
        AppStoreField::ListingName,
        AppStoreField::ShortDescription,
        AppStoreField::LongDescription,
        AppStoreField::HomepageUrl,
        AppStoreField::SupportUrl,
        AppStoreField::PrivacyUrl,
        AppStoreField::TermsUrl,
        AppStoreField::SupportEmail,
        AppStoreField::Categories,
        AppStoreField::Languages,
        AppStoreField::Logo,
        AppStoreField::Screenshots,
    ];

    pub fn id(self) -> &'static str {
        match self {
            AppStoreField::ListingName => "listing_name",
            AppStoreField::ShortDescription => "short_description",
            AppStoreField::LongDescription => "long_description",
            AppStoreField::HomepageUrl => "homepage_url",
            AppStoreField::SupportUrl => "support_url",
            AppStoreField::PrivacyUrl => "privacy_url",
            AppStoreField::TermsUrl => "terms_url",
            AppStoreField::SupportEmail => "support_email",
            AppStoreField::Categories => "categories",
            AppStoreField::Languages => "languages",
            AppStoreField::Logo => "logo",
            AppStoreField::Screenshots => "screenshots",
        }
    }
}

/// The lists of the App Store information, whose entries have paths of their own (`screenshots[2]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AppStoreList {
    Categories,
    Languages,
    Screenshots,
}

impl AppStoreList {
    pub const ALL: [AppStoreList; 3] = [
        AppStoreList::Categories,
        AppStoreList::Languages,
        AppStoreList::Screenshots,
    ];

    /// The list as a whole.
    pub fn field(self) -> AppStoreField {
        match self {
            AppStoreList::Categories => AppStoreField::Categories,
            AppStoreList::Languages => AppStoreField::Languages,
            AppStoreList::Screenshots => AppStoreField::Screenshots,
        }
    }

    pub fn id(self) -> &'static str {
        self.field().id()
    }
}

/// A field of a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FieldPath {
    /// The body as a whole (`$`): it is not JSON.
    Body,
    /// The body is JSON of the wrong shape (`payload`).
    Payload,
    Name,
    AppType,
    TechnicalContact,
    /// A URL list as a whole (`redirect_urls`): "at least one", "at most 100".
    List(UrlList),
    /// One entry of a URL list (`redirect_urls[2]`).
    Entry(UrlList, usize),
    /// An endpoint as a whole (`endpoints.quote`).
    Endpoint(EndpointKind),
    /// An endpoint's URL (`endpoints.quote.url`).
    EndpointUrl(EndpointKind),
    Environment,
    Description,
    ExpiresInDays,
    Message,
    Reason,
    PublicKeyPem,
    Capabilities,
    /// "Send error e-mails" as a whole (`error_emails`): On without a recipient, too many, the template.
    ErrorEmails,
    /// One recipient of the error e-mails (`error_emails.recipients[2]`).
    ErrorEmailRecipient(usize),
    /// A field of the App Store information, or one of its lists as a whole (`support_url`,
    /// `screenshots`).
    AppStore(AppStoreField),
    /// One entry of a list of the App Store information (`screenshots[2]`, `categories[0]`).
    AppStoreEntry(AppStoreList, usize),
    /// A version's label (`label`).
    Label,
    /// Stage's or Production's own URL list as a whole (`environment_urls.stage.redirect_urls`, R4).
    EnvList(Environment, UrlList),
    /// One entry of it (`environment_urls.production.cors_urls[1]`).
    EnvEntry(Environment, UrlList, usize),
    /// A ticket message's text (`body`).
    TicketBody,
    /// A ticket message's files as a whole (`file`): too many.
    File,
    /// One file of a ticket message, counted from 0 in the order sent (`file[1]`).
    FileEntry(usize),
}

/// The prefix of [`FieldPath::EnvList`] and [`FieldPath::EnvEntry`].
const ENV_URLS: &str = "environment_urls";

const SIMPLE: [(FieldPath, &str); 16] = [
    (FieldPath::Body, "$"),
    (FieldPath::Payload, "payload"),
    (FieldPath::Name, "name"),
    (FieldPath::AppType, "app_type"),
    (FieldPath::TechnicalContact, "technical_contact"),
    (FieldPath::Environment, "environment"),
    (FieldPath::Description, "description"),
    (FieldPath::ExpiresInDays, "expires_in_days"),
    (FieldPath::Message, "message"),
    (FieldPath::Reason, "reason"),
    (FieldPath::PublicKeyPem, "public_key_pem"),
    (FieldPath::Capabilities, "capabilities"),
    (FieldPath::ErrorEmails, "error_emails"),
    (FieldPath::Label, "label"),
    (FieldPath::TicketBody, "body"),
    (FieldPath::File, "file"),
];

/// The prefix of [`FieldPath::ErrorEmailRecipient`]'s text, before `[i]`.
const RECIPIENTS: &str = "error_emails.recipients";

const ENDPOINTS: [EndpointKind; 3] = [
    EndpointKind::Mirroring,
    EndpointKind::ErpSync,
    EndpointKind::Quote,
];

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldPath::List(l) => f.write_str(l.id()),
            FieldPath::Entry(l, i) => write!(f, "{}[{i}]", l.id()),
            FieldPath::Endpoint(k) => write!(f, "endpoints.{}", k.id()),
            FieldPath::EndpointUrl(k) => write!(f, "endpoints.{}.url", k.id()),
            FieldPath::ErrorEmailRecipient(i) => write!(f, "{RECIPIENTS}[{i}]"),
            FieldPath::EnvList(e, l) => write!(f, "{ENV_URLS}.{}.{}", e.id(), l.id()),
            FieldPath::EnvEntry(e, l, i) => write!(f, "{ENV_URLS}.{}.{}[{i}]", e.id(), l.id()),
            FieldPath::AppStore(a) => f.write_str(a.id()),
            FieldPath::AppStoreEntry(l, i) => write!(f, "{}[{i}]", l.id()),
            FieldPath::FileEntry(i) => write!(f, "file[{i}]"),
            simple => {
                let text = SIMPLE
                    .iter()
                    .find(|(p, _)| p == simple)
                    .map_or("$", |(_, t)| t);
                f.write_str(text)
            }
        }
    }
}

impl FromStr for FieldPath {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        if let Some((p, _)) = SIMPLE.iter().find(|(_, t)| *t == s) {
            return Ok(*p);
        }
        let index = |prefix: &str| -> Option<usize> {
            s.strip_prefix(prefix)
                .and_then(|r| r.strip_prefix('['))
                .and_then(|r| r.strip_suffix(']'))
                .and_then(|i| i.parse().ok())
        };
        for list in UrlList::ALL {
            if s == list.id() {
                return Ok(FieldPath::List(list));
            }
            if let Some(i) = index(list.id()) {
                return Ok(FieldPath::Entry(list, i));
            }
        }
        if let Some(i) = index(RECIPIENTS) {
            return Ok(FieldPath::ErrorEmailRecipient(i));
        }
        if let Some(i) = index("file") {
            return Ok(FieldPath::FileEntry(i));
        }
        let env_list = s
            .strip_prefix(ENV_URLS)
            .and_then(|r| r.strip_prefix('.'))
            .and_then(|r| r.split_once('.'))
            .and_then(|(env, rest)| Some((env.parse::<Environment>().ok()?, rest.parse().ok()?)));
        match env_list {
            Some((env, FieldPath::List(l))) if env != Environment::Sod => {
                return Ok(FieldPath::EnvList(env, l))
            }
            Some((env, FieldPath::Entry(l, i))) if env != Environment::Sod => {
                return Ok(FieldPath::EnvEntry(env, l, i))
            }
            _ => {}
        }
        if let Some(a) = AppStoreField::ALL.into_iter().find(|a| a.id() == s) {
            return Ok(FieldPath::AppStore(a));
        }
        for list in AppStoreList::ALL {
            if let Some(i) = index(list.id()) {
                return Ok(FieldPath::AppStoreEntry(list, i));
            }
        }
        for kind in ENDPOINTS {
            let whole = format!("endpoints.{}", kind.id());
            if s == whole {
                return Ok(FieldPath::Endpoint(kind));
            }
            if s == format!("{whole}.url") {
                return Ok(FieldPath::EndpointUrl(kind));
            }
        }
        Err(format!("unknown field path {s:?}"))
    }
}

impl Serialize for FieldPath {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for FieldPath {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_path_reads_back_from_its_text() {
        let mut all: Vec<FieldPath> = SIMPLE.iter().map(|(p, _)| *p).collect();
        for l in UrlList::ALL {
            all.push(FieldPath::List(l));
            all.push(FieldPath::Entry(l, 0));
            all.push(FieldPath::Entry(l, 99));
        }
        for k in ENDPOINTS {
            all.push(FieldPath::Endpoint(k));
            all.push(FieldPath::EndpointUrl(k));
        }
        all.push(FieldPath::ErrorEmailRecipient(0));
        all.push(FieldPath::ErrorEmailRecipient(9));
        all.push(FieldPath::FileEntry(0));
        all.push(FieldPath::FileEntry(2));
        for e in [Environment::Stage, Environment::Production] {
            for l in [UrlList::Redirect, UrlList::Cors] {
                all.push(FieldPath::EnvList(e, l));
                all.push(FieldPath::EnvEntry(e, l, 3));
            }
        }
        all.extend(AppStoreField::ALL.map(FieldPath::AppStore));
        for l in AppStoreList::ALL {
            all.push(FieldPath::AppStoreEntry(l, 0));
            all.push(FieldPath::AppStoreEntry(l, 4));
        }
        for p in all {
            assert_eq!(p.to_string().parse::<FieldPath>(), Ok(p), "{p}");
        }
        assert_eq!(
            FieldPath::Entry(UrlList::Cors, 2).to_string(),
            "cors_urls[2]"
        );
        assert_eq!(
            FieldPath::EndpointUrl(EndpointKind::ErpSync).to_string(),
            "endpoints.erp_sync.url"
        );
        assert_eq!(
            FieldPath::ErrorEmailRecipient(3).to_string(),
            "error_emails.recipients[3]"
        );
        assert_eq!(
            FieldPath::AppStoreEntry(AppStoreList::Screenshots, 2).to_string(),
            "screenshots[2]"
        );
        assert_eq!(
            FieldPath::AppStore(AppStoreField::PrivacyUrl).to_string(),
            "privacy_url"
        );
        assert!("logo[0]".parse::<FieldPath>().is_err());
        assert!("redirect_urls[x]".parse::<FieldPath>().is_err());
        assert!("error_emails.recipients".parse::<FieldPath>().is_err());
        assert!("colour".parse::<FieldPath>().is_err());
        assert_eq!(
            FieldPath::EnvEntry(Environment::Stage, UrlList::Redirect, 2).to_string(),
            "environment_urls.stage.redirect_urls[2]"
        );
        assert!("environment_urls.sod.redirect_urls"
            .parse::<FieldPath>()
            .is_err());
        assert!("environment_urls.stage.name".parse::<FieldPath>().is_err());
    }
}
