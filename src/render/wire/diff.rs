//! The documents of `diff`: NDJSON rows, and the JSON document `{"summary", "rows"}`.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{WireDiagnosis, WireEvent, WireInput};
use crate::diff::{DiffReport, DiffRow, SideSummary};
use crate::time::format_time;

/// One row, in the NDJSON shape (also the JSON document's rows).
#[derive(Serialize)]
pub struct WireDiffRow<'a> {
    change: &'static str,
    identity: &'a str,
    identity_id: Option<&'a str>,
    diagnosis: WireDiagnosis<'a>,
    failures: u64,
    old_failures: u64,
    new_failures: u64,
    last_failure: Option<String>,
    resolved_at: Option<String>,
    resolved_by: Option<&'static str>,
    /// The newest failure, in the `analyze` NDJSON shape.
    event: WireEvent<'a>,
}

impl<'a> WireDiffRow<'a> {
    pub fn new(row: &'a DiffRow) -> Self {
        WireDiffRow {
            change: row.change.as_str(),
            identity: &row.identity,
            identity_id: row.identity_id.as_deref(),
            diagnosis: WireDiagnosis::new(&row.diagnosis),
            failures: row.failures,
            old_failures: row.old_failures,
            new_failures: row.new_failures,
            last_failure: row.last_failure.as_ref().map(format_time),
            resolved_at: row.resolved_at.as_ref().map(format_time),
            resolved_by: row.resolved_by.map(|r| r.as_str()),
            event: WireEvent::new(&row.latest),
        }
    }
}

#[derive(Serialize)]
struct WireSide<'a> {
    inputs: Vec<WireInput<'a>>,
    events: u64,
    failures: u64,
    successes: u64,
    first_time: Option<String>,
    last_time: Option<String>,
}

fn side(s: &SideSummary) -> WireSide<'_> {
    WireSide {
        inputs: s.inputs.iter().map(WireInput::without_notes).collect(),
        events: s.events,
        failures: s.failures,
        successes: s.successes,
        first_time: s.first.as_ref().map(format_time),
        last_time: s.last.as_ref().map(format_time),
    }
}

#[derive(Serialize)]
struct WireDiffSummary<'a> {
    old: WireSide<'a>,
    new: WireSide<'a>,
    /// Failing events present in both exports, counted once.
    overlap_failures: u64,
    /// Rows by change: `new`, `persisting`, `resolved`.
    counts: BTreeMap<&'static str, u64>,
    came_and_went: u64,
}

/// The JSON document.
#[derive(Serialize)]
pub struct WireDiff<'a> {
    summary: WireDiffSummary<'a>,
    rows: Vec<WireDiffRow<'a>>,
}

impl<'a> WireDiff<'a> {
    pub fn new(r: &'a DiffReport) -> Self {
        WireDiff {
            summary: WireDiffSummary {
                old: side(&r.old),
                new: side(&r.new),
                overlap_failures: r.overlap,
                counts: r.counts.iter().map(|(c, n)| (c.as_str(), *n)).collect(),
                came_and_went: r.came_and_went,
            },
            rows: r.rows.iter().map(WireDiffRow::new).collect(),
        }
    }
}
