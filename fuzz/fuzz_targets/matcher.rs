//! Any text into `explain` (catalog ids, exact codes, the layers of a message, the literal
//! prefilter and the patterns, embedded codes, the HTTP status), with and without a task
//! and a system, in both languages; then the closest entries and the message's template.
#![no_main]

use libfuzzer_sys::fuzz_target;
use provlog::catalog::System;
use provlog::classify::{Context, explain};
use provlog::i18n::Lang;

mod common;

fuzz_target!(|data: &[u8]| {
    let (variant, bytes) = match data.split_first() {
        Some((v, rest)) => (*v, rest),
        None => (0, data),
    };
    let text = String::from_utf8_lossy(bytes);
    let lang = if variant & 1 == 0 { Lang::En } else { Lang::Ja };
    let ctx = Context {
        task: (variant & 2 != 0).then_some("CreateUser"),
        system: (variant & 4 != 0).then_some(System::Iij),
        code: None,
    };
    let found = explain(common::catalog(), &text, ctx, lang);
    if found.is_empty() {
        let _ = common::catalog().closest(&text, ctx.system, 3);
    }
    let _ = provlog::template::of(&text);
    let mut ids: Vec<&str> = found.iter().map(|e| e.diagnosis.id.as_str()).collect();
    let n = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n, "an entry is listed twice");
});
