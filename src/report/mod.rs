//! Aggregation: the summary of everything read and the groups of selected events.
//!
//! Pure and deterministic: groups are ordered by priority (failures that need a person
//! first), then count (descending), then key; the cycle view is ordered by time. Nothing
//! here reads the clock or the environment.

pub mod activity;
mod groups;

pub use groups::{Groups, NO_ATTRIBUTE};

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::{DateTime, Utc};

use crate::attribute;
use crate::catalog::{Category, Retry};
use crate::classify::Diagnosis;
use crate::cycles::{CycleStats, Warning};
use crate::event::{Action, Event, Status};
use crate::input::Format;
use crate::reason::Facts;

/// A selected event with its diagnosis (none for a success) and facts.
#[derive(Debug, Clone)]
pub struct Record {
    pub event: Event,
    pub diagnosis: Option<Diagnosis>,
    pub facts: Facts,
}

#[derive(Debug, Clone, Default)]
pub struct InputSummary {
    pub label: String,
    pub format: Option<Format>,
    pub events: u64,
    pub rejected: u64,
    /// The error that stopped this input early.
    pub error: Option<String>,
    pub notes: Vec<String>,
}

/// A `--since`/`--until` window: either end may be open.
pub type Window = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub inputs: Vec<InputSummary>,
    /// Events read (every event, selected or not).
    pub read: u64,
    /// Records that could not be read as events.
    pub rejected: u64,
    /// Events kept with one or more fields of the wrong type (those fields are empty).
    pub damaged: u64,
    pub by_status: BTreeMap<Status, u64>,
    pub by_action: BTreeMap<Action, u64>,
    /// Successful updates whose only modified property is `accountDisabled`.
    pub noise: u64,
    pub first: Option<DateTime<Utc>>,
    pub last: Option<DateTime<Utc>>,
    pub apps: BTreeSet<String>,
    pub cycles: u64,
    /// Events that passed the filters.
    pub selected: u64,
    /// Jobs at risk of quarantine (see `cycles`).
    pub warnings: Vec<Warning>,
    /// The statuses `--status` selected (empty: all), for the headings.
    pub statuses: Vec<Status>,
    /// The time window of `--since`/`--until`, when one was given.
    pub window: Option<Window>,
    #[doc(hidden)]
    pub cycle_ids: HashSet<String>,
}

impl Summary {
    pub fn see_time(&mut self, t: DateTime<Utc>) {
        if self.first.is_none_or(|f| t < f) {
            self.first = Some(t);
        }
        if self.last.is_none_or(|l| t > l) {
            self.last = Some(t);
        }
    }

    pub fn see_app(&mut self, app: &str) {
        if !app.is_empty() && !self.apps.contains(app) {
            self.apps.insert(app.to_owned());
        }
    }

    /// Adds what reading a later part of the input counted (see `input::split`): the
    /// result is what reading both parts in order would have counted.
    pub fn absorb(&mut self, later: Summary) {
        self.read += later.read;
        self.rejected += later.rejected;
        self.damaged += later.damaged;
        for (k, n) in later.by_status {
            *self.by_status.entry(k).or_default() += n;
        }
        for (k, n) in later.by_action {
            *self.by_action.entry(k).or_default() += n;
        }
        self.noise += later.noise;
        for t in [later.first, later.last].into_iter().flatten() {
            self.see_time(t);
        }
        self.apps.extend(later.apps);
        for c in later.cycle_ids {
            if self.cycle_ids.insert(c) {
                self.cycles += 1;
            }
        }
    }

    pub fn see_cycle(&mut self, cycle: &str) {
        if !cycle.is_empty() && !self.cycle_ids.contains(cycle) {
            self.cycle_ids.insert(cycle.to_owned());
            self.cycles += 1;
        }
    }
}

/// How many example identities and change ids a group keeps.
pub const EXAMPLES: usize = 3;

/// A failure whose parsed retry count has reached this needs a person even when its entry
/// says it retries: Entra backs off between escrow retries, so by the third failed retry the
/// attempts have spanned several cycles, and a cause that was going to clear by itself
/// usually has.
pub const RETRIES_BEFORE_ACTION: u32 = 3;

/// What a group of failures asks of the reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Priority {
    /// The catalog says a person must act, the retries have run out, or the failure is
    /// persistent.
    NeedsAction,
    /// Entra retries it and it has not yet failed often.
    WillRetry,
    /// Informational (a skip or a notice): nothing to fix.
    Informational,
}

impl Priority {
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::NeedsAction => "needs-action",
            Priority::WillRetry => "will-retry",
            Priority::Informational => "informational",
        }
    }

    /// What one failure asks for, before persistence is known.
    pub fn of(d: Option<&Diagnosis>, facts: &Facts) -> Priority {
        let retries_out = facts
            .retry_count
            .is_some_and(|n| n >= RETRIES_BEFORE_ACTION);
        match d.and_then(|d| d.retry) {
            Some(Retry::None) => Priority::Informational,
            Some(Retry::Automatic | Retry::NextCycle) if !retries_out => Priority::WillRetry,
            // Manual, retries run out, or unclassified (nobody knows whether it clears).
            _ => Priority::NeedsAction,
        }
    }
}

/// One row of the attribute view: an identity, the attribute value it failed on, and how
/// often.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct AttributeRow {
    pub identity: String,
    pub value: Option<String>,
    pub diagnosis: String,
    pub source: Option<attribute::Source>,
    pub count: u64,
    /// The newest failing change and its error detail (SCIM detail, else the reason).
    pub change_id: Option<String>,
    pub detail: Option<String>,
    last: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
pub struct Group {
    pub key: String,
    pub count: u64,
    /// The diagnosis shared by the group (when grouped by diagnosis), else the most common.
    pub diagnosis: Option<Diagnosis>,
    pub categories: BTreeMap<Category, u64>,
    pub codes: BTreeMap<String, u64>,
    pub identities: Vec<String>,
    pub identity_count: u64,
    pub change_ids: Vec<String>,
    pub first: Option<DateTime<Utc>>,
    pub last: Option<DateTime<Utc>>,
    pub statuses: BTreeMap<Status, u64>,
    pub max_retry: Option<u32>,
    pub next_retry: Option<DateTime<Utc>>,
    /// Failure and warning events, and those of them that need a person by themselves.
    pub failures: u64,
    pub needs_action: u64,
    /// Failure and warning events whose diagnosis is informational (retry `none`).
    pub informational: u64,
    /// Set by `Groups::finish`: `None` for a group with no failure or warning.
    pub priority: Option<Priority>,
    /// Identities that failed this way in two cycles or more (persistent failures).
    pub persistent_identities: u64,
    /// The cycle's statistics, in the cycle view.
    pub cycle: Option<CycleStats>,
    /// The attribute view's rows, ordered by identity then value.
    pub attribute_rows: Vec<AttributeRow>,
    seen_identities: HashSet<String>,
    /// Per failing identity: the first cycle seen, and whether another one followed.
    identity_cycles: HashMap<String, (String, bool)>,
    attribute_index: BTreeMap<(String, Option<String>, String), AttributeRow>,
    /// The template view: the first message of the group, as logged.
    pub example: Option<String>,
    /// Every diagnosis in the group with its count; `diagnosis` is the most frequent.
    diagnoses: BTreeMap<String, (u64, Diagnosis)>,
}

impl Group {
    fn new(key: String) -> Group {
        Group {
            key,
            count: 0,
            diagnosis: None,
            categories: BTreeMap::new(),
            codes: BTreeMap::new(),
            identities: Vec::new(),
            identity_count: 0,
            change_ids: Vec::new(),
            first: None,
            last: None,
            statuses: BTreeMap::new(),
            max_retry: None,
            next_retry: None,
            failures: 0,
            needs_action: 0,
            informational: 0,
            priority: None,
            persistent_identities: 0,
            cycle: None,
            attribute_rows: Vec::new(),
            seen_identities: HashSet::new(),
            identity_cycles: HashMap::new(),
            attribute_index: BTreeMap::new(),
            diagnoses: BTreeMap::new(),
            example: None,
        }
    }

    pub fn category(&self) -> Option<Category> {
        self.categories
            .iter()
            .max_by_key(|(c, n)| (**n, std::cmp::Reverse(**c)))
            .map(|(c, _)| *c)
    }

    /// The group's diagnoses, most frequent first (ties: the lower id), with their counts.
    pub fn top_diagnoses(&self) -> Vec<(&Diagnosis, u64)> {
        let mut v: Vec<(&Diagnosis, u64)> = self.diagnoses.values().map(|(n, d)| (d, *n)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.id.cmp(&b.0.id)));
        v
    }

    pub fn top_code(&self) -> Option<&str> {
        self.codes
            .iter()
            .max_by_key(|(c, n)| (**n, std::cmp::Reverse(c.as_str())))
            .map(|(c, _)| c.as_str())
    }
}

/// The key an event is grouped under: `--group-by` (its help is in `cli`), and the
/// `group_by` of the JSON report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupKey {
    Diagnosis,
    Code,
    App,
    Cycle,
    Identity,
    Step,
    Attribute,
    Template,
    None,
}

impl GroupKey {
    /// Every key, in the order `--help` lists them.
    pub const ALL: [GroupKey; 9] = [
        GroupKey::Diagnosis,
        GroupKey::Code,
        GroupKey::App,
        GroupKey::Cycle,
        GroupKey::Identity,
        GroupKey::Step,
        GroupKey::Attribute,
        GroupKey::Template,
        GroupKey::None,
    ];

    /// The name on the command line and in the JSON report.
    pub fn as_str(self) -> &'static str {
        match self {
            GroupKey::Diagnosis => "diagnosis",
            GroupKey::Code => "code",
            GroupKey::App => "app",
            GroupKey::Cycle => "cycle",
            GroupKey::Identity => "identity",
            GroupKey::Step => "step",
            GroupKey::Attribute => "attribute",
            GroupKey::Template => "template",
            GroupKey::None => "none",
        }
    }
}

/// Everything a renderer needs.
#[derive(Debug, Clone)]
pub struct Report {
    pub summary: Summary,
    pub groups: Vec<Group>,
    pub group_by: GroupKey,
    /// The selected events, kept only for views that list them.
    pub records: Vec<Record>,
    /// Selected events the grouping leaves out (the attribute view covers only
    /// invalid-data and conflict failures).
    pub outside_view: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{ErrorInfo, Event};

    fn rec(code: &str, who: &str, change: &str) -> Record {
        Record {
            event: Event {
                change_id: Some(change.to_owned()),
                status: Some(Status::Failure),
                error: ErrorInfo {
                    code: Some(code.to_owned()),
                    ..ErrorInfo::default()
                },
                source_identity: crate::event::Party {
                    name: Some(who.to_owned()),
                    ..Default::default()
                },
                ..Event::default()
            },
            diagnosis: None,
            facts: Facts::default(),
        }
    }

    fn failure(code: &str, who: &str, cycle: &str, retry: Option<Retry>, retries: u32) -> Record {
        let mut r = rec(code, who, &format!("{who}-{cycle}"));
        r.event.cycle_id = Some(cycle.to_owned());
        let mut d = Diagnosis::unclassified(None, crate::i18n::Lang::En);
        d.id = code.to_owned();
        d.retry = retry;
        r.diagnosis = Some(d);
        r.facts.retry_count = Some(retries);
        r
    }

    #[test]
    fn what_one_failure_asks_for() {
        let f = |retry, n| {
            let r = failure("x", "a", "c", retry, n);
            Priority::of(r.diagnosis.as_ref(), &r.facts)
        };
        assert_eq!(f(Some(Retry::Automatic), 0), Priority::WillRetry);
        assert_eq!(f(Some(Retry::NextCycle), 2), Priority::WillRetry);
        assert_eq!(
            f(Some(Retry::NextCycle), RETRIES_BEFORE_ACTION),
            Priority::NeedsAction
        );
        assert_eq!(f(Some(Retry::Automatic), 9), Priority::NeedsAction);
        assert_eq!(f(Some(Retry::Manual), 0), Priority::NeedsAction);
        assert_eq!(f(None, 0), Priority::NeedsAction, "unclassified");
        // Informational whatever the retry count: nothing to fix.
        assert_eq!(f(Some(Retry::None), 9), Priority::Informational);
    }

    #[test]
    fn informational_failures_never_need_action_even_when_they_persist() {
        let mut g = Groups::default();
        for (who, cycle) in [("p", "c1"), ("p", "c2"), ("p", "c3")] {
            g.add(
                GroupKey::Diagnosis,
                &failure("notice", who, cycle, Some(Retry::None), 5),
            );
        }
        g.add(
            GroupKey::Diagnosis,
            &failure("real", "q", "c1", Some(Retry::Manual), 0),
        );
        let v = g.finish();
        let got: Vec<_> = v
            .iter()
            .map(|g| (g.key.as_str(), g.priority, g.persistent_identities))
            .collect();
        assert_eq!(
            got,
            vec![
                ("real", Some(Priority::NeedsAction), 0),
                ("notice", Some(Priority::Informational), 0),
            ]
        );
    }

    #[test]
    fn a_failure_back_in_another_cycle_is_persistent_and_needs_action() {
        let mut g = Groups::default();
        let auto = Some(Retry::Automatic);
        // "p": the same identity in two cycles; "q": twice in one cycle; "r": once.
        for (who, cycle) in [
            ("p", "c1"),
            ("p", "c2"),
            ("q", "c1"),
            ("q", "c1"),
            ("r", "c1"),
        ] {
            g.add(
                GroupKey::Diagnosis,
                &failure("persist", who, cycle, auto, 0),
            );
        }
        // More events than "persist", but it will retry: listed after it.
        for who in ["s", "t", "u", "v", "w", "x", "y"] {
            g.add(GroupKey::Diagnosis, &failure("calm", who, "c1", auto, 0));
        }
        let mut ok = rec("ok", "u", "9");
        ok.event.status = Some(Status::Success);
        g.add(GroupKey::Code, &ok);
        let v = g.finish();
        let got: Vec<_> = v
            .iter()
            .map(|g| (g.key.as_str(), g.priority, g.persistent_identities))
            .collect();
        assert_eq!(
            got,
            vec![
                ("persist", Some(Priority::NeedsAction), 1),
                ("calm", Some(Priority::WillRetry), 0),
                // No failure, no priority: last whatever its count.
                ("ok", None, 0),
            ]
        );
    }

    #[test]
    fn a_group_shows_its_most_frequent_diagnosis() {
        let with = |id: &str, who: &str| {
            let mut r = rec("X", who, who);
            let mut d = Diagnosis::unclassified(None, crate::i18n::Lang::En);
            d.id = id.to_owned();
            r.diagnosis = Some(d);
            r
        };
        let mut g = Groups::default();
        g.add(GroupKey::App, &with("entra.b", "1"));
        g.add(GroupKey::App, &with("entra.a", "2"));
        g.add(GroupKey::App, &with("entra.a", "3"));
        let v = g.finish();
        assert_eq!(
            v[0].diagnosis.as_ref().map(|d| d.id.as_str()),
            Some("entra.a")
        );
    }

    #[test]
    fn groups_sort_by_count_then_key_and_keep_examples() {
        let mut g = Groups::default();
        for (code, who, ch) in [
            ("B", "x", "1"),
            ("A", "y", "2"),
            ("B", "x", "3"),
            ("C", "z", "4"),
            ("A", "w", "5"),
        ] {
            g.add(GroupKey::Code, &rec(code, who, ch));
        }
        let v = g.finish();
        let keys: Vec<_> = v.iter().map(|g| (g.key.as_str(), g.count)).collect();
        assert_eq!(keys, vec![("A", 2), ("B", 2), ("C", 1)]);
        assert_eq!(v[1].identities, vec!["x"]);
        assert_eq!(v[1].identity_count, 1);
        assert_eq!(v[1].change_ids, vec!["1", "3"]);
    }
}
