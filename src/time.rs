//! Readable time: every date the API sends (RFC 3339, UTC) is drawn as a `<time>` with a relative text
//! ("expires in 12 days", "expired 3 days ago") and the absolute date beside it; secrets and
//! certificates that have expired or expire within [`SOON_DAYS`] days get a badge.

use leptos::prelude::*;

/// Expiring "soon" means within this many days.
pub const SOON_DAYS: f64 = 30.0;

const MINUTE: f64 = 60_000.0;
const HOUR: f64 = 60.0 * MINUTE;
const DAY: f64 = 24.0 * HOUR;

/// Milliseconds since the epoch of an RFC 3339 timestamp, if the browser can read it.
pub fn parse_ms(iso: &str) -> Option<f64> {
    let ms = js_sys::Date::parse(iso);
    (!ms.is_nan()).then_some(ms)
}

/// The browser's clock.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

fn plural(n: i64, unit: &str) -> String {
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

/// "in 12 days", "3 days ago", "in 5 hours", "just now": how far `then` is from `now`.
pub fn relative(now: f64, then: f64) -> String {
    let diff = then - now;
    let abs = diff.abs();
    let span = if abs >= DAY {
        plural((abs / DAY).floor() as i64, "day")
    } else if abs >= HOUR {
        plural((abs / HOUR).floor() as i64, "hour")
    } else if abs >= MINUTE {
        plural((abs / MINUTE).floor() as i64, "minute")
    } else {
        return "just now".into();
    };
    if diff > 0.0 {
        format!("in {span}")
    } else {
        format!("{span} ago")
    }
}

/// The relative text with a verb for the future and one for the past: "expires in 12 days",
/// "expired 3 days ago".
pub fn phrased(now: f64, then: f64, verbs: (&str, &str)) -> String {
    let verb = if then > now { verbs.0 } else { verbs.1 };
    format!("{verb} {}", relative(now, then))
}

/// The absolute date and time of an RFC 3339 timestamp: `2026-12-10 14:05 UTC`.
pub fn absolute(iso: &str) -> String {
    let date = iso.get(..10).unwrap_or(iso);
    match iso.get(11..16) {
        Some(time) => format!("{date} {time} UTC"),
        None => date.to_string(),
    }
}

/// Where an expiry date stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expiry {
    Expired,
    /// Within [`SOON_DAYS`] days.
    Soon,
    Later,
}

impl Expiry {
    pub fn of(now: f64, then: f64) -> Expiry {
        if then <= now {
            Expiry::Expired
        } else if then - now <= SOON_DAYS * DAY {
            Expiry::Soon
        } else {
            Expiry::Later
        }
    }

    /// The badge's text, if this state has one.
    pub fn badge(self) -> Option<&'static str> {
        match self {
            Expiry::Expired => Some("Expired"),
            Expiry::Soon => Some("Expires soon"),
            Expiry::Later => None,
        }
    }
}

/// A timestamp as `<time>`: the relative text (with `verbs` for future and past, if given) and the
/// absolute date beside it.
#[component]
pub fn Time(
    iso: String,
    /// ("expires", "expired"), or none for "3 days ago".
    #[prop(optional)]
    verbs: Option<(&'static str, &'static str)>,
) -> impl IntoView {
    let Some(then) = parse_ms(&iso) else {
        return view! { <span>{iso}</span> }.into_any();
    };
    let now = now_ms();
    let text = match verbs {
        Some(v) => phrased(now, then, v),
        None => relative(now, then),
    };
    let abs = absolute(&iso);
    view! {
        <time datetime=iso title=abs.clone()>{text}</time>
        <span class="abs">" (" {abs} ")"</span>
    }
    .into_any()
}

/// The expiry of a secret or certificate: the `<time>` and, when it has expired or expires soon, a badge.
#[component]
pub fn ExpiryBadge(iso: String) -> impl IntoView {
    parse_ms(&iso)
        .and_then(|then| Expiry::of(now_ms(), then).badge().map(|b| (b, then)))
        .map(|(b, then)| {
            let class = if then <= now_ms() {
                "badge expired"
            } else {
                "badge expiring"
            };
            view! { <span class=class>{b}</span> }
        })
}
