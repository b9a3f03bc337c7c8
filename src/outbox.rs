//! The offline outbox: "Create Application" requests waiting for the network, each sent exactly once
//! with its idempotency key.

use crate::api::ApiError;
use crate::store::{has, read, remove, write};
use appreg_core::api::{Application, CreateApplication};
use serde::{Deserialize, Serialize};
use std::cell::Cell;
use std::future::Future;

pub const QUEUE_KEY: &str = "appreg.queue";

/// A "Create Application" waiting for the network, with the idempotency key it will be sent with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Queued {
    pub partner: String,
    pub key: String,
    pub body: CreateApplication,
}

/// Whether requests are waiting (without reading them: the queue's code is not in the main module).
pub fn queued() -> bool {
    has(QUEUE_KEY)
}

/// Forgets what is stored as the queue.
pub fn clear() {
    remove(QUEUE_KEY);
}

pub fn load_queue() -> Vec<Queued> {
    read(QUEUE_KEY).unwrap_or_default()
}

fn save_queue(q: &[Queued]) {
    if q.is_empty() {
        remove(QUEUE_KEY);
    } else {
        write(QUEUE_KEY, &q);
    }
}

/// Adds a request to the queue; a request with the same key replaces the earlier one.
pub fn enqueue(item: Queued) {
    let mut q = load_queue();
    q.retain(|x| x.key != item.key);
    q.push(item);
    save_queue(&q);
}

/// Whether the browser says it is online.
pub fn online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

thread_local! {
    static FLUSHING: Cell<bool> = const { Cell::new(false) };
}

/// What happened to one queued request during a flush.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sent {
    Created(Queued, Box<Application>),
    /// The server refused it (4xx/5xx): it left the queue; the user has to fix the draft.
    Refused(Queued, ApiError),
}

/// Sends every queued request once, in order, with `send` (the API call, or a fake in tests).
/// A request leaves the queue when the server answered; on a network failure it stays, and the
/// flush stops until the next `online` event. Concurrent flushes are ignored, so a request is never
/// in flight twice.
pub async fn flush<F, Fut>(send: F) -> Vec<Sent>
where
    F: Fn(Queued) -> Fut,
    Fut: Future<Output = Result<Application, ApiError>>,
{
    if FLUSHING.with(|f| f.replace(true)) {
        return Vec::new();
    }
    let mut out = Vec::new();
    while let Some(item) = load_queue().into_iter().next() {
        let res = send(item.clone()).await;
        if matches!(&res, Err(e) if e.is_network()) {
            break;
        }
        let mut q = load_queue();
        q.retain(|x| x.key != item.key);
        save_queue(&q);
        out.push(match res {
            Ok(app) => Sent::Created(item, Box::new(app)),
            Err(e) => Sent::Refused(item, e),
        });
    }
    FLUSHING.with(|f| f.set(false));
    out
}
