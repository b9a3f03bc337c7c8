//! Notification e-mails (issue #14): which kinds of e-mail a user gets, and the API types of
//! `GET/PUT /api/v1/me/notifications`. Every kind is on until the user turns it off (in the portal, or
//! with the unsubscribe link of an e-mail, which turns off exactly that kind).

use serde::{Deserialize, Serialize};

/// A kind of notification e-mail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum NotificationKind {
    /// A publish request was received (to the app managers, and to the requester as a receipt).
    PublishRequests,
    /// A publish request was approved or rejected (to the requester and the technical contact).
    PublishDecisions,
    /// A new reply in a Messaging Center ticket.
    TicketReplies,
    /// A client secret or certificate expires in 30, 7 or 1 days, or has expired.
    ExpiryReminders,
}

impl NotificationKind {
    pub const ALL: [NotificationKind; 4] = [
        NotificationKind::PublishRequests,
        NotificationKind::PublishDecisions,
        NotificationKind::TicketReplies,
        NotificationKind::ExpiryReminders,
    ];

    /// The stored and sent text.
    pub fn id(self) -> &'static str {
        match self {
            NotificationKind::PublishRequests => "publish-requests",
            NotificationKind::PublishDecisions => "publish-decisions",
            NotificationKind::TicketReplies => "ticket-replies",
            NotificationKind::ExpiryReminders => "expiry-reminders",
        }
    }

    pub fn from_id(s: &str) -> Option<NotificationKind> {
        NotificationKind::ALL.into_iter().find(|k| k.id() == s)
    }

    /// What the preference is called in the portal and on the unsubscribe page.
    pub fn title(self) -> &'static str {
        match self {
            NotificationKind::PublishRequests => "Publish requests received",
            NotificationKind::PublishDecisions => "Publish requests approved or rejected",
            NotificationKind::TicketReplies => "New replies in my tickets",
            NotificationKind::ExpiryReminders => "Client secrets and certificates about to expire",
        }
    }
}

/// One kind and whether the user gets it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationPref {
    pub kind: NotificationKind,
    pub title: String,
    pub enabled: bool,
}

/// `GET /api/v1/me/notifications` and the answer of `PUT`: every kind, in [`NotificationKind::ALL`]'s order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationPrefs {
    pub kinds: Vec<NotificationPref>,
}

/// One change of `PUT /api/v1/me/notifications` (`title` may be sent back and is ignored).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SetNotificationPref {
    pub kind: NotificationKind,
    pub enabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// `PUT /api/v1/me/notifications`: the kinds listed are set, the others stay as they are.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SetNotificationPrefs {
    #[cfg_attr(feature = "openapi", schema(max_items = 16))]
    pub kinds: Vec<SetNotificationPref>,
}
