//! The `fetch` filters: what Graph can apply (`$filter`), and the exact test applied to every
//! event received.
//!
//! Graph documents a few operators per attribute of `provisioningObjectSummary` (v1.0):
//! `activityDateTime` eq, gt, lt; `provisioningAction`, `provisioningStatusInfo/status`,
//! `jobId`, `cycleId`, `changeId` eq, contains; `servicePrincipal` eq on id and name. Only
//! those are sent. Where the server filter is wider than the flag (a time to the
//! millisecond, `contains` for a change id's start, an app name matched as a substring), the
//! local test narrows it, with the same rules as `analyze` ([`Filters`]), so that both
//! commands keep the same events for the same flags.

use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::config::{CycleFilter, Filters};
use crate::event::{Action, Event, Party, Status};
use crate::time::parse_time;

/// The `$filter` expression for these filters, or `None` when Graph is to send everything.
/// `job` is `--job` as typed: Graph compares case-sensitively, and job ids mix cases
/// (`DropboxSCIMOutDelta.…`), whereas [`Filters`] holds it lower-cased.
pub fn graph_filter(f: &Filters, job: Option<&str>) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(since) = f.since {
        // `ge` is not documented for activityDateTime: `gt` a millisecond earlier includes an
        // event at the very instant; anything earlier than `since` is dropped locally.
        parts.push(format!(
            "activityDateTime gt {}",
            odata_time(since - Duration::milliseconds(1))
        ));
    }
    if let Some(until) = f.until {
        parts.push(format!("activityDateTime lt {}", odata_time(until)));
    }
    if !f.statuses.is_empty() {
        let each: Vec<_> = f
            .statuses
            .iter()
            .map(|s| format!("provisioningStatusInfo/status eq '{}'", s.as_str()))
            .collect();
        parts.push(any_of(each));
    }
    if !f.actions.is_empty() {
        let each: Vec<_> = f
            .actions
            .iter()
            .map(|a| format!("provisioningAction eq '{}'", a.as_str()))
            .collect();
        parts.push(any_of(each));
    }
    // Graph's filters are case sensitive; cycle and change ids are lower-case GUIDs.
    if let Some(job) = job {
        parts.push(format!("contains(jobId, {})", quote(job)));
    }
    if let Some(CycleFilter::Id(c)) = &f.cycle {
        parts.push(format!("cycleId eq {}", quote(&c.to_lowercase())));
    }
    if let Some(ch) = &f.change {
        parts.push(format!("contains(changeId, {})", quote(ch)));
    }
    if let Some(app) = &f.app
        && is_guid(app)
    {
        // Only `eq` is documented for the service principal, so a name (matched as a
        // substring, as `analyze` does) is filtered here; a whole id can go to Graph.
        parts.push(format!("servicePrincipal/id eq {}", quote(app)));
    }
    if parts.is_empty() {
        None
    } else {
        Some(parts.join(" and "))
    }
}

fn any_of(each: Vec<String>) -> String {
    if each.len() == 1 {
        each.into_iter().next().unwrap_or_default()
    } else {
        format!("({})", each.join(" or "))
    }
}

/// An OData string literal: single quotes, a quote inside doubled.
fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn odata_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

fn is_guid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// The fields the local test reads; everything else in the event is passed through untouched.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct Probe {
    activity_date_time: Option<String>,
    provisioning_status_info: Option<StatusProbe>,
    provisioning_action: Option<String>,
    job_id: Option<String>,
    cycle_id: Option<String>,
    change_id: Option<String>,
    service_principal: Option<serde_json::Value>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct StatusProbe {
    status: Option<String>,
}

/// Whether the event passes the filters; an event that is not even an object does not.
pub fn keep(f: &Filters, raw: &RawValue) -> bool {
    let Ok(p) = serde_json::from_str::<Probe>(raw.get()) else {
        return false;
    };
    // `servicePrincipal` is an object in every real record, but typed as a collection.
    let sp = match &p.service_principal {
        Some(serde_json::Value::Array(a)) => a.first(),
        other => other.as_ref(),
    };
    let text = |k: &str| {
        sp.and_then(|v| v.get(k))
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    };
    let ev = Event {
        time: p.activity_date_time.as_deref().and_then(parse_time),
        status: p
            .provisioning_status_info
            .and_then(|s| s.status)
            .map(|s| Status::parse(&s)),
        action: p.provisioning_action.map(|a| Action::parse(&a)),
        job_id: p.job_id,
        cycle_id: p.cycle_id,
        change_id: p.change_id,
        service_principal: Party {
            id: text("id"),
            name: text("displayName"),
            ..Party::default()
        },
        ..Event::default()
    };
    f.pass_raw_event(&ev) && f.pass_diagnosis(&ev, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filters() -> Filters {
        Filters::default()
    }

    #[test]
    fn no_flags_no_filter() {
        assert_eq!(graph_filter(&filters(), None), None);
    }

    #[test]
    fn every_server_side_flag_uses_a_documented_operator() {
        let t = |s: &str| parse_time(s).unwrap();
        let f = Filters {
            since: Some(t("2026-11-24T00:00:00Z")),
            until: Some(t("2026-11-25T00:00:00Z")),
            statuses: vec![Status::Failure, Status::Warning],
            actions: vec![Action::StagedDelete],
            job: Some("scim.abc".into()),
            cycle: Some(CycleFilter::Id("B6502552-018D".into())),
            change: Some("o'brien".into()),
            app: Some("e394395f-7b85-4a43-a1be-365854c5a110".into()),
            ..filters()
        };
        assert_eq!(
            graph_filter(&f, Some("SCIM.abc")).unwrap(),
            "activityDateTime gt 2026-11-23T23:59:59.999Z and activityDateTime lt 2026-11-25T00:00:00.000Z \
             and (provisioningStatusInfo/status eq 'failure' or provisioningStatusInfo/status eq 'warning') \
             and provisioningAction eq 'stagedDelete' and contains(jobId, 'SCIM.abc') \
             and cycleId eq 'b6502552-018d' and contains(changeId, 'o''brien') \
             and servicePrincipal/id eq 'e394395f-7b85-4a43-a1be-365854c5a110'"
        );
    }

    #[test]
    fn an_app_name_and_latest_cycle_stay_local() {
        let f = Filters {
            app: Some("airtable".into()),
            cycle: Some(CycleFilter::Latest),
            ..filters()
        };
        assert_eq!(graph_filter(&f, None), None);
    }

    fn raw(s: &str) -> Box<RawValue> {
        RawValue::from_string(s.to_owned()).unwrap()
    }

    #[test]
    fn the_local_test_narrows_what_the_server_sent() {
        let f = Filters {
            since: parse_time("2026-11-24T00:00:00Z"),
            app: Some("airtable".into()),
            change: Some("b650".into()),
            ..filters()
        };
        let ev = |time: &str, app: &str, change: &str| {
            raw(&format!(
                r#"{{"activityDateTime":"{time}","changeId":"{change}","servicePrincipal":{{"id":"x","displayName":"{app}"}}}}"#
            ))
        };
        assert!(keep(
            &f,
            &ev("2026-11-24T00:00:00Z", "Airtable - Corp", "b6502552")
        ));
        assert!(!keep(
            &f,
            &ev("2026-11-23T23:59:59.9995Z", "Airtable", "b6502552")
        ));
        assert!(!keep(
            &f,
            &ev("2026-11-24T01:00:00Z", "Dropbox", "b6502552")
        ));
        assert!(!keep(&f, &ev("2026-11-24T01:00:00Z", "Airtable", "00b650")));
        assert!(!keep(&f, &raw("42")));
        assert!(keep(&filters(), &raw(r#"{"id":"1"}"#)));
    }
}
