//! The pages, one module per area. The wizard is [`crate::wizard`].

mod app;
mod messages;
mod notifications;
mod partner;
mod review_queue;
mod sessions;
mod sign_in;
mod success;

pub use app::AppPage;
pub use messages::{Messages, TicketPage};
pub use notifications::Notifications;
pub use partner::PartnerPage;
pub use review_queue::PublishQueue;
pub use sessions::Sessions;
pub use sign_in::SignIn;
pub use success::Created;
