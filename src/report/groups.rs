//! Grouping the selected events by the key `--group-by` names, and ordering the groups.

use std::collections::BTreeMap;

use super::{AttributeRow, EXAMPLES, Group, GroupKey, Priority, Record};
use crate::attribute::{self, Offending};
use crate::cycles::Cycles;
use crate::event::Status;

/// Longest example message kept per template group.
const EXAMPLE_CHARS: usize = 2000;

/// What a template is made of: the reason, else the additional details, else the code.
fn message_of(ev: &crate::event::Event) -> Option<&str> {
    ev.error
        .reason
        .as_deref()
        .or(ev.error.additional_details.as_deref())
        .or(ev.error.code.as_deref())
        .filter(|m| !m.trim().is_empty())
}

fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

/// The attribute view's key for failures that name no attribute.
pub const NO_ATTRIBUTE: &str = "(not named)";

#[derive(Debug, Default)]
pub struct Groups {
    by_key: BTreeMap<String, Group>,
    /// Selected events the view leaves out (the attribute view covers only invalid-data
    /// and conflict failures).
    pub outside: u64,
}

impl Groups {
    pub fn add(&mut self, key: GroupKey, r: &Record) {
        let ev = &r.event;
        let none = || "(none)".to_owned();
        let k = match key {
            GroupKey::None => return,
            GroupKey::Attribute => {
                if !r
                    .diagnosis
                    .as_ref()
                    .is_some_and(|d| attribute::in_view(d.category))
                {
                    self.outside += 1;
                    return;
                }
                for o in attribute::offending(ev, &r.facts) {
                    let k = o
                        .attribute
                        .clone()
                        .unwrap_or_else(|| NO_ATTRIBUTE.to_owned());
                    self.add_to(k, r, Some(&o));
                }
                return;
            }
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
            GroupKey::Template => {
                let message = message_of(ev);
                let k = message.map(crate::template::of).unwrap_or_else(none);
                let g = self
                    .by_key
                    .entry(k.clone())
                    .or_insert_with(|| Group::new(k.clone()));
                if g.example.is_none() {
                    g.example = message.map(|m| clip(m, EXAMPLE_CHARS));
                }
                k
            }
        };
        self.add_to(k, r, None);
    }

    /// Adds the groups of a later part of the input (see `input::split`): the result is
    /// what adding both parts' records in order would have given.
    pub fn absorb(&mut self, later: Groups) {
        self.outside += later.outside;
        for (k, g) in later.by_key {
            match self.by_key.get_mut(&k) {
                Some(mine) => mine.absorb(g),
                None => {
                    self.by_key.insert(k, g);
                }
            }
        }
    }

    fn add_to(&mut self, k: String, r: &Record, offending: Option<&Offending>) {
        let ev = &r.event;
        let g = self
            .by_key
            .entry(k.clone())
            .or_insert_with(|| Group::new(k));
        g.count += 1;
        if let Some(d) = &r.diagnosis {
            *g.categories.entry(d.category).or_default() += 1;
            match g.diagnoses.get_mut(&d.id) {
                Some(slot) => slot.0 += 1,
                None => {
                    g.diagnoses.insert(d.id.clone(), (1, d.clone()));
                }
            }
        }
        if matches!(ev.status(), Status::Failure | Status::Warning) {
            g.failures += 1;
            let priority = Priority::of(r.diagnosis.as_ref(), &r.facts);
            match priority {
                Priority::NeedsAction => g.needs_action += 1,
                Priority::Informational => g.informational += 1,
                Priority::WillRetry => {}
            }
            // An informational event seen again next cycle is no persistent failure.
            if let Some(id) = ev
                .identity()
                .filter(|_| priority != Priority::Informational)
            {
                let cycle = ev.cycle_id.as_deref().unwrap_or("");
                match g.identity_cycles.get_mut(id) {
                    Some((first, again)) => *again |= first != cycle,
                    None => {
                        g.identity_cycles
                            .insert(id.to_owned(), (cycle.to_owned(), false));
                    }
                }
            }
        }
        if let Some(o) = offending {
            let identity = ev.identity().unwrap_or("(none)").to_owned();
            let diagnosis = r
                .diagnosis
                .as_ref()
                .map(|d| d.id.clone())
                .unwrap_or_default();
            let row = g
                .attribute_index
                .entry((identity.clone(), o.value.clone(), diagnosis.clone()))
                .or_insert_with(|| AttributeRow {
                    identity,
                    value: o.value.clone(),
                    diagnosis,
                    source: o.source,
                    count: 0,
                    change_id: None,
                    detail: None,
                    last: None,
                });
            row.count += 1;
            if row.count == 1 || ev.time > row.last {
                row.last = ev.time;
                row.change_id = ev.change_id.clone();
                row.detail = r
                    .facts
                    .get_extra("target_message")
                    .map(str::to_owned)
                    .or_else(|| ev.error.reason.clone());
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

    /// Groups with their priority set, ordered by priority, then count (descending), then
    /// key; each group's diagnosis is its most frequent one (ties: the lower id), so a row
    /// never mixes one event's code with another's title.
    pub fn finish(self) -> Vec<Group> {
        self.finish_with(GroupKey::Diagnosis, &Cycles::default())
    }

    /// Groups with their priority set, ordered by priority, then count (descending), then
    /// key; in the cycle view each group carries its cycle's statistics and the groups are
    /// in time order.
    pub fn finish_with(self, key: GroupKey, cycles: &Cycles) -> Vec<Group> {
        let mut v: Vec<Group> = self.by_key.into_values().collect();
        for g in &mut v {
            g.diagnosis = g
                .diagnoses
                .values()
                .max_by(|a, b| a.0.cmp(&b.0).then_with(|| b.1.id.cmp(&a.1.id)))
                .map(|(_, d)| d.clone());
            g.persistent_identities = g
                .identity_cycles
                .values()
                .filter(|(_, again)| *again)
                .count() as u64;
            let p = if g.needs_action > 0 || g.persistent_identities > 0 {
                Priority::NeedsAction
            } else if g.informational == g.failures {
                Priority::Informational
            } else {
                Priority::WillRetry
            };
            g.priority = (g.failures > 0).then_some(p);
            g.attribute_rows = std::mem::take(&mut g.attribute_index)
                .into_values()
                .collect();
            if key == GroupKey::Cycle {
                g.cycle = cycles.for_cycle(&g.key);
            }
        }
        if key == GroupKey::Cycle {
            // A cycle without a time sorts last.
            v.sort_by(|a, b| {
                let t = |g: &Group| g.cycle.as_ref().and_then(|c| c.first);
                t(a).is_none()
                    .cmp(&t(b).is_none())
                    .then_with(|| t(a).cmp(&t(b)))
                    .then_with(|| a.key.cmp(&b.key))
            });
        } else {
            let rank = |g: &Group| g.priority.map_or(2, |p| p as u8);
            v.sort_by(|a, b| {
                rank(a)
                    .cmp(&rank(b))
                    .then_with(|| b.count.cmp(&a.count))
                    .then_with(|| a.key.cmp(&b.key))
            });
        }
        v
    }
}

impl Group {
    /// See [`Groups::absorb`]. The examples and first values kept are those the records
    /// in order would have left: the later part's are taken only where this one's are
    /// missing, and only as far as room is left (its first examples suffice: at most as
    /// many of them are already here as there was room taken).
    fn absorb(&mut self, o: Group) {
        self.count += o.count;
        for (k, n) in o.categories {
            *self.categories.entry(k).or_default() += n;
        }
        for (k, n) in o.codes {
            *self.codes.entry(k).or_default() += n;
        }
        for id in o.identities {
            if self.identities.len() >= EXAMPLES {
                break;
            }
            if !self.seen_identities.contains(&id) {
                self.identities.push(id);
            }
        }
        self.seen_identities.extend(o.seen_identities);
        self.identity_count = self.seen_identities.len() as u64;
        for c in o.change_ids {
            if self.change_ids.len() < EXAMPLES && !self.change_ids.contains(&c) {
                self.change_ids.push(c);
            }
        }
        if let Some(t) = o.first
            && self.first.is_none_or(|f| t < f)
        {
            self.first = Some(t);
        }
        if let Some(t) = o.last
            && self.last.is_none_or(|l| t > l)
        {
            self.last = Some(t);
        }
        for (k, n) in o.statuses {
            *self.statuses.entry(k).or_default() += n;
        }
        if let Some(n) = o.max_retry {
            self.max_retry = Some(self.max_retry.map_or(n, |m| m.max(n)));
        }
        if let Some(t) = o.next_retry
            && self.next_retry.is_none_or(|x| t > x)
        {
            self.next_retry = Some(t);
        }
        self.failures += o.failures;
        self.needs_action += o.needs_action;
        self.informational += o.informational;
        for (id, (first, again)) in o.identity_cycles {
            match self.identity_cycles.get_mut(&id) {
                Some((mine, seen_again)) => *seen_again |= again || *mine != first,
                None => {
                    self.identity_cycles.insert(id, (first, again));
                }
            }
        }
        for (k, row) in o.attribute_index {
            match self.attribute_index.get_mut(&k) {
                Some(mine) => {
                    mine.count += row.count;
                    if row.last > mine.last {
                        mine.last = row.last;
                        mine.change_id = row.change_id;
                        mine.detail = row.detail;
                    }
                }
                None => {
                    self.attribute_index.insert(k, row);
                }
            }
        }
        if self.example.is_none() {
            self.example = o.example;
        }
        for (id, (n, d)) in o.diagnoses {
            self.diagnoses.entry(id).or_insert((0, d)).0 += n;
        }
    }
}
