//! Aggregation: the summary of everything read and the groups of selected events.
//!
//! Pure and deterministic: groups are ordered by count (descending), then key; nothing
//! here reads the clock or the environment.

pub mod activity;

use std::collections::{BTreeMap, BTreeSet, HashSet};

use chrono::{DateTime, Utc};

use crate::catalog::Category;
use crate::classify::Diagnosis;
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

    pub fn see_cycle(&mut self, cycle: &str) {
        if !cycle.is_empty() && !self.cycle_ids.contains(cycle) {
            self.cycle_ids.insert(cycle.to_owned());
            self.cycles += 1;
        }
    }
}

/// How many example identities and change ids a group keeps.
pub const EXAMPLES: usize = 3;

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
    seen_identities: HashSet<String>,
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
            seen_identities: HashSet::new(),
        }
    }

    pub fn category(&self) -> Option<Category> {
        self.categories
            .iter()
            .max_by_key(|(c, n)| (**n, std::cmp::Reverse(**c)))
            .map(|(c, _)| *c)
    }

    pub fn top_code(&self) -> Option<&str> {
        self.codes
            .iter()
            .max_by_key(|(c, n)| (**n, std::cmp::Reverse(c.as_str())))
            .map(|(c, _)| c.as_str())
    }
}

/// The key an event is grouped under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupKey {
    Diagnosis,
    Code,
    App,
    Cycle,
    Identity,
    Step,
    None,
}

#[derive(Debug, Default)]
pub struct Groups {
    by_key: BTreeMap<String, Group>,
}

impl Groups {
    pub fn add(&mut self, key: GroupKey, r: &Record) {
        let ev = &r.event;
        let none = || "(none)".to_owned();
        let k = match key {
            GroupKey::None => return,
            GroupKey::Diagnosis => r
                .diagnosis
                .as_ref()
                .map(|d| d.id.clone())
                .unwrap_or_else(|| format!("({})", ev.status().as_str())),
            GroupKey::Code => ev.error.code.clone().unwrap_or_else(none),
            GroupKey::App => ev.app().map(str::to_owned).unwrap_or_else(none),
            GroupKey::Cycle => ev.cycle_id.clone().unwrap_or_else(none),
            GroupKey::Identity => ev.identity().map(str::to_owned).unwrap_or_else(none),
            GroupKey::Step => ev
                .failed_step()
                .and_then(|s| s.name.clone())
                .unwrap_or_else(none),
        };
        let g = self
            .by_key
            .entry(k.clone())
            .or_insert_with(|| Group::new(k));
        g.count += 1;
        if let Some(d) = &r.diagnosis {
            *g.categories.entry(d.category).or_default() += 1;
            if g.diagnosis.is_none() {
                g.diagnosis = Some(d.clone());
            }
        }
        if let Some(c) = &ev.error.code {
            *g.codes.entry(c.clone()).or_default() += 1;
        }
        *g.statuses.entry(ev.status()).or_default() += 1;
        if let Some(id) = ev.identity()
            && !g.seen_identities.contains(id)
        {
            g.seen_identities.insert(id.to_owned());
            g.identity_count += 1;
            if g.identities.len() < EXAMPLES {
                g.identities.push(id.to_owned());
            }
        }
        if let Some(c) = &ev.change_id
            && g.change_ids.len() < EXAMPLES
            && !g.change_ids.contains(c)
        {
            g.change_ids.push(c.clone());
        }
        if let Some(t) = ev.time {
            if g.first.is_none_or(|f| t < f) {
                g.first = Some(t);
            }
            if g.last.is_none_or(|l| t > l) {
                g.last = Some(t);
            }
        }
        if let Some(n) = r.facts.retry_count {
            g.max_retry = Some(g.max_retry.map_or(n, |m| m.max(n)));
        }
        if let Some(t) = r.facts.next_retry
            && g.next_retry.is_none_or(|x| t > x)
        {
            g.next_retry = Some(t);
        }
    }

    /// Groups ordered by count (descending), then key.
    pub fn finish(self) -> Vec<Group> {
        let mut v: Vec<Group> = self.by_key.into_values().collect();
        v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
        v
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
