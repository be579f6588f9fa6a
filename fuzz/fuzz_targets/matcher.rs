//! Any text into `explain` (catalog ids, exact codes, the pattern set, embedded codes, the
//! HTTP status), with and without a task, in both languages.
#![no_main]

use libfuzzer_sys::fuzz_target;
use provlog::catalog::Lang;
use provlog::classify::explain;

mod common;

fuzz_target!(|data: &[u8]| {
    let (variant, bytes) = match data.split_first() {
        Some((v, rest)) => (*v, rest),
        None => (0, data),
    };
    let text = String::from_utf8_lossy(bytes);
    let lang = if variant & 1 == 0 { Lang::En } else { Lang::Ja };
    let task = (variant & 2 != 0).then_some("CreateUser");
    let found = explain(common::catalog(), &text, task, lang);
    let mut ids: Vec<&str> = found.iter().map(|e| e.diagnosis.id.as_str()).collect();
    let n = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n, "an entry is listed twice");
});
