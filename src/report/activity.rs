//! What the HTML report shows beyond the groups: statistics per provisioning cycle, the
//! failures over time by category, and every affected identity of each diagnosis with its
//! change ids.
//!
//! Pure and deterministic like the rest of `report`: it is fed plain values (never a
//! reader's types), keeps `BTreeMap`s only, and breaks every tie explicitly. Only
//! `analyze --format html` builds one, so the other formats pay nothing for it. Memory is
//! bounded by the number of cycles, minutes and (capped) identities, not by events.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeZone, Utc};

use super::Record;
use crate::catalog::Category;
use crate::event::{Action, Status};

/// Identities kept per diagnosis; beyond it only the group's distinct count is known.
pub const MAX_IDENTITIES: usize = 1000;
/// Change ids kept per identity and diagnosis.
pub const MAX_CHANGES: usize = 10;
/// Distinct reasons kept as examples of an unclassified failure.
pub const MAX_REASONS: usize = 5;
/// Characters kept of each example reason.
const REASON_CHARS: usize = 1000;
/// Most buckets a timeline is cut into before the next wider bucket is chosen.
pub const MAX_BUCKETS: i64 = 36;

const MINUTE: i64 = 60;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;
/// Bucket widths, narrowest first. All are whole minutes, so per-minute counts can be
/// re-cut into any of them without keeping event times.
const WIDTHS: [i64; 13] = [
    MINUTE,
    2 * MINUTE,
    5 * MINUTE,
    10 * MINUTE,
    15 * MINUTE,
    30 * MINUTE,
    HOUR,
    2 * HOUR,
    3 * HOUR,
    6 * HOUR,
    12 * HOUR,
    DAY,
    7 * DAY,
];

/// Where buckets of this width start: weeks on Mondays (1970-01-05 was one), everything
/// else on multiples of the width since the epoch, i.e. on round UTC times.
pub fn bucket_offset(width: i64) -> i64 {
    if width == 7 * DAY { 4 * DAY } else { 0 }
}

fn bucket_of(secs: i64, width: i64) -> i64 {
    (secs - bucket_offset(width)).div_euclid(width)
}

/// The narrowest width that cuts `first..=last` into at most [`MAX_BUCKETS`] aligned
/// buckets (the widest one when none does).
pub fn bucket_width(first: DateTime<Utc>, last: DateTime<Utc>) -> i64 {
    let (a, b) = (first.timestamp(), last.timestamp().max(first.timestamp()));
    WIDTHS
        .iter()
        .copied()
        .find(|w| bucket_of(b, *w) - bucket_of(a, *w) < MAX_BUCKETS)
        .unwrap_or(WIDTHS[WIDTHS.len() - 1])
}

/// One provisioning cycle: everything read from it, and the diagnoses of its selected events.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CycleStats {
    /// The cycle id; empty for events without one.
    pub id: String,
    /// The first application seen in the cycle.
    pub app: Option<String>,
    pub first: Option<DateTime<Utc>>,
    pub last: Option<DateTime<Utc>>,
    pub events: u64,
    pub by_status: BTreeMap<Status, u64>,
    pub by_action: BTreeMap<Action, u64>,
    /// Selected events with a diagnosis, by diagnosis id.
    pub diagnoses: BTreeMap<String, u64>,
}

impl CycleStats {
    /// The most frequent diagnosis (ties: the smaller id).
    pub fn top_diagnosis(&self) -> Option<(&str, u64)> {
        self.diagnoses
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
            .map(|(k, n)| (k.as_str(), *n))
    }
}

/// One identity affected by a diagnosis.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdentityStats {
    pub events: u64,
    pub last: Option<DateTime<Utc>>,
    /// The first [`MAX_CHANGES`] distinct change ids, in the order they were read.
    pub change_ids: Vec<String>,
    /// Distinct change ids beyond those kept are not told apart from repeats: this counts
    /// events whose change id was not kept.
    pub more_changes: u64,
}

/// Every identity (up to [`MAX_IDENTITIES`]) a diagnosis affected.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Affected {
    /// Keyed by identity; empty for events that name none.
    pub identities: BTreeMap<String, IdentityStats>,
    /// Events of identities beyond the cap.
    pub dropped_events: u64,
}

impl Affected {
    /// Most events first, then identity.
    pub fn sorted(&self) -> Vec<(&str, &IdentityStats)> {
        let mut v: Vec<_> = self
            .identities
            .iter()
            .map(|(k, s)| (k.as_str(), s))
            .collect();
        v.sort_by(|a, b| b.1.events.cmp(&a.1.events).then_with(|| a.0.cmp(b.0)));
        v
    }
}

/// The failures over time, cut into equal buckets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeline {
    /// Start of the first bucket.
    pub start: DateTime<Utc>,
    /// Bucket width in seconds.
    pub width: i64,
    /// Counts per bucket, by category.
    pub buckets: Vec<BTreeMap<Category, u64>>,
}

impl Timeline {
    pub fn bucket_start(&self, i: usize) -> DateTime<Utc> {
        self.start + chrono::Duration::seconds(self.width * i as i64)
    }

    pub fn categories(&self) -> BTreeMap<Category, u64> {
        let mut all = BTreeMap::new();
        for b in &self.buckets {
            for (c, n) in b {
                *all.entry(*c).or_default() += n;
            }
        }
        all
    }

    /// The largest bucket total.
    pub fn peak(&self) -> u64 {
        self.buckets
            .iter()
            .map(|b| b.values().sum())
            .max()
            .unwrap_or(0)
    }
}

#[derive(Debug, Clone, Default)]
pub struct Activity {
    cycles: BTreeMap<String, CycleStats>,
    /// Selected events that are not successes, per UTC minute (seconds since the epoch
    /// divided by 60) and category.
    per_minute: BTreeMap<(i64, Category), u64>,
    /// Selected events that are not successes and carry no time.
    pub untimed: u64,
    affected: BTreeMap<String, Affected>,
    /// Diagnosis titles by id, for the cycles' top diagnoses.
    titles: BTreeMap<String, String>,
    /// Selected events that are not successes and that no catalog entry matched.
    pub unclassified: u64,
    /// The first distinct reasons of unclassified failures, which nothing else explains.
    reasons: Vec<String>,
}

impl Activity {
    /// Counts an event read, before any filter.
    pub fn see(
        &mut self,
        cycle: Option<&str>,
        app: Option<&str>,
        time: Option<DateTime<Utc>>,
        status: Status,
        action: Action,
    ) {
        let id = cycle.unwrap_or("");
        // Looked up before inserting so that the common case allocates nothing.
        if !self.cycles.contains_key(id) {
            self.cycles.insert(
                id.to_owned(),
                CycleStats {
                    id: id.to_owned(),
                    ..CycleStats::default()
                },
            );
        }
        let Some(c) = self.cycles.get_mut(id) else {
            return;
        };
        c.events += 1;
        *c.by_status.entry(status).or_default() += 1;
        *c.by_action.entry(action).or_default() += 1;
        if c.app.is_none()
            && let Some(a) = app.filter(|a| !a.is_empty())
        {
            c.app = Some(a.to_owned());
        }
        if let Some(t) = time {
            if c.first.is_none_or(|f| t < f) {
                c.first = Some(t);
            }
            if c.last.is_none_or(|l| t > l) {
                c.last = Some(t);
            }
        }
    }

    /// Adds a selected event (after every filter).
    pub fn add(&mut self, r: &Record) {
        let ev = &r.event;
        let Some(d) = &r.diagnosis else { return };
        if ev.status() == Status::Success {
            return;
        }
        if !self.titles.contains_key(&d.id) {
            self.titles.insert(d.id.clone(), d.title.clone());
        }
        if d.is_unclassified() {
            self.unclassified += 1;
            if self.reasons.len() < MAX_REASONS
                && let Some(reason) = ev.error.reason.as_deref().filter(|r| !r.trim().is_empty())
            {
                let reason: String = reason.chars().take(REASON_CHARS).collect();
                if !self.reasons.contains(&reason) {
                    self.reasons.push(reason);
                }
            }
        }
        let cycle = ev.cycle_id.as_deref().unwrap_or("");
        if let Some(c) = self.cycles.get_mut(cycle) {
            *c.diagnoses.entry(d.id.clone()).or_default() += 1;
        }
        match ev.time {
            Some(t) => {
                *self
                    .per_minute
                    .entry((t.timestamp().div_euclid(MINUTE), d.category))
                    .or_default() += 1
            }
            None => self.untimed += 1,
        }
        let affected = self.affected.entry(d.id.clone()).or_default();
        let who = ev.identity().unwrap_or("");
        if !affected.identities.contains_key(who) {
            if affected.identities.len() >= MAX_IDENTITIES {
                affected.dropped_events += 1;
                return;
            }
            affected
                .identities
                .insert(who.to_owned(), IdentityStats::default());
        }
        let Some(s) = affected.identities.get_mut(who) else {
            return;
        };
        s.events += 1;
        if let Some(t) = ev.time
            && s.last.is_none_or(|l| t > l)
        {
            s.last = Some(t);
        }
        match &ev.change_id {
            Some(c) if s.change_ids.contains(c) => {}
            Some(c) if s.change_ids.len() < MAX_CHANGES => s.change_ids.push(c.clone()),
            Some(_) => s.more_changes += 1,
            None => {}
        }
    }

    /// Cycles, newest first (by their first event, then their last; ties and cycles
    /// without times by id).
    pub fn cycles(&self) -> Vec<&CycleStats> {
        let mut v: Vec<&CycleStats> = self.cycles.values().collect();
        v.sort_by(|a, b| {
            b.first
                .cmp(&a.first)
                .then_with(|| b.last.cmp(&a.last))
                .then_with(|| a.id.cmp(&b.id))
        });
        v
    }

    pub fn affected(&self, diagnosis: &str) -> Option<&Affected> {
        self.affected.get(diagnosis)
    }

    /// Example reasons of the unclassified failures, in the order they were read.
    pub fn unclassified_reasons(&self) -> &[String] {
        &self.reasons
    }

    /// Distinct diagnoses among the selected events that did not succeed.
    pub fn diagnosis_count(&self) -> usize {
        self.titles.len()
    }

    pub fn title(&self, diagnosis: &str) -> Option<&str> {
        self.titles.get(diagnosis).map(String::as_str)
    }

    /// The failures between `first` and `last` (the span of everything read), cut into
    /// buckets whose width suits the span; `None` when no selected failure has a time.
    pub fn timeline(
        &self,
        first: Option<DateTime<Utc>>,
        last: Option<DateTime<Utc>>,
    ) -> Option<Timeline> {
        let lo = self.per_minute.keys().next()?.0 * MINUTE;
        let hi = self.per_minute.keys().next_back()?.0 * MINUTE;
        let lo = first.map_or(lo, |f| f.timestamp().min(lo));
        let hi = last.map_or(hi, |l| l.timestamp().max(hi));
        let first = Utc.timestamp_opt(lo, 0).single()?;
        let last = Utc.timestamp_opt(hi, 0).single()?;
        let width = bucket_width(first, last);
        let b0 = bucket_of(lo, width);
        let n = (bucket_of(hi, width) - b0 + 1) as usize;
        let mut buckets = vec![BTreeMap::new(); n];
        for ((minute, cat), count) in &self.per_minute {
            let i = (bucket_of(minute * MINUTE, width) - b0) as usize;
            *buckets[i].entry(*cat).or_default() += count;
        }
        let start = Utc
            .timestamp_opt(b0 * width + bucket_offset(width), 0)
            .single()?;
        Some(Timeline {
            start,
            width,
            buckets,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::Diagnosis;
    use crate::event::{ErrorInfo, Event, Party};
    use crate::reason::Facts;

    fn at(s: &str) -> DateTime<Utc> {
        crate::time::parse_time(s).expect("test time")
    }

    fn failure(id: &str, cat: Category, who: &str, change: &str, cycle: &str, t: &str) -> Record {
        let mut d = Diagnosis::unclassified(None, crate::i18n::Lang::En);
        d.id = id.to_owned();
        d.category = cat;
        Record {
            event: Event {
                change_id: Some(change.to_owned()),
                cycle_id: Some(cycle.to_owned()),
                time: Some(at(t)),
                status: Some(Status::Failure),
                error: ErrorInfo::default(),
                source_identity: Party {
                    name: Some(who.to_owned()),
                    ..Party::default()
                },
                ..Event::default()
            },
            diagnosis: Some(d),
            facts: Facts::default(),
        }
    }

    #[test]
    fn widths_follow_the_span() {
        let w = |a: &str, b: &str| bucket_width(at(a), at(b));
        assert_eq!(
            w("2026-11-20T00:00:03Z", "2026-11-20T01:21:09Z"),
            5 * MINUTE
        );
        assert_eq!(w("2026-11-20T00:00:00Z", "2026-11-20T00:20:00Z"), MINUTE);
        assert_eq!(w("2026-11-20T00:00:00Z", "2026-11-20T23:59:59Z"), HOUR);
        assert_eq!(w("2026-11-01T00:00:00Z", "2026-11-30T23:00:00Z"), DAY);
        assert_eq!(w("2026-01-01T00:00:00Z", "2026-12-31T00:00:00Z"), 7 * DAY);
        // Weeks start on Mondays: 2026-11-23 is one.
        let monday = at("2026-11-23T00:00:00Z").timestamp();
        assert_eq!(
            bucket_of(monday, 7 * DAY),
            bucket_of(monday + 6 * DAY, 7 * DAY)
        );
        assert_ne!(bucket_of(monday - 1, 7 * DAY), bucket_of(monday, 7 * DAY));
    }

    #[test]
    fn timeline_cuts_the_whole_span_and_keeps_every_failure() {
        let mut a = Activity::default();
        for (i, t) in [
            "2026-11-20T00:01:00Z",
            "2026-11-20T00:04:59Z",
            "2026-11-20T00:05:00Z",
            "2026-11-20T00:59:00Z",
        ]
        .iter()
        .enumerate()
        {
            let cat = if i == 1 {
                Category::Auth
            } else {
                Category::Conflict
            };
            a.add(&failure("x", cat, "u", &i.to_string(), "c", t));
        }
        let tl = a
            .timeline(
                Some(at("2026-11-20T00:00:03Z")),
                Some(at("2026-11-20T01:21:09Z")),
            )
            .expect("timeline");
        assert_eq!(tl.width, 5 * MINUTE);
        assert_eq!(tl.start, at("2026-11-20T00:00:00Z"));
        assert_eq!(tl.buckets.len(), 17);
        assert_eq!(
            tl.buckets[0],
            BTreeMap::from([(Category::Auth, 1), (Category::Conflict, 1)])
        );
        assert_eq!(tl.buckets[1], BTreeMap::from([(Category::Conflict, 1)]));
        assert_eq!(tl.buckets[11], BTreeMap::from([(Category::Conflict, 1)]));
        assert_eq!(tl.categories().values().sum::<u64>(), 4);
        assert_eq!(tl.peak(), 2);
        assert!(Activity::default().timeline(None, None).is_none());
    }

    #[test]
    fn cycles_count_everything_read_and_name_their_top_diagnosis() {
        let mut a = Activity::default();
        let t = |s| Some(at(s));
        a.see(
            Some("c1"),
            Some("Slack"),
            t("2026-11-20T00:00:00Z"),
            Status::Success,
            Action::Create,
        );
        a.see(
            Some("c1"),
            Some("Other"),
            t("2026-11-20T00:02:00Z"),
            Status::Failure,
            Action::Update,
        );
        a.see(
            Some("c1"),
            None,
            t("2026-11-20T00:01:00Z"),
            Status::Failure,
            Action::Update,
        );
        a.see(
            Some("c2"),
            None,
            t("2026-11-20T00:05:00Z"),
            Status::Failure,
            Action::Create,
        );
        a.see(None, None, None, Status::Skipped, Action::Other);
        for (id, change) in [("b", "1"), ("a", "2")] {
            a.add(&failure(
                id,
                Category::Auth,
                "u",
                change,
                "c1",
                "2026-11-20T00:01:00Z",
            ));
        }
        let v = a.cycles();
        let ids: Vec<&str> = v.iter().map(|c| c.id.as_str()).collect();
        // Newest first; the cycle without times last.
        assert_eq!(ids, vec!["c2", "c1", ""]);
        let c1 = v[1];
        assert_eq!(c1.events, 3);
        assert_eq!(c1.app.as_deref(), Some("Slack"));
        assert_eq!(c1.first, t("2026-11-20T00:00:00Z"));
        assert_eq!(c1.last, t("2026-11-20T00:02:00Z"));
        assert_eq!(c1.by_status[&Status::Failure], 2);
        assert_eq!(c1.by_action[&Action::Update], 2);
        // A tie between two diagnoses goes to the smaller id.
        assert_eq!(c1.top_diagnosis(), Some(("a", 1)));
        assert_eq!(v[0].top_diagnosis(), None);
    }

    #[test]
    fn affected_identities_keep_their_change_ids() {
        let mut a = Activity::default();
        let t = "2026-11-20T00:00:00Z";
        for (who, change) in [("ann", "1"), ("bob", "2"), ("ann", "3"), ("ann", "1")] {
            a.add(&failure("x", Category::Auth, who, change, "c", t));
        }
        for i in 0..MAX_CHANGES + 2 {
            a.add(&failure("y", Category::Auth, "cat", &i.to_string(), "c", t));
        }
        let x = a.affected("x").expect("x");
        let v = x.sorted();
        assert_eq!(v[0].0, "ann");
        assert_eq!(v[0].1.events, 3);
        assert_eq!(v[0].1.change_ids, vec!["1", "3"]);
        assert_eq!(v[1].0, "bob");
        let y = &a.affected("y").expect("y").identities["cat"];
        assert_eq!(y.change_ids.len(), MAX_CHANGES);
        assert_eq!(y.more_changes, 2);
        assert!(a.affected("z").is_none());
    }

    #[test]
    fn unclassified_failures_keep_a_few_distinct_reasons() {
        let mut a = Activity::default();
        for i in 0..MAX_REASONS + 3 {
            let mut r = failure(
                crate::classify::UNCLASSIFIED,
                Category::Unclassified,
                "u",
                &i.to_string(),
                "c",
                "2026-11-20T00:00:00Z",
            );
            // Two events share each reason.
            r.event.error.reason = Some(format!("reason {}", i / 2));
            a.add(&r);
        }
        let mut known = failure("x", Category::Auth, "u", "k", "c", "2026-11-20T00:00:00Z");
        known.event.error.reason = Some("explained elsewhere".to_owned());
        a.add(&known);
        assert_eq!(a.unclassified, (MAX_REASONS + 3) as u64);
        assert_eq!(
            a.unclassified_reasons(),
            ["reason 0", "reason 1", "reason 2", "reason 3"]
        );
        assert_eq!(a.diagnosis_count(), 2);
    }
}
