//! `--format json`: one document `{"summary", "groups", "events"}`.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use super::wire::{WireDiagnosis, WireEvent};
use crate::report::{Group, Report, Summary};
use crate::time::format_time;

#[derive(Serialize)]
struct WireInput<'a> {
    file: &'a str,
    format: Option<&'static str>,
    events: u64,
    rejected: u64,
    error: Option<&'a str>,
    notes: &'a [String],
}

#[derive(Serialize)]
struct WireSummary<'a> {
    inputs: Vec<WireInput<'a>>,
    records_read: u64,
    events_kept: u64,
    records_rejected: u64,
    events_with_unreadable_fields: u64,
    events_selected: u64,
    first_time: Option<String>,
    last_time: Option<String>,
    by_status: BTreeMap<&'static str, u64>,
    by_action: BTreeMap<&'static str, u64>,
    account_disabled_noise: u64,
    apps: Vec<&'a str>,
    cycles: u64,
}

pub fn summary(s: &Summary) -> impl Serialize + '_ {
    WireSummary {
        inputs: s
            .inputs
            .iter()
            .map(|i| WireInput {
                file: &i.label,
                format: i.format.map(|f| f.describe()),
                events: i.events,
                rejected: i.rejected,
                error: i.error.as_deref(),
                notes: &i.notes,
            })
            .collect(),
        records_read: s.read + s.rejected,
        events_kept: s.read,
        records_rejected: s.rejected,
        events_with_unreadable_fields: s.damaged,
        events_selected: s.selected,
        first_time: s.first.as_ref().map(format_time),
        last_time: s.last.as_ref().map(format_time),
        by_status: s.by_status.iter().map(|(k, v)| (k.as_str(), *v)).collect(),
        by_action: s.by_action.iter().map(|(k, v)| (k.as_str(), *v)).collect(),
        account_disabled_noise: s.noise,
        apps: s.apps.iter().map(String::as_str).collect(),
        cycles: s.cycles,
    }
}

#[derive(Serialize)]
struct WireGroupDiagnosis<'a> {
    #[serde(flatten)]
    base: WireDiagnosis<'a>,
    explanation: &'a str,
    docs: &'a [String],
}

#[derive(Serialize)]
struct WireGroup<'a> {
    key: &'a str,
    count: u64,
    category: Option<&'static str>,
    diagnosis: Option<WireGroupDiagnosis<'a>>,
    codes: &'a BTreeMap<String, u64>,
    identities: &'a [String],
    identity_count: u64,
    change_ids: &'a [String],
    first_time: Option<String>,
    last_time: Option<String>,
    max_retry_count: Option<u32>,
    next_retry: Option<String>,
}

fn group(g: &Group) -> WireGroup<'_> {
    WireGroup {
        key: &g.key,
        count: g.count,
        category: g.category().map(|c| c.as_str()),
        diagnosis: g.diagnosis.as_ref().map(|d| WireGroupDiagnosis {
            base: WireDiagnosis::new(d),
            explanation: &d.explanation,
            docs: &d.docs,
        }),
        codes: &g.codes,
        identities: &g.identities,
        identity_count: g.identity_count,
        change_ids: &g.change_ids,
        first_time: g.first.as_ref().map(format_time),
        last_time: g.last.as_ref().map(format_time),
        max_retry_count: g.max_retry,
        next_retry: g.next_retry.as_ref().map(format_time),
    }
}

#[derive(Serialize)]
struct Document<'a, S: Serialize> {
    summary: S,
    group_by: &'static str,
    groups: Vec<WireGroup<'a>>,
    events: Vec<WireEvent<'a>>,
}

pub fn render(w: &mut dyn Write, r: &Report) -> io::Result<()> {
    let doc = Document {
        summary: summary(&r.summary),
        group_by: group_by_name(r.group_by),
        groups: r.groups.iter().map(group).collect(),
        events: r.records.iter().map(WireEvent::new).collect(),
    };
    serde_json::to_writer_pretty(&mut *w, &doc).map_err(io::Error::from)?;
    w.write_all(b"\n")
}

pub fn group_by_name(g: crate::report::GroupKey) -> &'static str {
    use crate::report::GroupKey as G;
    match g {
        G::Diagnosis => "diagnosis",
        G::Code => "code",
        G::App => "app",
        G::Cycle => "cycle",
        G::Identity => "identity",
        G::Step => "step",
        G::None => "none",
    }
}
