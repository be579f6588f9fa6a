#![allow(dead_code)] // each target uses part of this module
//! What every target does with what a reader gave: classify each event, group, and render
//! every output format into memory, so that a panic anywhere downstream of the readers is
//! found too.

use std::sync::OnceLock;

use provlog::catalog::Catalog;
use provlog::classify::{classify_event, event_facts};
use provlog::event::Status;
use provlog::i18n::Lang;
use provlog::input::{Collect, ReadOutcome};
use provlog::render::{self, Style};
use provlog::report::{GroupKey, Groups, Record, Report, Summary};

pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| Catalog::load(&[]).expect("the built-in catalog loads"))
}

/// Everything downstream of a reader, on what it read.
pub fn exercise(collected: Collect, outcome: &ReadOutcome, variant: u8) {
    assert_eq!(
        collected.seen as usize,
        collected.events.len(),
        "every event seen was delivered"
    );
    if let Some(p) = &outcome.fatal {
        assert!(!p.file.is_empty());
        let _ = p.to_string();
    }
    let lang = if variant & 1 == 0 { Lang::En } else { Lang::Ja };
    let group_by = match (variant >> 1) % 6 {
        0 => GroupKey::Diagnosis,
        1 => GroupKey::Code,
        2 => GroupKey::Identity,
        3 => GroupKey::Attribute,
        4 => GroupKey::Step,
        _ => GroupKey::None,
    };
    let cat = catalog();
    let mut groups = Groups::default();
    let mut records = Vec::new();
    let mut ndjson = Vec::new();
    let mut line = Vec::new();
    let mut csv = render::csv::CsvOut::new(Vec::new(), variant & 8 != 0).expect("in memory");
    let mut summary = Summary {
        read: collected.seen,
        rejected: collected.rejected.len() as u64,
        ..Summary::default()
    };
    for (i, (ev, _damage)) in collected.events.into_iter().enumerate() {
        // Matching runs the catalog's whole pattern set over every text, slow under the
        // fuzzer's instrumentation; the `matcher` target covers it, so only the first few
        // events of an input are classified here and the readers get the executions.
        let classify = i < 4 && (ev.status() != Status::Success || ev.error.code.is_some());
        let (diagnosis, facts) = if classify {
            let (d, f) = classify_event(cat, &ev, lang);
            (Some(d), f)
        } else {
            (None, event_facts(&ev))
        };
        if let Some(t) = ev.time {
            summary.see_time(t);
        }
        if let Some(a) = ev.app() {
            summary.see_app(a);
        }
        summary.selected += 1;
        let rec = Record {
            event: ev,
            diagnosis,
            facts,
        };
        groups.add(group_by, &rec);
        render::wire::write_ndjson(&mut ndjson, &mut line, &rec).expect("in memory");
        csv.row(&rec).expect("in memory");
        records.push(rec);
    }
    csv.finish().expect("in memory");
    for line in ndjson.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
        assert!(
            serde_json_valid(line),
            "an NDJSON line is not JSON: {}",
            String::from_utf8_lossy(line)
        );
    }
    let report = Report {
        summary,
        groups: groups.finish(),
        group_by,
        records,
        outside_view: 0,
    };
    let style = Style {
        lang,
        color: variant & 16 != 0,
        ascii: variant & 32 != 0,
        width: None,
    };
    let mut out = Vec::new();
    render::table::render(&mut out, &report, style).expect("in memory");
    assert_no_escapes(&out, style.color);
    out.clear();
    render::markdown::render(&mut out, &report, style).expect("in memory");
    assert_no_escapes(&out, false);
    out.clear();
    render::json::render(&mut out, &report).expect("in memory");
}

fn serde_json_valid(line: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(line).is_ok()
}

/// Table and Markdown output never carry a control character from the input (colour
/// codes of our own aside).
fn assert_no_escapes(out: &[u8], color: bool) {
    if color {
        return;
    }
    let text = String::from_utf8_lossy(out);
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')),
        "a control character reached the human-readable output"
    );
}
