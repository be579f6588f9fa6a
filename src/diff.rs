//! `provlog diff`: which failures are new, persisting or resolved between an older and a
//! newer export.
//!
//! A failure is keyed by identity (`Event::identity()` plus the source identity's id when
//! there is one) and diagnosis id. Each side keeps, per key, its newest failure, and per
//! identity its newest success: nothing else of the exports is held. A key is *failing at
//! the end* of a side when it failed there and the identity did not succeed afterwards
//! (for the newer side, a success from either export counts). Then:
//!
//! - `new`: failing at the end of NEW, not at the end of OLD;
//! - `persisting`: failing at the end of both;
//! - `resolved`: failing at the end of OLD, not at the end of NEW (the identity later
//!   succeeded, or the failure did not come back);
//! - a key failing at the end of neither came and went inside one export; it is counted,
//!   not listed.
//!
//! Exports may overlap in time: an event present in both (the same change id) is counted
//! once. Pure: no I/O, no clock.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};

use crate::classify::Diagnosis;
use crate::event::Event;
use crate::report::{InputSummary, Record};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Old,
    New,
}

/// How a key changed between the exports; the order is the order of the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Change {
    New,
    Persisting,
    Resolved,
}

impl Change {
    pub const ALL: [Change; 3] = [Change::New, Change::Persisting, Change::Resolved];

    pub fn as_str(self) -> &'static str {
        match self {
            Change::New => "new",
            Change::Persisting => "persisting",
            Change::Resolved => "resolved",
        }
    }
}

/// Why a key counts as resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResolvedBy {
    /// The identity succeeded after its last failure.
    Success,
    /// The failure did not come back in the newer export.
    Absence,
}

impl ResolvedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            ResolvedBy::Success => "success",
            ResolvedBy::Absence => "absence",
        }
    }
}

/// The identity half of a key.
type IdKey = (String, Option<String>);

/// What is compared: who failed, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    pub diagnosis: String,
    pub identity: String,
    pub identity_id: Option<String>,
}

/// What identifies the object an event is about.
pub fn identity_key(ev: &Event) -> IdKey {
    (
        ev.identity().unwrap_or("(none)").to_owned(),
        ev.source_identity
            .id
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned),
    )
}

/// What one side holds for one key.
#[derive(Debug, Default)]
struct Seen {
    latest: Option<Record>,
    count: u64,
}

impl Seen {
    fn offer(&mut self, r: Record) {
        let newer = match &self.latest {
            None => true,
            Some(l) => {
                (r.event.time, r.event.change_id.as_deref())
                    > (l.event.time, l.event.change_id.as_deref())
            }
        };
        if newer {
            self.latest = Some(r);
        }
    }

    fn time(&self) -> Option<DateTime<Utc>> {
        self.latest.as_ref().and_then(|r| r.event.time)
    }
}

#[derive(Debug, Default)]
struct Entry {
    old: Seen,
    new: Seen,
    /// Distinct failing events over both exports.
    failures: u64,
}

/// What was read on one side.
#[derive(Debug, Clone, Default)]
pub struct SideSummary {
    pub inputs: Vec<InputSummary>,
    pub events: u64,
    pub failures: u64,
    pub successes: u64,
    pub first: Option<DateTime<Utc>>,
    pub last: Option<DateTime<Utc>>,
}

impl SideSummary {
    fn see_time(&mut self, t: DateTime<Utc>) {
        if self.first.is_none_or(|f| t < f) {
            self.first = Some(t);
        }
        if self.last.is_none_or(|l| t > l) {
            self.last = Some(t);
        }
    }
}

/// The comparison being built.
#[derive(Debug, Default)]
pub struct Diff {
    pub old: SideSummary,
    pub new: SideSummary,
    entries: BTreeMap<Key, Entry>,
    old_success: HashMap<IdKey, DateTime<Utc>>,
    any_success: HashMap<IdKey, DateTime<Utc>>,
    /// Change ids of failures, and the sides they were read on (old, new).
    failure_changes: HashMap<String, (bool, bool)>,
    overlap: u64,
}

/// One key and how it changed.
#[derive(Debug, Clone)]
pub struct DiffRow {
    pub change: Change,
    pub identity: String,
    pub identity_id: Option<String>,
    pub diagnosis: Diagnosis,
    /// Distinct failing events over both exports, and on each side.
    pub failures: u64,
    pub old_failures: u64,
    pub new_failures: u64,
    pub last_failure: Option<DateTime<Utc>>,
    /// The identity's newest success, when it came after the last failure.
    pub resolved_at: Option<DateTime<Utc>>,
    pub resolved_by: Option<ResolvedBy>,
    /// The newest failure (from the newer export when it has one).
    pub latest: Record,
}

/// The finished comparison.
#[derive(Debug, Clone)]
pub struct DiffReport {
    pub old: SideSummary,
    pub new: SideSummary,
    /// Failing events present in both exports (counted once).
    pub overlap: u64,
    pub counts: BTreeMap<Change, u64>,
    /// Keys that failed and recovered inside one export: not listed.
    pub came_and_went: u64,
    /// Ordered by change, then diagnosis, then identity.
    pub rows: Vec<DiffRow>,
}

/// True when a success at `s` comes after a failure at `f` (a failure with no time is
/// taken as older than any success that has one).
fn later(s: Option<&DateTime<Utc>>, f: Option<DateTime<Utc>>) -> bool {
    match (s, f) {
        (Some(s), Some(f)) => *s > f,
        (Some(_), None) => true,
        (None, _) => false,
    }
}

impl Diff {
    fn side(&mut self, side: Side) -> &mut SideSummary {
        match side {
            Side::Old => &mut self.old,
            Side::New => &mut self.new,
        }
    }

    /// Counts one event read (whatever its status).
    pub fn see(&mut self, side: Side, time: Option<DateTime<Utc>>) {
        let s = self.side(side);
        s.events += 1;
        if let Some(t) = time {
            s.see_time(t);
        }
    }

    /// A successful event.
    pub fn success(&mut self, side: Side, ev: &Event) {
        self.side(side).successes += 1;
        let Some(t) = ev.time else { return };
        let id = identity_key(ev);
        if side == Side::Old {
            let slot = self.old_success.entry(id.clone()).or_insert(t);
            *slot = (*slot).max(t);
        }
        let slot = self.any_success.entry(id).or_insert(t);
        *slot = (*slot).max(t);
    }

    /// A failed event with its diagnosis.
    pub fn failure(&mut self, side: Side, r: Record, diagnosis: &Diagnosis) {
        self.side(side).failures += 1;
        let (identity, identity_id) = identity_key(&r.event);
        let key = Key {
            diagnosis: diagnosis.id.clone(),
            identity,
            identity_id,
        };
        // Whether this event was already counted on this side, and on the other.
        let (dup_here, dup_other) = match r.event.change_id.as_deref() {
            None => (false, false),
            Some(c) => {
                let sides = self
                    .failure_changes
                    .entry(c.to_owned())
                    .or_insert((false, false));
                let (here, other) = match side {
                    Side::Old => (&mut sides.0, sides.1),
                    Side::New => (&mut sides.1, sides.0),
                };
                let dup = *here;
                *here = true;
                (dup, other)
            }
        };
        if dup_other && !dup_here {
            self.overlap += 1;
        }
        let e = self.entries.entry(key).or_default();
        if !dup_here && !dup_other {
            e.failures += 1;
        }
        let seen = match side {
            Side::Old => &mut e.old,
            Side::New => &mut e.new,
        };
        if !dup_here {
            seen.count += 1;
        }
        seen.offer(r);
    }

    pub fn finish(self) -> DiffReport {
        let mut rows = Vec::new();
        let mut counts: BTreeMap<Change, u64> = Change::ALL.iter().map(|c| (*c, 0)).collect();
        let mut came_and_went = 0;
        for (key, e) in self.entries {
            let id: IdKey = (key.identity.clone(), key.identity_id.clone());
            let old_success = self.old_success.get(&id);
            let any_success = self.any_success.get(&id);
            let failing_old = e.old.latest.is_some() && !later(old_success, e.old.time());
            let failing_new = e.new.latest.is_some() && !later(any_success, e.new.time());
            let change = match (failing_old, failing_new) {
                (false, true) => Change::New,
                (true, true) => Change::Persisting,
                (true, false) => Change::Resolved,
                (false, false) => {
                    came_and_went += 1;
                    continue;
                }
            };
            *counts.entry(change).or_default() += 1;
            let last_failure = e.new.time().max(e.old.time());
            let (resolved_at, resolved_by) = if change == Change::Resolved {
                if later(any_success, last_failure) {
                    (any_success.copied(), Some(ResolvedBy::Success))
                } else {
                    (None, Some(ResolvedBy::Absence))
                }
            } else {
                (None, None)
            };
            let (old_failures, new_failures) = (e.old.count, e.new.count);
            let latest = match (e.new.latest, e.old.latest) {
                (Some(n), _) => n,
                (None, Some(o)) => o,
                // Unreachable: a key exists only once a failure was offered on a side.
                (None, None) => continue,
            };
            let Some(diagnosis) = latest.diagnosis.clone() else {
                continue;
            };
            rows.push(DiffRow {
                change,
                identity: key.identity,
                identity_id: key.identity_id,
                diagnosis,
                failures: e.failures,
                old_failures,
                new_failures,
                last_failure,
                resolved_at,
                resolved_by,
                latest,
            });
        }
        rows.sort_by(|a, b| {
            a.change
                .cmp(&b.change)
                .then_with(|| a.diagnosis.id.cmp(&b.diagnosis.id))
                .then_with(|| a.identity.cmp(&b.identity))
                .then_with(|| a.identity_id.cmp(&b.identity_id))
        });
        DiffReport {
            old: self.old,
            new: self.new,
            overlap: self.overlap,
            counts,
            came_and_went,
            rows,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{Party, Status};
    use crate::i18n::Lang;
    use crate::reason::Facts;
    use crate::time::parse_time;

    fn ev(change: &str, who: &str, hour: u32, status: Status) -> Event {
        Event {
            change_id: Some(change.to_owned()),
            time: parse_time(&format!("2026-11-20T{hour:02}:00:00Z")),
            status: Some(status),
            source_identity: Party {
                id: Some(format!("id-{who}")),
                name: Some(who.to_owned()),
                ..Party::default()
            },
            ..Event::default()
        }
    }

    fn diag(id: &str) -> Diagnosis {
        let mut d = Diagnosis::unclassified(None, Lang::En);
        d.id = id.to_owned();
        d
    }

    fn fail(d: &mut Diff, side: Side, change: &str, who: &str, hour: u32, why: &str) {
        let dg = diag(why);
        d.failure(
            side,
            Record {
                event: ev(change, who, hour, Status::Failure),
                diagnosis: Some(dg.clone()),
                facts: Facts::default(),
            },
            &dg,
        );
    }

    fn ok(d: &mut Diff, side: Side, change: &str, who: &str, hour: u32) {
        d.success(side, &ev(change, who, hour, Status::Success));
    }

    fn rows(r: &DiffReport) -> Vec<(&'static str, &str, &str)> {
        r.rows
            .iter()
            .map(|x| {
                (
                    x.change.as_str(),
                    x.identity.as_str(),
                    x.diagnosis.id.as_str(),
                )
            })
            .collect()
    }

    #[test]
    fn the_three_changes_and_what_is_left_out() {
        let mut d = Diff::default();
        // OLD covers 00-12h, NEW covers 10-22h; 10-12h is in both.
        fail(&mut d, Side::Old, "c1", "ann", 1, "conflict"); // not in NEW: resolved
        fail(&mut d, Side::Old, "c2", "bob", 2, "license"); // still in NEW: persisting
        fail(&mut d, Side::New, "c3", "bob", 15, "license");
        fail(&mut d, Side::Old, "c4", "cy", 11, "auth"); // in the overlap, both sides
        fail(&mut d, Side::New, "c4", "cy", 11, "auth");
        ok(&mut d, Side::New, "c5", "cy", 18); // ...then cy succeeds: resolved
        fail(&mut d, Side::New, "c6", "dee", 20, "invalid"); // new
        fail(&mut d, Side::Old, "c7", "eve", 3, "conflict"); // failed and recovered in OLD
        ok(&mut d, Side::Old, "c8", "eve", 4);
        fail(&mut d, Side::Old, "c9", "fay", 5, "license"); // recovered in OLD...
        ok(&mut d, Side::Old, "c10", "fay", 6);
        fail(&mut d, Side::New, "c11", "fay", 16, "license"); // ...and back in NEW: new
        let r = d.finish();
        assert_eq!(
            rows(&r),
            vec![
                ("new", "dee", "invalid"),
                ("new", "fay", "license"),
                ("persisting", "bob", "license"),
                ("resolved", "cy", "auth"),
                ("resolved", "ann", "conflict"),
            ]
        );
        assert_eq!(r.came_and_went, 1, "eve");
        assert_eq!(r.overlap, 1, "c4 is in both exports");
        let cy = &r.rows[3];
        assert_eq!(cy.failures, 1, "the overlapping event counts once");
        assert_eq!((cy.old_failures, cy.new_failures), (1, 1));
        assert_eq!(cy.resolved_by, Some(ResolvedBy::Success));
        assert_eq!(cy.resolved_at, parse_time("2026-11-20T18:00:00Z"));
        let ann = &r.rows[4];
        assert_eq!(ann.resolved_by, Some(ResolvedBy::Absence));
        assert_eq!(ann.resolved_at, None);
        let bob = &r.rows[2];
        assert_eq!(bob.failures, 2);
        assert_eq!(bob.latest.event.change_id.as_deref(), Some("c3"));
        assert_eq!(r.counts[&Change::New], 2);
        assert_eq!(r.counts[&Change::Persisting], 1);
        assert_eq!(r.counts[&Change::Resolved], 2);
        assert_eq!((r.old.failures, r.new.failures), (5, 4));
    }

    #[test]
    fn a_new_diagnosis_for_the_same_identity_is_new_and_the_old_one_resolved() {
        let mut d = Diff::default();
        fail(&mut d, Side::Old, "a", "gus", 1, "conflict");
        fail(&mut d, Side::New, "b", "gus", 13, "license");
        let r = d.finish();
        assert_eq!(
            rows(&r),
            vec![("new", "gus", "license"), ("resolved", "gus", "conflict")]
        );
    }

    #[test]
    fn the_same_name_with_another_source_id_is_another_identity() {
        let mut d = Diff::default();
        fail(&mut d, Side::Old, "a", "hal", 1, "conflict");
        let mut other = ev("b", "hal", 13, Status::Failure);
        other.source_identity.id = Some("id-someone-else".to_owned());
        let dg = diag("conflict");
        d.failure(
            Side::New,
            Record {
                event: other,
                diagnosis: Some(dg.clone()),
                facts: Facts::default(),
            },
            &dg,
        );
        let r = d.finish();
        assert_eq!(r.counts[&Change::New], 1);
        assert_eq!(r.counts[&Change::Resolved], 1);
    }

    #[test]
    fn an_export_read_twice_changes_nothing() {
        let mut d = Diff::default();
        for side in [Side::Old, Side::New] {
            fail(&mut d, side, "a", "ivy", 1, "conflict");
            fail(&mut d, side, "b", "ivy", 2, "conflict");
        }
        let r = d.finish();
        assert_eq!(rows(&r), vec![("persisting", "ivy", "conflict")]);
        assert_eq!(r.rows[0].failures, 2);
        assert_eq!(r.overlap, 2);
    }
}
