//! Local persistence: localStorage reads and writes, and the autosaved draft. The offline queue that
//! uses the same storage is [`crate::outbox`].

use crate::draft::Draft;
use serde::{Deserialize, Serialize};

pub const DRAFT_KEY: &str = "appreg.draft";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

pub(crate) fn read<T: for<'de> Deserialize<'de>>(key: &str) -> Option<T> {
    let s = storage()?.get_item(key).ok()??;
    serde_json::from_str(&s).ok()
}

pub(crate) fn has(key: &str) -> bool {
    storage().is_some_and(|st| st.get_item(key).ok().flatten().is_some())
}

pub(crate) fn write<T: Serialize>(key: &str, value: &T) {
    if let (Some(st), Ok(s)) = (storage(), serde_json::to_string(value)) {
        let _ = st.set_item(key, &s);
    }
}

pub(crate) fn remove(key: &str) {
    if let Some(st) = storage() {
        let _ = st.remove_item(key);
    }
}

pub fn load_draft() -> Option<Draft> {
    read::<Draft>(DRAFT_KEY).filter(|d| !d.is_pristine())
}

pub fn save_draft(d: &Draft) {
    if d.is_pristine() {
        return;
    }
    write(DRAFT_KEY, d);
}

pub fn clear_draft() {
    remove(DRAFT_KEY);
}
