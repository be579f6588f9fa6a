//! Per-cycle statistics over every event read, and the quarantine warnings drawn from them.
//!
//! A cycle is keyed by its job and cycle id. The statistics are those of MSIdentityTools'
//! `Get-MsIdProvisioningLogStatistics` (time span, counts by action and by status) plus the
//! diagnoses of the cycle's failures. Like the summary, they cover every event read, not only
//! the selected ones, so that a filter cannot hide a failing cycle. Pure: no I/O, no clock.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::catalog::Category;
use crate::classify::Diagnosis;
use crate::event::{Action, Status};

/// The key of events that carry no job or cycle id.
pub const NONE: &str = "(none)";

/// A cycle whose failures are mostly auth, permission or target-config is at risk of
/// quarantine when they are more than this share of its failures: Entra quarantines a job
/// when its calls keep failing for one cause such as bad credentials, and these are the
/// categories a person has to fix.
pub const CONFIG_SHARE: f64 = 0.5;

/// A cycle with at least this many failures can be "mostly" one kind of failure; one or two
/// stray 401s among hundreds of successes are not a pattern.
pub const CONFIG_MIN_FAILURES: u64 = 3;

/// A cycle where at least this share of the events failed is at risk whatever the causes:
/// Entra quarantines a job when most of its calls fail (the documented trigger is "most or
/// all"; 60% warns a little before that point).
pub const FAILURE_SHARE: f64 = 0.6;

/// The failure share is only meaningful over at least this many events: a cycle that
/// handled three changes and failed two says little.
pub const FAILURE_SHARE_MIN_EVENTS: u64 = 10;

/// How many diagnoses a cycle lists, and how many entries a warning cites.
pub const TOP: usize = 3;

/// The categories a person fixes in the job's own set-up.
pub fn is_config(c: Category) -> bool {
    matches!(
        c,
        Category::Auth | Category::Permission | Category::TargetConfig
    )
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct CycleStats {
    pub job_id: String,
    pub cycle_id: String,
    pub app: Option<String>,
    pub first: Option<DateTime<Utc>>,
    pub last: Option<DateTime<Utc>>,
    pub events: u64,
    pub by_action: BTreeMap<Action, u64>,
    pub by_status: BTreeMap<Status, u64>,
    /// Diagnoses of the cycle's failures: id to (category, count).
    pub diagnoses: BTreeMap<String, (Category, u64)>,
}

/// Why a cycle is at risk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RiskReason {
    /// Most failures are auth, permission or target-config.
    MostlyConfig,
    /// Most events failed.
    HighFailureShare,
}

impl RiskReason {
    pub fn as_str(self) -> &'static str {
        match self {
            RiskReason::MostlyConfig => "mostly-auth-permission-target-config",
            RiskReason::HighFailureShare => "high-failure-share",
        }
    }
}

/// What to check first on a job at risk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Check {
    Credentials,
    TargetUrl,
    AdminConsent,
}

impl Check {
    pub fn as_str(self) -> &'static str {
        match self {
            Check::Credentials => "credentials",
            Check::TargetUrl => "target-url",
            Check::AdminConsent => "admin-consent",
        }
    }
}

impl CycleStats {
    pub fn failures(&self) -> u64 {
        self.by_status.get(&Status::Failure).copied().unwrap_or(0)
    }

    /// Failures whose diagnosis is auth, permission or target-config.
    pub fn config_failures(&self) -> u64 {
        self.diagnoses
            .values()
            .filter(|(c, _)| is_config(*c))
            .map(|(_, n)| n)
            .sum()
    }

    /// The most common diagnoses, count descending then id.
    pub fn top_diagnoses(&self, n: usize) -> Vec<(&str, Category, u64)> {
        let mut v: Vec<_> = self
            .diagnoses
            .iter()
            .map(|(id, (c, k))| (id.as_str(), *c, *k))
            .collect();
        v.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(b.0)));
        v.truncate(n);
        v
    }

    /// The thresholds this cycle crosses (empty when it is not at risk).
    pub fn risks(&self) -> Vec<RiskReason> {
        let mut r = Vec::new();
        let failures = self.failures();
        if failures >= CONFIG_MIN_FAILURES
            && self.config_failures() as f64 > CONFIG_SHARE * failures as f64
        {
            r.push(RiskReason::MostlyConfig);
        }
        if self.events >= FAILURE_SHARE_MIN_EVENTS
            && failures as f64 >= FAILURE_SHARE * self.events as f64
        {
            r.push(RiskReason::HighFailureShare);
        }
        r
    }

    fn merge(&mut self, o: &CycleStats) {
        if self.first.is_none() || o.first.is_some_and(|t| Some(t) < self.first) {
            self.first = o.first;
        }
        if o.last > self.last {
            self.last = o.last;
        }
        if self.app.is_none() {
            self.app = o.app.clone();
        }
        self.events += o.events;
        for (k, v) in &o.by_action {
            *self.by_action.entry(*k).or_default() += v;
        }
        for (k, v) in &o.by_status {
            *self.by_status.entry(*k).or_default() += v;
        }
        for (k, (c, v)) in &o.diagnoses {
            self.diagnoses.entry(k.clone()).or_insert((*c, 0)).1 += v;
        }
    }
}

/// One job at risk of quarantine.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    pub job_id: String,
    pub app: Option<String>,
    /// Cycles of this job that crossed a threshold, and all of its cycles.
    pub cycles_at_risk: u64,
    pub cycles: u64,
    /// The newest cycle at risk.
    pub latest: CycleStats,
    pub reasons: Vec<RiskReason>,
    /// Catalog entries behind the failures of the cycles at risk (auth, permission and
    /// target-config ones first), with their counts.
    pub entries: Vec<(String, Category, u64)>,
    pub checks: Vec<Check>,
}

/// Every cycle seen, by job id then cycle id.
#[derive(Debug, Default)]
pub struct Cycles {
    by_job: BTreeMap<String, BTreeMap<String, CycleStats>>,
}

fn key(s: Option<&str>) -> &str {
    s.filter(|s| !s.trim().is_empty()).unwrap_or(NONE)
}

impl Cycles {
    /// Runs `f` on the statistics of one cycle, made when first seen. Looked up by
    /// reference: this runs for every event read, and allocating the keys each time would
    /// cost more than the lookup.
    fn with_slot(
        &mut self,
        job: Option<&str>,
        cycle: Option<&str>,
        f: impl FnOnce(&mut CycleStats),
    ) {
        let (job, cycle) = (key(job), key(cycle));
        let fresh = || CycleStats {
            job_id: job.to_owned(),
            cycle_id: cycle.to_owned(),
            ..CycleStats::default()
        };
        match self.by_job.get_mut(job) {
            Some(cycles) => match cycles.get_mut(cycle) {
                Some(s) => f(s),
                None => f(cycles.entry(cycle.to_owned()).or_insert_with(fresh)),
            },
            None => {
                let mut s = fresh();
                f(&mut s);
                self.by_job
                    .entry(job.to_owned())
                    .or_default()
                    .insert(cycle.to_owned(), s);
            }
        }
    }

    /// Counts one event read.
    pub fn see(
        &mut self,
        job: Option<&str>,
        cycle: Option<&str>,
        app: Option<&str>,
        time: Option<DateTime<Utc>>,
        action: Action,
        status: Status,
    ) {
        self.with_slot(job, cycle, |s| {
            s.events += 1;
            *s.by_action.entry(action).or_default() += 1;
            *s.by_status.entry(status).or_default() += 1;
            if let Some(t) = time {
                if s.first.is_none_or(|f| t < f) {
                    s.first = Some(t);
                }
                if s.last.is_none_or(|l| t > l) {
                    s.last = Some(t);
                }
            }
            if s.app.is_none()
                && let Some(a) = app.filter(|a| !a.is_empty())
            {
                s.app = Some(a.to_owned());
            }
        });
    }

    /// Adds the diagnosis of one failure already counted by `see`.
    pub fn failure(&mut self, job: Option<&str>, cycle: Option<&str>, d: &Diagnosis) {
        self.with_slot(job, cycle, |s| {
            s.diagnoses.entry(d.id.clone()).or_insert((d.category, 0)).1 += 1;
        });
    }

    /// Adds the failure diagnoses counted in `other` (by [`Cycles::failure`] alone): the
    /// result is what calling `failure` on `self` would have given, whatever the order,
    /// so that the diagnoses can be counted on another thread than the events.
    pub fn add_failures(&mut self, other: Cycles) {
        for (job, cycles) in other.by_job {
            for (cycle, stats) in cycles {
                self.with_slot(Some(&job), Some(&cycle), |s| {
                    for (id, (category, n)) in stats.diagnoses {
                        s.diagnoses.entry(id).or_insert((category, 0)).1 += n;
                    }
                });
            }
        }
    }

    /// Adds the statistics of a later part of the input (see `input::split`): the
    /// result is what seeing both parts' events in order would have given.
    pub fn absorb(&mut self, later: Cycles) {
        for (job, cycles) in later.by_job {
            let mine = self.by_job.entry(job).or_default();
            for (cycle, stats) in cycles {
                match mine.get_mut(&cycle) {
                    Some(s) => s.merge(&stats),
                    None => {
                        mine.insert(cycle, stats);
                    }
                }
            }
        }
    }

    /// The statistics of one cycle id, merged over the jobs that logged it (cycle ids are
    /// unique per run, so this is nearly always one).
    pub fn for_cycle(&self, cycle: &str) -> Option<CycleStats> {
        let mut out: Option<CycleStats> = None;
        for cycles in self.by_job.values() {
            if let Some(s) = cycles.get(cycle) {
                match &mut out {
                    None => out = Some(s.clone()),
                    Some(o) => o.merge(s),
                }
            }
        }
        out
    }

    /// One warning per job with a cycle at risk, ordered by job id.
    pub fn warnings(&self) -> Vec<Warning> {
        let mut out = Vec::new();
        for (job, cycles) in &self.by_job {
            let at_risk: Vec<&CycleStats> =
                cycles.values().filter(|c| !c.risks().is_empty()).collect();
            let Some(latest) = at_risk.iter().max_by(|a, b| {
                a.last
                    .cmp(&b.last)
                    .then_with(|| b.cycle_id.cmp(&a.cycle_id))
            }) else {
                continue;
            };
            let mut entries: BTreeMap<&str, (Category, u64)> = BTreeMap::new();
            for c in &at_risk {
                for (id, (cat, n)) in &c.diagnoses {
                    entries.entry(id).or_insert((*cat, 0)).1 += n;
                }
            }
            let mut entries: Vec<(String, Category, u64)> = entries
                .into_iter()
                .map(|(id, (c, n))| (id.to_owned(), c, n))
                .collect();
            // The entries a person fixes in the job's set-up come first, then by count.
            entries.sort_by(|a, b| {
                is_config(b.1)
                    .cmp(&is_config(a.1))
                    .then_with(|| b.2.cmp(&a.2))
                    .then_with(|| a.0.cmp(&b.0))
            });
            entries.truncate(TOP);
            let mut checks: Vec<Check> = entries
                .iter()
                .filter_map(|(_, c, _)| match c {
                    Category::Auth => Some(Check::Credentials),
                    Category::TargetConfig => Some(Check::TargetUrl),
                    Category::Permission => Some(Check::AdminConsent),
                    _ => None,
                })
                .collect();
            if checks.is_empty() {
                // Nothing points at one of them: a job failing across the board is checked
                // in this order, cheapest first.
                checks = vec![Check::Credentials, Check::TargetUrl, Check::AdminConsent];
            }
            checks.sort();
            checks.dedup();
            out.push(Warning {
                job_id: job.clone(),
                app: latest.app.clone(),
                cycles_at_risk: at_risk.len() as u64,
                cycles: cycles.len() as u64,
                latest: (*latest).clone(),
                reasons: latest.risks(),
                entries,
                checks,
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    fn diag(id: &str, category: Category) -> Diagnosis {
        let mut d = Diagnosis::unclassified(None, Lang::En);
        d.id = id.to_owned();
        d.category = category;
        d
    }

    /// A cycle of `ok` successes and the given failures.
    fn cycle(c: &mut Cycles, job: &str, cycle: &str, ok: u64, failures: &[(&str, Category)]) {
        for _ in 0..ok {
            c.see(
                Some(job),
                Some(cycle),
                None,
                None,
                Action::Update,
                Status::Success,
            );
        }
        for (id, cat) in failures {
            c.see(
                Some(job),
                Some(cycle),
                None,
                None,
                Action::Create,
                Status::Failure,
            );
            c.failure(Some(job), Some(cycle), &diag(id, *cat));
        }
    }

    #[test]
    fn thresholds_are_crossed_only_where_documented() {
        let auth = ("entra.target-unauthorized", Category::Auth);
        let data = ("entra.invalid-data", Category::InvalidData);
        let mut c = Cycles::default();
        // 3 failures, 2 of them auth: mostly config.
        cycle(&mut c, "j", "mostly-auth", 50, &[auth, auth, data]);
        // 2 auth failures only: too few to call it a pattern.
        cycle(&mut c, "j", "two-auth", 50, &[auth, auth]);
        // Half config is not "mostly".
        cycle(&mut c, "j", "half", 50, &[auth, auth, data, data]);
        // 6 of 10 events failed: high share.
        cycle(&mut c, "j", "share-60", 4, &[data; 6]);
        // 5 of 9: under the share and under the event minimum.
        cycle(&mut c, "j", "share-small", 4, &[data; 5]);
        // 5 of 10: under the share.
        cycle(&mut c, "j", "share-50", 5, &[data; 5]);
        let risks = |id: &str| c.for_cycle(id).map(|s| s.risks()).unwrap_or_default();
        assert_eq!(risks("mostly-auth"), vec![RiskReason::MostlyConfig]);
        assert!(risks("two-auth").is_empty());
        assert!(risks("half").is_empty());
        assert_eq!(risks("share-60"), vec![RiskReason::HighFailureShare]);
        assert!(risks("share-small").is_empty());
        assert!(risks("share-50").is_empty());
    }

    #[test]
    fn one_warning_per_job_citing_config_entries_first() {
        let mut c = Cycles::default();
        let auth = ("entra.target-unauthorized", Category::Auth);
        let perm = ("entra.graph-insufficient-privileges", Category::Permission);
        let data = ("entra.invalid-data", Category::InvalidData);
        c.see(
            Some("job-a"),
            Some("c1"),
            Some("App A"),
            crate::time::parse_time("2026-11-20T00:00:00Z"),
            Action::Create,
            Status::Success,
        );
        cycle(&mut c, "job-a", "c1", 0, &[auth, auth, perm, data, data]);
        cycle(&mut c, "job-a", "c2", 20, &[data]);
        cycle(&mut c, "job-b", "c3", 20, &[data]);
        let w = c.warnings();
        assert_eq!(w.len(), 1, "{w:?}");
        let w = &w[0];
        assert_eq!(w.job_id, "job-a");
        assert_eq!(w.app.as_deref(), Some("App A"));
        assert_eq!((w.cycles_at_risk, w.cycles), (1, 2));
        assert_eq!(w.latest.cycle_id, "c1");
        // 5 of 6 events failed, but 6 events are too few for the share rule.
        assert_eq!(w.reasons, vec![RiskReason::MostlyConfig]);
        let ids: Vec<&str> = w.entries.iter().map(|e| e.0.as_str()).collect();
        assert_eq!(
            ids,
            vec![
                "entra.target-unauthorized",
                "entra.graph-insufficient-privileges",
                "entra.invalid-data"
            ]
        );
        assert_eq!(w.checks, vec![Check::Credentials, Check::AdminConsent]);
    }

    #[test]
    fn an_outage_without_config_failures_suggests_every_check() {
        let mut c = Cycles::default();
        cycle(
            &mut c,
            "j",
            "c",
            2,
            &[("entra.target-internal-server-error", Category::Transient); 10],
        );
        let w = c.warnings();
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].reasons, vec![RiskReason::HighFailureShare]);
        assert_eq!(
            w[0].checks,
            vec![Check::Credentials, Check::TargetUrl, Check::AdminConsent]
        );
    }

    #[test]
    fn top_diagnoses_by_count_then_id() {
        let mut c = Cycles::default();
        cycle(
            &mut c,
            "j",
            "c",
            0,
            &[
                ("b", Category::Conflict),
                ("a", Category::Conflict),
                ("c", Category::License),
                ("c", Category::License),
            ],
        );
        let s = c.for_cycle("c").expect("cycle");
        let top: Vec<_> = s.top_diagnoses(2).iter().map(|t| (t.0, t.2)).collect();
        assert_eq!(top, vec![("c", 2), ("a", 1)]);
        assert!(c.for_cycle("nope").is_none());
    }
}
