//! What each e-mail says: a subject, paragraphs and one link into the portal, rendered as plain text and
//! as HTML. Every interpolated value is plain text that [`render`] HTML-escapes; links are the portal's
//! (`--public-url`). No message ever carries a secret, a private key or a token: keys are named by their
//! description, environment and expiry only.

use appreg_core::notifications::NotificationKind;

/// A message before it is addressed: the same for every recipient of an event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Content {
    pub subject: String,
    /// Plain text; each is one paragraph.
    pub paragraphs: Vec<String>,
    /// The button: its label and the portal URL.
    pub link: (String, String),
}

/// `&`, `<`, `>`, `"` and `'` as entities.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The plain-text and HTML bodies of a message to one recipient, with its unsubscribe link.
pub fn render(c: &Content, kind: NotificationKind, unsubscribe_url: &str) -> (String, String) {
    let (label, url) = &c.link;
    let why = format!(
        "You get this e-mail because “{}” is on in your notification settings.",
        kind.title()
    );
    let mut text = String::new();
    for p in &c.paragraphs {
        text.push_str(p);
        text.push_str("\n\n");
    }
    text.push_str(&format!(
        "{label}: {url}\n\n-- \n{why}\nUnsubscribe: {unsubscribe_url}\n"
    ));
    let mut body = String::new();
    for p in &c.paragraphs {
        // Line breaks within a paragraph (a quoted reply) stay line breaks.
        body.push_str(&format!(
            "<p style=\"margin:0 0 16px\">{}</p>\n",
            escape(p).replace('\n', "<br>\n")
        ));
    }
    let html = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\n\
         <body style=\"font-family:sans-serif;color:#1a1a1a;max-width:600px\">\n\
         <h1 style=\"font-size:20px\">{title}</h1>\n{body}\
         <p style=\"margin:24px 0\"><a href=\"{url}\" style=\"background:#0b5394;color:#fff;padding:10px 16px;text-decoration:none;border-radius:4px\">{label}</a></p>\n\
         <hr>\n<p style=\"font-size:12px;color:#555\">{why} <a href=\"{unsub}\">Unsubscribe from these e-mails</a>.</p>\n\
         </body></html>\n",
        title = escape(&c.subject),
        url = escape(url),
        label = escape(label),
        why = escape(&why),
        unsub = escape(unsubscribe_url),
    );
    (text, html)
}

fn portal(base: &str, fragment: &str) -> String {
    format!("{}/{fragment}", base.trim_end_matches('/'))
}

/// What a publish request asks for, in words ("Production", "the App Store listing (Production)").
pub struct RequestFacts<'a> {
    pub request_id: &'a str,
    pub app_id: &'a str,
    pub app_name: &'a str,
    pub environment: &'a str,
    pub app_store: bool,
    pub version: Option<i64>,
    pub requester: &'a str,
    pub message: &'a str,
}

impl RequestFacts<'_> {
    fn what(&self) -> String {
        let v = self
            .version
            .map(|n| format!(" (version {n})"))
            .unwrap_or_default();
        if self.app_store {
            format!("the App Store listing of {}{v}", self.app_name)
        } else {
            format!("{}{v} to {}", self.app_name, self.environment)
        }
    }
}

/// To the app managers: a request waits for their decision.
pub fn publish_requested(base: &str, r: &RequestFacts<'_>) -> Content {
    let mut paragraphs = vec![format!(
        "{} asks to publish {}. It waits for an app manager's decision.",
        r.requester,
        r.what()
    )];
    if !r.message.is_empty() {
        paragraphs.push(format!("Their message:\n{}", r.message));
    }
    Content {
        subject: format!("Publish request: {}", r.what()),
        paragraphs,
        link: (
            "Open the review queue".into(),
            portal(base, "#/publish-requests"),
        ),
    }
}

/// To the requester: a receipt.
pub fn publish_request_received(base: &str, r: &RequestFacts<'_>) -> Content {
    Content {
        subject: format!("We received your request to publish {}", r.what()),
        paragraphs: vec![format!(
            "Your request to publish {} was received (request {}). An app manager will approve or reject it; you will get an e-mail when they do.",
            r.what(),
            r.request_id
        )],
        link: ("Open the app".into(), portal(base, &format!("#/apps/{}/publishing", r.app_id))),
    }
}

/// To the requester and the technical contact: approved or rejected (with the reason).
pub fn publish_decided(
    base: &str,
    r: &RequestFacts<'_>,
    approved: bool,
    reason: Option<&str>,
) -> Content {
    let (subject, mut paragraphs) = if approved {
        (
            format!("Approved: {}", r.what()),
            vec![format!(
                "The request to publish {} was approved. It is published now.",
                r.what()
            )],
        )
    } else {
        (
            format!("Rejected: {}", r.what()),
            vec![format!(
                "The request to publish {} was rejected. Change what the reason asks for and request it again.",
                r.what()
            )],
        )
    };
    if let Some(reason) = reason.filter(|r| !r.is_empty()) {
        paragraphs.push(format!("The app manager's reason:\n{reason}"));
    }
    Content {
        subject,
        paragraphs,
        link: (
            "Open the app".into(),
            portal(base, &format!("#/apps/{}/publishing", r.app_id)),
        ),
    }
}

/// A new reply in a Messaging Center ticket.
pub fn ticket_reply(
    base: &str,
    ticket_id: &str,
    subject: &str,
    author: &str,
    body: &str,
) -> Content {
    Content {
        subject: format!("New reply: {subject}"),
        paragraphs: vec![format!("{author} replied:"), body.to_string()],
        link: (
            "Open the conversation".into(),
            portal(base, &format!("#/messages/{ticket_id}")),
        ),
    }
}

/// When a reminder is sent, relative to the key's expiry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Threshold {
    Days30,
    Days7,
    Days1,
    Expired,
}

impl Threshold {
    /// Part of the dedupe key.
    pub fn id(self) -> &'static str {
        match self {
            Threshold::Days30 => "30d",
            Threshold::Days7 => "7d",
            Threshold::Days1 => "1d",
            Threshold::Expired => "expired",
        }
    }

    /// The most urgent threshold reached `left` before the expiry (negative: after it); None more than
    /// 30 days before.
    pub fn of(left: time::Duration) -> Option<Threshold> {
        if left <= time::Duration::ZERO {
            Some(Threshold::Expired)
        } else if left <= time::Duration::days(1) {
            Some(Threshold::Days1)
        } else if left <= time::Duration::days(7) {
            Some(Threshold::Days7)
        } else if left <= time::Duration::days(30) {
            Some(Threshold::Days30)
        } else {
            None
        }
    }

    fn words(self) -> &'static str {
        match self {
            Threshold::Days30 => "expires within 30 days",
            Threshold::Days7 => "expires within 7 days",
            Threshold::Days1 => "expires within a day",
            Threshold::Expired => "has expired",
        }
    }
}

/// A key about to expire (never the key itself).
pub struct KeyFacts<'a> {
    /// "client secret" or "certificate"
    pub what: &'a str,
    pub description: &'a str,
    pub app_id: &'a str,
    pub app_name: &'a str,
    pub environment: &'a str,
    pub expires_at: &'a str,
}

/// A secret's or certificate's expiry reminder.
pub fn expiry(base: &str, k: &KeyFacts<'_>, t: Threshold) -> Content {
    let named = if k.description.is_empty() {
        format!("A {} of {} ({})", k.what, k.app_name, k.environment)
    } else {
        format!(
            "The {} “{}” of {} ({})",
            k.what, k.description, k.app_name, k.environment
        )
    };
    let action = if t == Threshold::Expired {
        "Sign-ins and calls that use it fail now. Create a new one and update the app's configuration."
    } else {
        "Create a new one and update the app's configuration before then, so sign-ins and calls keep working."
    };
    Content {
        subject: format!(
            "The {} of {} ({}) {}",
            k.what,
            k.app_name,
            k.environment,
            t.words()
        ),
        paragraphs: vec![
            format!("{named} {} (expiry: {}).", t.words(), k.expires_at),
            action.to_string(),
        ],
        link: (
            "Open the app's keys".into(),
            portal(base, &format!("#/apps/{}/keys", k.app_id)),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds() {
        let d = time::Duration::days;
        assert_eq!(Threshold::of(d(31)), None);
        assert_eq!(Threshold::of(d(30)), Some(Threshold::Days30));
        assert_eq!(Threshold::of(d(7)), Some(Threshold::Days7));
        assert_eq!(Threshold::of(d(1)), Some(Threshold::Days1));
        assert_eq!(
            Threshold::of(time::Duration::ZERO),
            Some(Threshold::Expired)
        );
    }

    #[test]
    fn html_is_escaped() {
        let c = Content {
            subject: "<b>".into(),
            paragraphs: vec!["a <script>alert(1)</script> & \"q\"".into()],
            link: ("x".into(), "https://p/?a=1&b=\"".into()),
        };
        let (_, html) = render(&c, NotificationKind::PublishRequests, "https://p/u?t=1&x");
        assert!(!html.contains("<script>"));
        assert!(html.contains("&lt;script&gt;"));
        assert!(html.contains("https://p/?a=1&amp;b=&quot;"));
    }
}
