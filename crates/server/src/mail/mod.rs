//! E-mail (issue #14): notifications written to a durable outbox in the transaction of the change they
//! tell about ([`outbox`]), sent by a worker on every instance through a [`Mailer`]: a real SMTP server
//! (`serve --smtp-url`), or `.eml` files in a folder (`--outbox-dir`, the default, so `make run` needs
//! nothing). What each message says is [`messages`]; the expiry reminders' scan is [`reminders`].
//!
//! Who gets what: every recipient (a user, or an address without an account such as a technical contact
//! or an error e-mail recipient) has a preference per [`NotificationKind`], on until turned off
//! (`GET/PUT /api/v1/me/notifications`, or the unsubscribe link of any e-mail, which is signed with an
//! HMAC-SHA256 key kept in the database and turns off exactly that kind).

pub mod messages;
pub mod outbox;
pub mod reminders;

use crate::db::{self, Db};
use crate::error::{ApiError, ApiResult};
use crate::AppState;
use appreg_core::notifications::{NotificationKind, NotificationPref, NotificationPrefs};
use hmac::{Hmac, Mac};
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sqlx::AnyConnection;
use std::path::PathBuf;
use std::time::Duration;

pub use outbox::{enqueue_ticket_reply, TicketReply};

/// The sender when `--mail-from` is not given.
pub const DEFAULT_FROM: &str = "Developer Portal <portal@localhost>";
/// The folder of `.eml` files when no `--smtp-url` is given.
pub const DEFAULT_OUTBOX_DIR: &str = "data/outbox/";

/// One e-mail as the outbox stores it.
#[derive(Clone, Debug)]
pub struct Email {
    /// The outbox row's id (the file name of a `.eml`, the `Message-ID`'s left part).
    pub id: String,
    /// The dedupe key, sent as `X-Appreg-Event`.
    pub event_key: String,
    pub recipient: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub unsubscribe_url: String,
}

/// Why a send failed: `permanent` when the server refused it for good (a 5xx), so retrying is useless.
#[derive(Debug)]
pub struct SendError {
    pub permanent: bool,
    pub text: String,
}

/// Where e-mails go.
#[derive(Clone)]
pub enum Mailer {
    /// An SMTP server (`--smtp-url smtp://host:port`, `smtp://…?tls=required` for STARTTLS, `smtps://`).
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        from: Mailbox,
    },
    /// RFC 5322 `.eml` files named `<outbox id>.eml` in a folder (`--outbox-dir`).
    Files { dir: PathBuf, from: Mailbox },
}

/// Parses `--mail-from` ("Developer Portal <portal@example.com>" or a bare address).
pub fn parse_from(s: &str) -> Result<Mailbox, String> {
    s.parse::<Mailbox>()
        .map_err(|e| format!("--mail-from: {s:?} is not an address like \"Developer Portal <portal@example.com>\": {e}"))
}

impl Mailer {
    /// An SMTP mailer from a URL (lettre's: `smtp://[user:pass@]host[:port][?tls=required]`, `smtps://…`).
    pub fn smtp(url: &str, from: Mailbox) -> Result<Mailer, String> {
        if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
            return Err(format!(
                "--smtp-url: {url:?} is not an smtp:// or smtps:// URL"
            ));
        }
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("--smtp-url: {e}"))?
            // Well within the outbox's lease, so a slow server cannot make two instances send one row.
            .timeout(Some(Duration::from_secs(20)))
            .build();
        Ok(Mailer::Smtp { transport, from })
    }

    pub fn files(dir: impl Into<PathBuf>, from: Mailbox) -> Mailer {
        Mailer::Files {
            dir: dir.into(),
            from,
        }
    }

    fn from(&self) -> &Mailbox {
        match self {
            Mailer::Smtp { from, .. } | Mailer::Files { from, .. } => from,
        }
    }

    /// The RFC 5322 message: plain text and HTML alternatives, `Message-ID: <id@appreg>`,
    /// `X-Appreg-Event`, `List-Unsubscribe` and `List-Unsubscribe-Post` (RFC 8058 one-click).
    pub fn message(&self, e: &Email) -> Result<Message, SendError> {
        let permanent = |text: String| SendError {
            permanent: true,
            text,
        };
        let to: Mailbox = e
            .recipient
            .parse()
            .map_err(|err| permanent(format!("recipient {:?}: {err}", e.recipient)))?;
        let domain = self.from().email.domain().to_string();
        let mut m = Message::builder()
            .from(self.from().clone())
            .to(to)
            .subject(e.subject.clone())
            .message_id(Some(format!("<{}@{domain}>", e.id)))
            .multipart(MultiPart::alternative_plain_html(
                e.text_body.clone(),
                e.html_body.clone(),
            ))
            .map_err(|err| permanent(format!("message: {err}")))?;
        let headers = m.headers_mut();
        headers.insert_raw(HeaderValue::new(
            HeaderName::new_from_ascii_str("X-Appreg-Event"),
            e.event_key.clone(),
        ));
        headers.insert_raw(HeaderValue::new(
            HeaderName::new_from_ascii_str("List-Unsubscribe"),
            format!("<{}>", e.unsubscribe_url),
        ));
        headers.insert_raw(HeaderValue::new(
            HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
            "List-Unsubscribe=One-Click".into(),
        ));
        headers.insert_raw(HeaderValue::new(
            HeaderName::new_from_ascii_str("Auto-Submitted"),
            "auto-generated".into(),
        ));
        Ok(m)
    }

    /// Sends one e-mail (a file is written to a temporary name and renamed, so a reader never sees half
    /// of one, and writing it again replaces it).
    pub async fn send(&self, e: &Email) -> Result<(), SendError> {
        let m = self.message(e)?;
        match self {
            Mailer::Smtp { transport, .. } => {
                transport
                    .send(m)
                    .await
                    .map(|_| ())
                    .map_err(|err| SendError {
                        permanent: err.is_permanent(),
                        text: err.to_string(),
                    })
            }
            Mailer::Files { dir, .. } => {
                let transient = |err: std::io::Error| SendError {
                    permanent: false,
                    text: format!("{}: {err}", dir.display()),
                };
                tokio::fs::create_dir_all(dir).await.map_err(transient)?;
                let tmp = dir.join(format!(".{}.eml.tmp", e.id));
                tokio::fs::write(&tmp, m.formatted())
                    .await
                    .map_err(transient)?;
                tokio::fs::rename(&tmp, dir.join(format!("{}.eml", e.id)))
                    .await
                    .map_err(transient)
            }
        }
    }
}

/// The unsubscribe links' key: read from the database, made there by the first instance that needs it
/// (the insert of every later one does nothing), and kept in the state. Reads through `conn`, so it can
/// run inside the caller's transaction.
pub async fn key(state: &AppState, conn: &mut AnyConnection) -> ApiResult<Vec<u8>> {
    if let Some(k) = state.mail_key.get() {
        return Ok(k.clone());
    }
    sqlx::query(
        "INSERT INTO mail_key (id, key_hex, created_at) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING",
    )
    .bind(db::random_hex(32))
    .bind(db::now())
    .execute(&mut *conn)
    .await?;
    let hex_key: String = sqlx::query_scalar("SELECT key_hex FROM mail_key WHERE id = 1")
        .fetch_one(&mut *conn)
        .await?;
    let k = hex::decode(hex_key.trim())
        .map_err(|e| ApiError::Internal(format!("column mail_key.key_hex: {e}")))?;
    let _ = state.mail_key.set(k.clone());
    Ok(k)
}

/// The recipient's subject for preferences and unsubscribe links: the id of the user with that e-mail
/// address, else `email:<address in lower case>`.
pub async fn subject_of(conn: &mut AnyConnection, email: &str) -> ApiResult<String> {
    let id: Option<String> =
        sqlx::query_scalar("SELECT id FROM users WHERE LOWER(email) = LOWER($1)")
            .bind(email)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(id.unwrap_or_else(|| format!("email:{}", email.trim().to_lowercase())))
}

fn mac(key: &[u8], subject: &str, kind: NotificationKind) -> Hmac<sha2::Sha256> {
    let mut m = Hmac::<sha2::Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    m.update(b"appreg-unsubscribe\0");
    m.update(subject.as_bytes());
    m.update(b"\0");
    m.update(kind.id().as_bytes());
    m
}

/// An unsubscribe token: `base64url(subject "\n" kind) "." base64url(HMAC-SHA256)`.
pub fn unsubscribe_token(key: &[u8], subject: &str, kind: NotificationKind) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let tag = mac(key, subject, kind).finalize().into_bytes();
    format!(
        "{}.{}",
        b64.encode(format!("{subject}\n{}", kind.id())),
        b64.encode(tag)
    )
}

/// The subject and kind of a token whose signature holds (compared in constant time), else None.
pub fn verify_unsubscribe_token(key: &[u8], token: &str) -> Option<(String, NotificationKind)> {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let (payload, tag) = token.split_once('.')?;
    let payload = String::from_utf8(b64.decode(payload).ok()?).ok()?;
    let tag = b64.decode(tag).ok()?;
    let (subject, kind) = payload.rsplit_once('\n')?;
    let kind = NotificationKind::from_id(kind)?;
    mac(key, subject, kind).verify_slice(&tag).ok()?;
    Some((subject.to_string(), kind))
}

/// The unsubscribe link of a recipient and kind.
pub fn unsubscribe_url(
    state: &AppState,
    key: &[u8],
    subject: &str,
    kind: NotificationKind,
) -> String {
    format!(
        "{}/api/v1/unsubscribe?token={}",
        state.cfg.portal_url.trim_end_matches('/'),
        unsubscribe_token(key, subject, kind)
    )
}

/// Whether the subject gets this kind (on unless turned off).
pub async fn wants(
    conn: &mut AnyConnection,
    subject: &str,
    kind: NotificationKind,
) -> ApiResult<bool> {
    let enabled: Option<i64> = sqlx::query_scalar(
        "SELECT enabled FROM notification_prefs WHERE subject = $1 AND kind = $2",
    )
    .bind(subject)
    .bind(kind.id())
    .fetch_optional(&mut *conn)
    .await?;
    Ok(enabled.is_none_or(|e| e != 0))
}

/// Sets one preference.
pub async fn set_pref(
    conn: &mut AnyConnection,
    subject: &str,
    kind: NotificationKind,
    enabled: bool,
) -> ApiResult<()> {
    sqlx::query(
        "INSERT INTO notification_prefs (subject, kind, enabled, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (subject, kind) DO UPDATE SET enabled = excluded.enabled, updated_at = excluded.updated_at",
    )
    .bind(subject)
    .bind(kind.id())
    .bind(i64::from(enabled))
    .bind(db::now())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Every kind and whether the subject gets it.
pub async fn prefs(db: &Db, subject: &str) -> ApiResult<NotificationPrefs> {
    let mut conn = db.acquire().await?;
    let mut kinds = Vec::new();
    for kind in NotificationKind::ALL {
        kinds.push(NotificationPref {
            kind,
            title: kind.title().into(),
            enabled: wants(&mut conn, subject, kind).await?,
        });
    }
    Ok(NotificationPrefs { kinds })
}

/// One recipient's e-mail of an event: its event key, its unsubscribe link and both bodies.
pub fn render_for(
    state: &AppState,
    key: &[u8],
    kind: NotificationKind,
    event_key: &str,
    to: &str,
    subject: &str,
    content: &messages::Content,
) -> Email {
    let unsubscribe_url = unsubscribe_url(state, key, subject, kind);
    let (text_body, html_body) = messages::render(content, kind, &unsubscribe_url);
    Email {
        id: db::new_id(),
        event_key: event_key.to_string(),
        recipient: to.to_string(),
        subject: content.subject.clone(),
        text_body,
        html_body,
        unsubscribe_url,
    }
}
