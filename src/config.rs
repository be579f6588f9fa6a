//! From what the user typed to what the program uses: filters parsed, times resolved, and
//! invalid values refused before any input is read.

use anyhow::{Context, Result, bail};
use chrono::{DateTime, Utc};

use crate::catalog::{Category, System};
use crate::classify::Diagnosis;
use crate::cli::{AnalyzeArgs, FailOn, GroupBy};
use crate::event::{Action, Event, Status};
use crate::input::raw::RawEvent;
use crate::report::GroupKey;
use crate::time::{parse_relative, parse_time};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CycleFilter {
    Id(String),
    Latest,
}

/// Which events `analyze` reports. Empty lists mean "any".
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub statuses: Vec<Status>,
    pub actions: Vec<Action>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub app: Option<String>,
    pub job: Option<String>,
    pub cycle: Option<CycleFilter>,
    pub change: Option<String>,
    pub identity: Option<String>,
    pub codes: Vec<String>,
    pub categories: Vec<Category>,
    pub systems: Vec<System>,
}

fn contains_ci(hay: Option<&str>, needle: &str) -> bool {
    hay.is_some_and(|h| h.to_lowercase().contains(needle))
}

impl Filters {
    /// The filters that can be decided on the raw event, before it is normalised.
    pub fn pass_raw(&self, raw: &RawEvent<'_>, time: Option<DateTime<Utc>>) -> bool {
        if !self.statuses.is_empty()
            && !self
                .statuses
                .contains(&raw.status().unwrap_or(Status::Unknown))
        {
            return false;
        }
        if !self.actions.is_empty()
            && !self
                .actions
                .contains(&raw.action().unwrap_or(Action::Unknown))
        {
            return false;
        }
        if self.since.is_some() || self.until.is_some() {
            let Some(t) = time else { return false };
            if self.since.is_some_and(|s| t < s) || self.until.is_some_and(|u| t >= u) {
                return false;
            }
        }
        if let Some(job) = &self.job
            && !contains_ci(raw.job_id.as_deref(), job)
        {
            return false;
        }
        if let Some(CycleFilter::Id(c)) = &self.cycle
            && !raw
                .cycle_id
                .as_deref()
                .is_some_and(|x| x.eq_ignore_ascii_case(c))
        {
            return false;
        }
        if let Some(ch) = &self.change
            && !raw
                .change_id()
                .is_some_and(|x| x.to_lowercase().starts_with(ch))
        {
            return false;
        }
        true
    }

    /// Everything else, on the normalised event and its diagnosis.
    pub fn pass_event(&self, ev: &Event, d: Option<&Diagnosis>) -> bool {
        if let Some(app) = &self.app
            && !contains_ci(ev.service_principal.name.as_deref(), app)
            && !contains_ci(ev.service_principal.id.as_deref(), app)
        {
            return false;
        }
        if let Some(who) = &self.identity {
            let parties = [&ev.source_identity, &ev.target_identity];
            let hit = parties.iter().any(|p| {
                contains_ci(p.id.as_deref(), who)
                    || contains_ci(p.name.as_deref(), who)
                    || contains_ci(p.upn.as_deref(), who)
            }) || contains_ci(ev.identity(), who);
            if !hit {
                return false;
            }
        }
        if !self.codes.is_empty() {
            let code = ev.error.code.as_deref().map(str::to_lowercase);
            let id = d.map(|d| d.id.to_lowercase());
            if !self
                .codes
                .iter()
                .any(|c| Some(c) == code.as_ref() || Some(c) == id.as_ref())
            {
                return false;
            }
        }
        if !self.categories.is_empty() && !d.is_some_and(|d| self.categories.contains(&d.category))
        {
            return false;
        }
        if !self.systems.is_empty()
            && !d
                .and_then(|d| d.system)
                .is_some_and(|s| self.systems.contains(&s))
        {
            return false;
        }
        true
    }
}

#[derive(Debug, Clone)]
pub struct AnalyzeConfig {
    pub filters: Filters,
    pub group_by: GroupKey,
    pub fail_on: Option<FailOn>,
    pub strict: bool,
}

fn time_arg(name: &str, v: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
    if let Some(d) = parse_relative(v) {
        return now.checked_sub_signed(d).with_context(|| {
            format!(
                "--{name} '{v}': the span reaches before the earliest time provlog can represent"
            )
        });
    }
    match parse_time(v) {
        Some(t) => Ok(t),
        None => bail!(
            "--{name} '{v}': expected a time like 2026-11-24T08:00:00Z or a span like 24h, 7d"
        ),
    }
}

impl AnalyzeConfig {
    pub fn from_args(a: &AnalyzeArgs, now: DateTime<Utc>) -> Result<AnalyzeConfig> {
        let mut statuses = Vec::new();
        for s in &a.status {
            let s = s.trim();
            if s.eq_ignore_ascii_case("all") {
                statuses.clear();
                break;
            }
            match Status::parse(s) {
                Status::Unknown => bail!(
                    "--status '{s}': expected all, or a list of success, failure, skipped, warning"
                ),
                st => statuses.push(st),
            }
        }
        let mut actions = Vec::new();
        for s in &a.action {
            match Action::parse(s) {
                Action::Unknown => bail!(
                    "--action '{s}': expected create, update, delete, disable, stagedDelete or other"
                ),
                x => actions.push(x),
            }
        }
        let mut categories = Vec::new();
        for c in &a.category {
            match Category::parse(c.trim()) {
                Some(c) => categories.push(c),
                None => bail!("--category '{c}': expected one of {}", Category::names()),
            }
        }
        let mut systems = Vec::new();
        for s in &a.system {
            match System::parse(s.trim()) {
                Some(s) => systems.push(s),
                None => bail!("--system '{s}': expected one of {}", System::names()),
            }
        }
        let cycle = a.cycle.as_deref().map(|c| {
            if c.eq_ignore_ascii_case("latest") {
                CycleFilter::Latest
            } else {
                CycleFilter::Id(c.trim().to_owned())
            }
        });
        let filters = Filters {
            statuses,
            actions,
            since: a
                .since
                .as_deref()
                .map(|v| time_arg("since", v, now))
                .transpose()?,
            until: a
                .until
                .as_deref()
                .map(|v| time_arg("until", v, now))
                .transpose()?,
            app: a.app.as_deref().map(str::to_lowercase),
            job: a.job.as_deref().map(str::to_lowercase),
            cycle,
            change: a.change.as_deref().map(|c| c.trim().to_lowercase()),
            identity: a.identity.as_deref().map(str::to_lowercase),
            codes: a.code.iter().map(|c| c.trim().to_lowercase()).collect(),
            categories,
            systems,
        };
        let group_by = match a.group_by {
            GroupBy::Diagnosis => GroupKey::Diagnosis,
            GroupBy::Code => GroupKey::Code,
            GroupBy::App => GroupKey::App,
            GroupBy::Cycle => GroupKey::Cycle,
            GroupBy::Identity => GroupKey::Identity,
            GroupBy::Step => GroupKey::Step,
            GroupBy::None => GroupKey::None,
        };
        Ok(AnalyzeConfig {
            filters,
            group_by,
            fail_on: a.fail_on,
            strict: a.strict,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_relative_span_too_long_is_an_error_not_a_panic() {
        let now = parse_time("2026-11-25T00:00:00Z").expect("time");
        let day_ago = time_arg("since", "24h", now).expect("a day");
        assert_eq!(now - day_ago, chrono::Duration::hours(24));
        for v in ["99999999999d", "106751991167d", "9223372036854775807s"] {
            let e = time_arg("since", v, now).expect_err(v);
            assert!(e.to_string().starts_with(&format!("--since '{v}'")), "{e}");
        }
    }
}
