//! The document of `analyze --format json`: `{"summary", "group_by", "groups",
//! "ungrouped_events", "events"}`.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{WireDiagnosisDetail, WireEvent, WireInput};
use crate::cycles::{CycleStats, Warning};
use crate::report::{AttributeRow, Group, GroupKey, Report, Summary};
use crate::time::format_time;

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
    warnings: Vec<WireWarning<'a>>,
}

#[derive(Serialize)]
struct WireEntryCount<'a> {
    id: &'a str,
    category: &'static str,
    count: u64,
}

#[derive(Serialize)]
struct WireCycle<'a> {
    job_id: &'a str,
    cycle_id: &'a str,
    app: Option<&'a str>,
    first_time: Option<String>,
    last_time: Option<String>,
    events: u64,
    failures: u64,
    /// Whole percent, rounded down.
    failure_percent: u64,
    /// Failures diagnosed as auth, permission or target-config.
    config_failures: u64,
    by_action: BTreeMap<&'static str, u64>,
    by_status: BTreeMap<&'static str, u64>,
    top_diagnoses: Vec<WireEntryCount<'a>>,
    /// The quarantine thresholds this cycle crosses (empty when none).
    risks: Vec<&'static str>,
}

fn cycle(c: &CycleStats) -> WireCycle<'_> {
    WireCycle {
        job_id: &c.job_id,
        cycle_id: &c.cycle_id,
        app: c.app.as_deref(),
        first_time: c.first.as_ref().map(format_time),
        last_time: c.last.as_ref().map(format_time),
        events: c.events,
        failures: c.failures(),
        failure_percent: (c.failures() * 100).checked_div(c.events).unwrap_or(0),
        config_failures: c.config_failures(),
        by_action: c.by_action.iter().map(|(k, v)| (k.as_str(), *v)).collect(),
        by_status: c.by_status.iter().map(|(k, v)| (k.as_str(), *v)).collect(),
        top_diagnoses: c
            .top_diagnoses(crate::cycles::TOP)
            .into_iter()
            .map(|(id, cat, n)| WireEntryCount {
                id,
                category: cat.as_str(),
                count: n,
            })
            .collect(),
        risks: c.risks().iter().map(|r| r.as_str()).collect(),
    }
}

#[derive(Serialize)]
struct WireWarning<'a> {
    kind: &'static str,
    job_id: &'a str,
    app: Option<&'a str>,
    cycles_at_risk: u64,
    cycles: u64,
    reasons: Vec<&'static str>,
    /// The newest cycle at risk.
    latest_cycle: WireCycle<'a>,
    entries: Vec<WireEntryCount<'a>>,
    check_first: Vec<&'static str>,
}

fn warning(w: &Warning) -> WireWarning<'_> {
    WireWarning {
        kind: "quarantine-risk",
        job_id: &w.job_id,
        app: w.app.as_deref(),
        cycles_at_risk: w.cycles_at_risk,
        cycles: w.cycles,
        reasons: w.reasons.iter().map(|r| r.as_str()).collect(),
        latest_cycle: cycle(&w.latest),
        entries: w
            .entries
            .iter()
            .map(|(id, c, n)| WireEntryCount {
                id,
                category: c.as_str(),
                count: *n,
            })
            .collect(),
        check_first: w.checks.iter().map(|c| c.as_str()).collect(),
    }
}

fn summary(s: &Summary) -> WireSummary<'_> {
    WireSummary {
        inputs: s.inputs.iter().map(WireInput::new).collect(),
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
        warnings: s.warnings.iter().map(warning).collect(),
    }
}

#[derive(Serialize)]
struct WireGroup<'a> {
    key: &'a str,
    count: u64,
    category: Option<&'static str>,
    diagnosis: Option<WireDiagnosisDetail<'a>>,
    codes: &'a BTreeMap<String, u64>,
    identities: &'a [String],
    identity_count: u64,
    change_ids: &'a [String],
    first_time: Option<String>,
    last_time: Option<String>,
    max_retry_count: Option<u32>,
    next_retry: Option<String>,
    /// `needs-action`, `will-retry` or `informational`; `null` for a group with no failure
    /// or warning.
    priority: Option<&'static str>,
    persistent_identities: u64,
    /// The cycle view only.
    #[serde(skip_serializing_if = "Option::is_none")]
    cycle: Option<WireCycle<'a>>,
    /// The attribute view only.
    #[serde(skip_serializing_if = "Option::is_none")]
    offending: Option<Vec<WireAttributeRow<'a>>>,
    /// The views by code, app, identity, step and template: every diagnosis of the group
    /// with its count, most frequent first.
    #[serde(skip_serializing_if = "Option::is_none")]
    diagnoses: Option<Vec<WireDiagnosisCount<'a>>>,
    /// The template view only: one message of the group as it was logged.
    #[serde(skip_serializing_if = "Option::is_none")]
    example: Option<&'a str>,
}

#[derive(Serialize)]
struct WireDiagnosisCount<'a> {
    id: &'a str,
    count: u64,
}

#[derive(Serialize)]
struct WireAttributeRow<'a> {
    identity: &'a str,
    value: Option<&'a str>,
    diagnosis_id: &'a str,
    /// Where the attribute or value was found: `catalog`, `message`, `modified-property`.
    source: Option<&'static str>,
    count: u64,
    change_id: Option<&'a str>,
    detail: Option<&'a str>,
}

fn attribute_row(r: &AttributeRow) -> WireAttributeRow<'_> {
    WireAttributeRow {
        identity: &r.identity,
        value: r.value.as_deref(),
        diagnosis_id: &r.diagnosis,
        source: r.source.map(|s| s.as_str()),
        count: r.count,
        change_id: r.change_id.as_deref(),
        detail: r.detail.as_deref(),
    }
}

fn group(g: &Group, by: GroupKey) -> WireGroup<'_> {
    WireGroup {
        key: &g.key,
        count: g.count,
        category: g.category().map(|c| c.as_str()),
        diagnosis: g.diagnosis.as_ref().map(WireDiagnosisDetail::new),
        codes: &g.codes,
        identities: &g.identities,
        identity_count: g.identity_count,
        change_ids: &g.change_ids,
        first_time: g.first.as_ref().map(format_time),
        last_time: g.last.as_ref().map(format_time),
        max_retry_count: g.max_retry,
        next_retry: g.next_retry.as_ref().map(format_time),
        priority: g.priority.map(|p| p.as_str()),
        persistent_identities: g.persistent_identities,
        cycle: g.cycle.as_ref().map(cycle),
        offending: (by == GroupKey::Attribute)
            .then(|| g.attribute_rows.iter().map(attribute_row).collect()),
        diagnoses: (!matches!(
            by,
            GroupKey::Diagnosis | GroupKey::Cycle | GroupKey::Attribute
        ))
        .then(|| {
            g.top_diagnoses()
                .into_iter()
                .map(|(d, count)| WireDiagnosisCount { id: &d.id, count })
                .collect()
        }),
        example: (by == GroupKey::Template).then_some(g.example.as_deref().unwrap_or("")),
    }
}

#[derive(Serialize)]
pub struct WireReport<'a> {
    summary: WireSummary<'a>,
    group_by: &'static str,
    groups: Vec<WireGroup<'a>>,
    /// Selected events the grouping leaves out (the attribute view covers only
    /// invalid-data and conflict failures).
    ungrouped_events: u64,
    events: Vec<WireEvent<'a>>,
}

impl<'a> WireReport<'a> {
    pub fn new(r: &'a Report) -> Self {
        WireReport {
            summary: summary(&r.summary),
            group_by: r.group_by.as_str(),
            groups: r.groups.iter().map(|g| group(g, r.group_by)).collect(),
            ungrouped_events: r.outside_view,
            events: r.records.iter().map(WireEvent::new).collect(),
        }
    }
}
