//! From what the user typed to what the program uses: filters parsed, times resolved, and
//! invalid values refused before any input is read.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use chrono::{DateTime, Utc};

use crate::catalog::{Category, System};
use crate::classify::Diagnosis;
use crate::cli::{AnalyzeArgs, DiffArgs, FailOn, RedactArg, ShowArgs};
use crate::event::{Action, Event, Status};
use crate::input::raw::RawEvent;
use crate::redact::Mode as RedactMode;
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
        self.pass_fields(
            raw.status().unwrap_or(Status::Unknown),
            raw.action().unwrap_or(Action::Unknown),
            time,
            raw.job_id.as_deref(),
            raw.cycle_id.as_deref(),
            raw.change_id(),
        )
    }

    /// `pass_raw` on an event already normalised: for events read in full for another
    /// reason (the cycle statistics diagnose every failure) and delivered later.
    pub fn pass_raw_event(&self, ev: &Event) -> bool {
        self.pass_fields(
            ev.status(),
            ev.action(),
            ev.time,
            ev.job_id.as_deref(),
            ev.cycle_id.as_deref(),
            ev.change_id.as_deref(),
        )
    }

    fn pass_fields(
        &self,
        status: Status,
        action: Action,
        time: Option<DateTime<Utc>>,
        job_id: Option<&str>,
        cycle_id: Option<&str>,
        change_id: Option<&str>,
    ) -> bool {
        if !self.statuses.is_empty() && !self.statuses.contains(&status) {
            return false;
        }
        if !self.actions.is_empty() && !self.actions.contains(&action) {
            return false;
        }
        if self.since.is_some() || self.until.is_some() {
            let Some(t) = time else { return false };
            if self.since.is_some_and(|s| t < s) || self.until.is_some_and(|u| t >= u) {
                return false;
            }
        }
        if let Some(job) = &self.job
            && !contains_ci(job_id, job)
        {
            return false;
        }
        if let Some(CycleFilter::Id(c)) = &self.cycle
            && !cycle_id.is_some_and(|x| x.eq_ignore_ascii_case(c))
        {
            return false;
        }
        if let Some(ch) = &self.change
            && !change_id.is_some_and(|x| x.to_lowercase().starts_with(ch))
        {
            return false;
        }
        true
    }

    /// Everything else, on the normalised event and its diagnosis.
    pub fn pass_event(&self, ev: &Event, d: Option<&Diagnosis>) -> bool {
        self.pass_identity(ev) && self.pass_diagnosis(ev, d)
    }

    /// `--identity`, which must see the real names: with `--redact` it is decided before
    /// the event is redacted.
    pub fn pass_identity(&self, ev: &Event) -> bool {
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
        true
    }

    /// The filters on the app and on the diagnosis.
    pub fn pass_diagnosis(&self, ev: &Event, d: Option<&Diagnosis>) -> bool {
        if let Some(app) = &self.app
            && !contains_ci(ev.service_principal.name.as_deref(), app)
            && !contains_ci(ev.service_principal.id.as_deref(), app)
        {
            return false;
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
    pub redact: Option<RedactMode>,
}

impl AnalyzeConfig {
    /// What `catalog draft` reads: the failures and warnings no entry matched, by template.
    pub fn draft() -> AnalyzeConfig {
        AnalyzeConfig {
            filters: Filters {
                statuses: vec![Status::Failure, Status::Warning],
                actions: Vec::new(),
                since: None,
                until: None,
                app: None,
                job: None,
                cycle: None,
                change: None,
                identity: None,
                codes: Vec::new(),
                categories: vec![Category::Unclassified],
                systems: Vec::new(),
            },
            group_by: GroupKey::Template,
            fail_on: None,
            strict: false,
            redact: None,
        }
    }
}

/// `--redact`, or `--redact keep-domain`.
pub fn redact_mode(a: Option<RedactArg>) -> Option<RedactMode> {
    a.map(|a| match a {
        RedactArg::All => RedactMode::Full,
        RedactArg::KeepDomain => RedactMode::KeepDomain,
    })
}

/// What `show` was asked for: change-id prefixes (lower case) and inputs.
#[derive(Debug, Clone)]
pub struct ShowConfig {
    pub prefixes: Vec<String>,
    pub inputs: Vec<PathBuf>,
    pub redact: Option<RedactMode>,
}

/// A change id is a GUID, so an argument of hex digits and dashes can be (the start of) one.
fn looks_like_change_id(s: &str) -> bool {
    !s.is_empty()
        && s.chars().any(|c| c.is_ascii_hexdigit())
        && s.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}

impl ShowConfig {
    /// Splits the arguments: `-` and existing paths are inputs, id-shaped words change ids,
    /// and anything else an input (so that a mistyped file name is reported as missing
    /// rather than as an unknown change).
    pub fn from_args(a: &ShowArgs) -> Result<ShowConfig> {
        let mut prefixes: Vec<String> = Vec::new();
        let mut inputs = Vec::new();
        for arg in &a.args {
            let path = Path::new(arg);
            if arg == "-" || path.exists() {
                inputs.push(path.to_path_buf());
                continue;
            }
            match arg.to_str().map(str::trim) {
                Some(s) if looks_like_change_id(s) => {
                    let p = s.to_ascii_lowercase();
                    if !prefixes.contains(&p) {
                        prefixes.push(p);
                    }
                }
                _ => inputs.push(path.to_path_buf()),
            }
        }
        inputs.extend(a.files.iter().cloned());
        if prefixes.is_empty() {
            bail!("name a change id (or the start of one, hex digits and dashes) before the files");
        }
        Ok(ShowConfig {
            prefixes,
            inputs,
            redact: redact_mode(a.redact),
        })
    }
}

/// `--status`: `all` (an empty list) or statuses; shared by `analyze` and `fetch`.
pub fn parse_statuses(list: &[String]) -> Result<Vec<Status>> {
    let mut statuses = Vec::new();
    for s in list {
        let s = s.trim();
        if s.eq_ignore_ascii_case("all") {
            return Ok(Vec::new());
        }
        match Status::parse(s) {
            Status::Unknown => {
                bail!(
                    "--status '{s}': expected all, or a list of success, failure, skipped, warning"
                )
            }
            st => statuses.push(st),
        }
    }
    Ok(statuses)
}

/// `--action`: the actions to keep (an empty list keeps all).
pub fn parse_actions(list: &[String]) -> Result<Vec<Action>> {
    let mut actions = Vec::new();
    for s in list {
        match Action::parse(s) {
            Action::Unknown => bail!(
                "--action '{s}': expected create, update, delete, disable, stagedDelete or other"
            ),
            x => actions.push(x),
        }
    }
    Ok(actions)
}

/// `--since`/`--until`: RFC 3339, or a span back from `now` (`7d`).
pub fn time_arg(name: &str, v: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
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
        let statuses = parse_statuses(&a.status)?;
        let actions = parse_actions(&a.action)?;
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
        Ok(AnalyzeConfig {
            filters,
            group_by: a.group_by,
            fail_on: a.fail_on,
            strict: a.strict,
            redact: redact_mode(a.redact),
        })
    }
}

/// The two sides of `provlog diff`, each one or more paths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffConfig {
    pub old: Vec<std::path::PathBuf>,
    pub new: Vec<std::path::PathBuf>,
}

impl DiffConfig {
    /// Either `OLD NEW`, or `--old` and `--new` (each repeatable), not a mix: a third path
    /// would otherwise land on a side the user did not mean. Stdin can feed one side only.
    pub fn from_args(a: &DiffArgs) -> Result<DiffConfig> {
        let positional: Vec<_> = a.old_file.iter().chain(&a.new_file).cloned().collect();
        let flagged = !a.old.is_empty() || !a.new.is_empty();
        let (old, new) = match (positional.len(), flagged) {
            (2, false) => (vec![positional[0].clone()], vec![positional[1].clone()]),
            (0, true) if !a.old.is_empty() && !a.new.is_empty() => (a.old.clone(), a.new.clone()),
            _ => bail!(
                "give the two exports to compare as OLD NEW, or as --old FILE and --new FILE (each may be repeated), not a mix"
            ),
        };
        let stdin = old
            .iter()
            .chain(&new)
            .filter(|p| p.as_os_str() == "-")
            .count();
        if stdin > 1 {
            bail!("stdin (-) can be read only once; give files for the other side");
        }
        Ok(DiffConfig { old, new })
    }

    pub fn reads_stdin(&self) -> bool {
        self.old
            .iter()
            .chain(&self.new)
            .any(|p| p.as_os_str() == "-")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn show_args(args: &[&str]) -> ShowArgs {
        ShowArgs {
            args: args.iter().map(Into::into).collect(),
            files: Vec::new(),
            format: crate::cli::ShowFormat::Table,
            redact: None,
        }
    }

    fn diff_args(pos: &[&str], old: &[&str], new: &[&str]) -> DiffArgs {
        DiffArgs {
            old_file: pos.first().map(PathBuf::from),
            new_file: pos.get(1).map(PathBuf::from),
            old: old.iter().map(PathBuf::from).collect(),
            new: new.iter().map(PathBuf::from).collect(),
            format: crate::cli::TextFormat::Table,
            bom: false,
            no_bom: false,
        }
    }

    #[test]
    fn diff_sides_are_positional_or_flagged_never_mixed() {
        let c = DiffConfig::from_args(&diff_args(&["a", "b"], &[], &[])).expect("ok");
        assert_eq!((c.old.len(), c.new.len()), (1, 1));
        let c = DiffConfig::from_args(&diff_args(&[], &["a", "b"], &["c"])).expect("ok");
        assert_eq!((c.old.len(), c.new.len()), (2, 1));
        for bad in [
            diff_args(&["a"], &[], &[]),
            diff_args(&["a"], &[], &["c"]),
            diff_args(&["a", "b"], &["c"], &[]),
            diff_args(&[], &["a"], &[]),
            diff_args(&["-", "-"], &[], &[]),
        ] {
            assert!(DiffConfig::from_args(&bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn show_arguments_split_into_ids_and_inputs() {
        let dir = tempfile::tempdir().expect("temp dir");
        let existing = dir.path().join("cafe");
        std::fs::write(&existing, b"[]").expect("write");
        let existing = existing.display().to_string();
        let cfg = ShowConfig::from_args(&show_args(&[
            "06C7",
            "-",
            &existing,
            "export.json",
            "17bf-a9",
            "06c7",
        ]))
        .expect("valid");
        assert_eq!(cfg.prefixes, ["06c7", "17bf-a9"]);
        let inputs: Vec<String> = cfg.inputs.iter().map(|p| p.display().to_string()).collect();
        // A hex-looking name that exists is a file; a missing file name is still an input.
        assert_eq!(inputs, ["-", existing.as_str(), "export.json"]);
        assert!(ShowConfig::from_args(&show_args(&["export.json"])).is_err());
        assert!(!looks_like_change_id("--"));
        assert!(!looks_like_change_id(""));
    }
}

#[cfg(test)]
mod span_tests {
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
