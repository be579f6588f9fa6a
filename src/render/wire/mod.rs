//! The JSON wire types of the output contract, on their own so that an internal change
//! cannot change the output by accident. Key order is the declaration order; missing
//! values are `null`, never omitted.
//!
//! Every `Wire*` type of every command lives under this module: the shapes several
//! documents share here, each document's own in a submodule. A renderer builds the wire
//! value and writes it; it declares no serialisable type of its own.

pub mod catalog;
pub mod console;
pub mod diff;
pub mod explain;
pub mod report;
pub mod show;

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use crate::classify::Diagnosis;
use crate::event::Event;
use crate::reason::Facts;
use crate::report::{InputSummary, Record};
use crate::time::format_time;

#[derive(Serialize)]
pub struct WireDiagnosis<'a> {
    pub id: &'a str,
    pub system: Option<&'static str>,
    pub category: &'static str,
    pub title: &'a str,
    pub retry: Option<&'static str>,
    pub matched_by: Option<&'static str>,
    pub steps: &'a [String],
    /// The layers that matched, outermost first, ending with this diagnosis.
    pub cause: Vec<WireCause<'a>>,
}

/// A diagnosis with its texts (`explain`, and the groups of `--format json`): the event
/// shape's keys, then the explanation and docs, then the chain.
#[derive(Serialize)]
pub struct WireDiagnosisDetail<'a> {
    pub id: &'a str,
    pub system: Option<&'static str>,
    pub category: &'static str,
    pub title: &'a str,
    pub retry: Option<&'static str>,
    pub matched_by: Option<&'static str>,
    pub steps: &'a [String],
    pub explanation: &'a str,
    pub docs: &'a [String],
    pub cause: Vec<WireCause<'a>>,
}

impl<'a> WireDiagnosisDetail<'a> {
    pub fn new(d: &'a Diagnosis) -> Self {
        WireDiagnosisDetail {
            id: &d.id,
            system: d.system.map(|s| s.as_str()),
            category: d.category.as_str(),
            title: &d.title,
            retry: d.retry.map(|r| r.as_str()),
            matched_by: d.matched_by.map(|m| m.as_str()),
            steps: &d.steps,
            explanation: &d.explanation,
            docs: &d.docs,
            cause: WireCause::list(d),
        }
    }
}

#[derive(Serialize)]
pub struct WireCause<'a> {
    pub layer: &'static str,
    pub id: &'a str,
}

impl<'a> WireCause<'a> {
    pub fn list(d: &'a Diagnosis) -> Vec<WireCause<'a>> {
        d.cause
            .iter()
            .map(|c| WireCause {
                layer: c.layer.as_str(),
                id: &c.id,
            })
            .collect()
    }
}

impl<'a> WireDiagnosis<'a> {
    pub fn new(d: &'a Diagnosis) -> Self {
        WireDiagnosis {
            id: &d.id,
            system: d.system.map(|s| s.as_str()),
            category: d.category.as_str(),
            title: &d.title,
            retry: d.retry.map(|r| r.as_str()),
            matched_by: d.matched_by.map(|m| m.as_str()),
            steps: &d.steps,
            cause: WireCause::list(d),
        }
    }
}

#[derive(Serialize)]
pub struct WireFacts<'a> {
    pub http_status: Option<u16>,
    pub retry_count: Option<u32>,
    pub next_retry: Option<String>,
    pub target_error_code: Option<&'a str>,
    pub request_id: Option<&'a str>,
    #[serde(flatten)]
    pub extra: BTreeMap<&'a str, &'a str>,
}

impl<'a> WireFacts<'a> {
    pub fn new(f: &'a Facts) -> Self {
        WireFacts {
            http_status: f.http_status,
            retry_count: f.retry_count,
            next_retry: f.next_retry.as_ref().map(format_time),
            target_error_code: f.target_error_code.as_deref(),
            request_id: f.request_id.as_deref(),
            extra: f
                .extra
                .iter()
                .filter(|(k, _)| {
                    !matches!(
                        k.as_str(),
                        "http_status"
                            | "retry_count"
                            | "next_retry"
                            | "target_error_code"
                            | "request_id"
                    )
                })
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect(),
        }
    }
}

/// One input file in a summary. `notes` (what the reader noticed on the way) belongs to
/// the summary of `analyze`; the sides of `diff` leave the key out.
#[derive(Serialize)]
pub struct WireInput<'a> {
    pub file: &'a str,
    pub format: Option<&'static str>,
    pub events: u64,
    pub rejected: u64,
    pub error: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<&'a [String]>,
}

impl<'a> WireInput<'a> {
    pub fn new(i: &'a InputSummary) -> Self {
        WireInput {
            notes: Some(&i.notes),
            ..WireInput::without_notes(i)
        }
    }

    pub fn without_notes(i: &'a InputSummary) -> Self {
        WireInput {
            file: &i.label,
            format: i.format.map(|f| f.describe()),
            events: i.events,
            rejected: i.rejected,
            error: i.error.as_deref(),
            notes: None,
        }
    }
}

/// One event in the NDJSON shape.
#[derive(Serialize)]
pub struct WireEvent<'a> {
    pub change_id: Option<&'a str>,
    pub time: Option<String>,
    pub action: Option<&'static str>,
    pub status: Option<&'static str>,
    pub app: Option<&'a str>,
    pub job_id: Option<&'a str>,
    pub cycle_id: Option<&'a str>,
    pub identity: Option<&'a str>,
    pub source_system: Option<&'a str>,
    pub target_system: Option<&'a str>,
    pub error_code: Option<&'a str>,
    pub reason: Option<&'a str>,
    pub failed_step: Option<&'a str>,
    pub diagnosis: Option<WireDiagnosis<'a>>,
    pub facts: WireFacts<'a>,
}

impl<'a> WireEvent<'a> {
    pub fn new(r: &'a Record) -> Self {
        let e: &'a Event = &r.event;
        WireEvent {
            change_id: e.change_id.as_deref(),
            time: e.time.as_ref().map(format_time),
            action: e.action.map(|a| a.as_str()),
            status: e.status.map(|s| s.as_str()),
            app: e.app(),
            job_id: e.job_id.as_deref(),
            cycle_id: e.cycle_id.as_deref(),
            identity: e.identity(),
            source_system: e.source_system.name.as_deref(),
            target_system: e.target_system.name.as_deref(),
            error_code: e.error.code.as_deref(),
            reason: e.error.reason.as_deref(),
            failed_step: e.failed_step().and_then(|s| s.name.as_deref()),
            diagnosis: r.diagnosis.as_ref().map(WireDiagnosis::new),
            facts: WireFacts::new(&r.facts),
        }
    }
}

/// Writes one NDJSON line. The line is serialised into `buf` (cleared first, kept by the
/// caller from line to line) and written with one call: serialising through the writer
/// itself costs a dynamic call for every key, quote and comma.
pub fn write_ndjson(w: &mut dyn Write, buf: &mut Vec<u8>, r: &Record) -> io::Result<()> {
    buf.clear();
    serde_json::to_writer(&mut *buf, &WireEvent::new(r)).map_err(io::Error::from)?;
    buf.push(b'\n');
    w.write_all(buf)
}
