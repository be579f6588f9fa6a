//! Any text into the reason parser (HTTP status, retries, next retry, embedded JSON body).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let facts = provlog::reason::parse(&text);
    if let Some(s) = facts.http_status {
        assert!((100..600).contains(&s), "http status {s} out of range");
    }
    if let Some(t) = facts.next_retry {
        let _ = provlog::time::format_time(&t);
    }
    let _ = provlog::time::parse_time(&text);
    let _ = provlog::time::parse_relative(&text);
});
