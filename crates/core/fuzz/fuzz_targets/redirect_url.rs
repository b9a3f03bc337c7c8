//! Fuzzes the redirect-URL validator: no input may panic, and a canonical form must re-check clean.
#![no_main]

use appreg_core::{check_redirect_list, check_redirect_url, match_redirect, Template};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let template = Template::ALL[usize::from(selector) % Template::ALL.len()];
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let check = check_redirect_url(text, template);
    if let Some(canon) = &check.canonical {
        let again = check_redirect_url(canon, template);
        assert!(!again.is_error(), "canonical {canon:?} of {text:?} does not re-check clean");
        assert_eq!(again.canonical.as_deref(), Some(canon.as_str()));
        let _ = match_redirect(&[canon.as_str()], text);
    }
    let lines: Vec<&str> = text.split('\n').collect();
    let _ = check_redirect_list(&lines, template);
});
