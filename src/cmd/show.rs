//! `provlog show`: everything about the changes named by id, or by a unique start of one.
//!
//! One pass over the inputs: every event's change id is compared with the prefixes on the
//! borrowed raw event, and only the events of a candidate change are normalised and kept.
//! A prefix that fits several changes keeps no events beyond its first candidate's (it is
//! an error anyway), so memory stays small whatever the export's size.

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::Result;

use super::{Context, expand, warn};
use crate::catalog::Catalog;
use crate::classify::{classify_event, event_facts};
use crate::cli::ShowArgs;
use crate::cli::ShowFormat;
use crate::cmd::analyze::report_input;
use crate::config::ShowConfig;
use crate::error::Exit;
use crate::event::{Event, Status};
use crate::input::normalize::Damage;
use crate::input::raw::RawEvent;
use crate::input::{self, EventSink, Input, Problem, ProblemLog};
use crate::redact::Redactor;
use crate::render::{self, Style, one_line};
use crate::report::Record;
use crate::time::format_time;

/// Output settings decided by the caller.
pub struct Output<'w> {
    pub writer: &'w mut dyn Write,
    pub format: ShowFormat,
    pub style: Style,
}

/// `provlog show`.
pub fn run(args: ShowArgs, ctx: &mut Context) -> Result<Exit> {
    let cfg = ShowConfig::from_args(&args)?;
    if cfg.inputs.is_empty()
        && ctx.refuse_terminal_stdin("no input given. Try: provlog show CHANGE_ID EXPORT.json")
    {
        return Ok(Exit::Error);
    }
    let (inputs, problems) = expand(&cfg.inputs);
    show_changes(
        &cfg,
        &inputs,
        problems,
        &ctx.catalog,
        Output {
            writer: ctx.out,
            format: args.format,
            style: ctx.style,
        },
        ctx.err,
    )
}

/// How many candidates of an ambiguous prefix are listed.
const MAX_CANDIDATES: usize = 10;

/// A change a prefix fits, with enough to tell it from the others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub change_id: String,
    pub time: Option<String>,
    pub action: Option<&'static str>,
    pub status: Option<&'static str>,
    pub app: Option<String>,
}

impl Candidate {
    fn from_raw(raw: &RawEvent<'_>, id: &str) -> Candidate {
        Candidate {
            change_id: id.to_owned(),
            time: raw.time().as_ref().map(format_time),
            action: raw.action().map(|a| a.as_str()),
            status: raw.status().map(|s| s.as_str()),
            app: raw
                .service_principal
                .name
                .as_deref()
                .or(raw.service_principal.id.as_deref())
                .map(str::to_owned),
        }
    }

    fn describe(&self) -> String {
        let parts: Vec<String> = [
            Some(self.change_id.as_str()),
            self.time.as_deref(),
            self.action,
            self.status,
            self.app.as_deref(),
        ]
        .into_iter()
        .flatten()
        .map(one_line)
        .collect();
        parts.join("  ")
    }
}

/// What one prefix turned out to name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// The lower-cased change id.
    Found(String),
    Unknown,
    /// The candidates (the first ten seen) and whether there were more.
    Ambiguous(Vec<Candidate>, bool),
}

/// The changes each prefix fits, as seen so far.
#[derive(Debug, Default)]
pub struct Matches {
    /// Per prefix: candidates by lower-cased change id.
    candidates: Vec<BTreeMap<String, Candidate>>,
    overflow: Vec<bool>,
}

impl Matches {
    pub fn new(prefixes: usize) -> Matches {
        Matches {
            candidates: vec![BTreeMap::new(); prefixes],
            overflow: vec![false; prefixes],
        }
    }

    /// Records that prefix `i` fits this change; true while the prefix is unambiguous.
    fn see(&mut self, i: usize, lower: &str, candidate: impl FnOnce() -> Candidate) -> bool {
        let c = &mut self.candidates[i];
        if !c.contains_key(lower) {
            if c.len() >= MAX_CANDIDATES {
                self.overflow[i] = true;
            } else {
                c.insert(lower.to_owned(), candidate());
            }
        }
        c.len() == 1
    }

    /// What each prefix names, in the order given.
    pub fn resolve(&self) -> Vec<Resolution> {
        self.candidates
            .iter()
            .zip(&self.overflow)
            .map(|(c, more)| match c.len() {
                0 => Resolution::Unknown,
                1 if !more => c
                    .keys()
                    .next()
                    .map_or(Resolution::Unknown, |k| Resolution::Found(k.clone())),
                _ => Resolution::Ambiguous(c.values().cloned().collect(), *more),
            })
            .collect()
    }
}

struct Selector<'a> {
    prefixes: &'a [String],
    matches: Matches,
    events: BTreeMap<String, Vec<Event>>,
    rejected: u64,
    /// What went wrong with records of the current input, for stderr.
    problems: ProblemLog,
}

impl EventSink for Selector<'_> {
    fn seen(&mut self, raw: &RawEvent<'_>) -> bool {
        let Some(id) = raw.change_id().map(str::trim).filter(|s| !s.is_empty()) else {
            return false;
        };
        // Cheap test first: most events match no prefix.
        if !self.prefixes.iter().any(|p| starts_with_ci(id, p)) {
            return false;
        }
        let lower = id.to_ascii_lowercase();
        let mut want = false;
        for (i, p) in self.prefixes.iter().enumerate() {
            if lower.starts_with(p.as_str()) {
                want |= self.matches.see(i, &lower, || Candidate::from_raw(raw, id));
            }
        }
        want
    }

    fn selected(&mut self, ev: Event, _damage: Damage) {
        let Some(id) = ev.change_id.as_deref() else {
            return;
        };
        let list = self
            .events
            .entry(id.trim().to_ascii_lowercase())
            .or_default();
        // The same event from two overlapping pages or files is shown once.
        if ev.id.is_some() && list.iter().any(|e| e.id == ev.id) {
            return;
        }
        list.push(ev);
    }

    fn noise(&mut self, _: u64) {}

    fn rejected(&mut self, problem: Problem) {
        self.rejected += 1;
        self.problems.add(problem);
    }
}

fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// Finds the changes and reports each.
pub fn show_changes(
    cfg: &ShowConfig,
    inputs: &[Input],
    expand_errors: Vec<Problem>,
    catalog: &Catalog,
    out: Output<'_>,
    err: &mut dyn Write,
) -> Result<Exit> {
    let mut exit = Exit::Ok;
    for p in &expand_errors {
        warn(err, p);
        exit = Exit::Error;
    }
    let mut sel = Selector {
        prefixes: &cfg.prefixes,
        matches: Matches::new(cfg.prefixes.len()),
        events: BTreeMap::new(),
        rejected: 0,
        problems: ProblemLog::default(),
    };
    // Whether any input was read to its end: if none was, "no such change" would only
    // repeat the error already printed.
    let mut read_one = false;
    let mut failed = !expand_errors.is_empty();
    for i in inputs {
        let outcome = input::read(i, &mut sel);
        report_input(&outcome, &mut sel.problems, err);
        if outcome.fatal.is_some() {
            exit = Exit::Error;
            failed = true;
        } else {
            read_one = true;
        }
    }
    if sel.rejected > 0 {
        exit = Exit::Error;
    }

    let mut ids: Vec<String> = Vec::new();
    for (prefix, res) in cfg.prefixes.iter().zip(sel.matches.resolve()) {
        match res {
            Resolution::Found(id) => {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            Resolution::Unknown => {
                if read_one || !failed {
                    warn(
                        err,
                        format!("no event in the input has a change id starting with '{prefix}'"),
                    );
                }
                exit = Exit::Error;
            }
            Resolution::Ambiguous(candidates, more) => {
                warn(
                    err,
                    format!(
                        "change id '{prefix}' is ambiguous; give more of it. It starts {}{} changes:",
                        if more { "more than " } else { "" },
                        candidates.len()
                    ),
                );
                for c in &candidates {
                    // A closed stderr leaves nothing to tell.
                    let _ = writeln!(err, "  {}", c.describe());
                }
                exit = Exit::Error;
            }
        }
    }

    let lang = out.style.lang;
    let mut redactor = cfg.redact.map(Redactor::new);
    let mut records = Vec::new();
    for id in &ids {
        let mut events = sel.events.remove(id).unwrap_or_default();
        events.sort_by(|a, b| a.time.cmp(&b.time).then_with(|| a.id.cmp(&b.id)));
        for ev in events {
            let ev = match &mut redactor {
                Some(r) => r.event(ev),
                None => ev,
            };
            let needs_diagnosis = ev.status() != Status::Success
                || ev.error.code.is_some()
                || ev.error.reason.is_some();
            let (diagnosis, facts) = if needs_diagnosis {
                let (d, f) = classify_event(catalog, &ev, lang);
                (Some(d), f)
            } else {
                (None, event_facts(&ev))
            };
            records.push(Record {
                event: ev,
                diagnosis,
                facts,
            });
        }
    }

    let Output {
        writer,
        format,
        style,
    } = out;
    let redacted = cfg.redact.is_some();
    match format {
        ShowFormat::Table => render::show::table(writer, &records, style, redacted)?,
        ShowFormat::Markdown => render::show::markdown(writer, &records, style, redacted)?,
        ShowFormat::Json => render::show::json(writer, &records)?,
    }
    writer.flush()?;
    Ok(exit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cand(id: &str) -> impl FnOnce() -> Candidate {
        let id = id.to_owned();
        move || Candidate {
            change_id: id,
            time: None,
            action: None,
            status: None,
            app: None,
        }
    }

    #[test]
    fn prefixes_resolve_to_one_none_or_several() {
        let mut m = Matches::new(3);
        // Prefix 0 fits one change (seen twice), prefix 1 fits two, prefix 2 none.
        assert!(m.see(0, "06c73914", cand("06c73914")));
        assert!(m.see(0, "06c73914", cand("06c73914")));
        assert!(m.see(1, "17bf0001", cand("17bf0001")));
        assert!(!m.see(1, "17bf0002", cand("17bf0002")));
        let r = m.resolve();
        assert_eq!(r[0], Resolution::Found("06c73914".into()));
        match &r[1] {
            Resolution::Ambiguous(c, more) => {
                let ids: Vec<_> = c.iter().map(|c| c.change_id.as_str()).collect();
                assert_eq!(ids, ["17bf0001", "17bf0002"]);
                assert!(!more);
            }
            other => panic!("expected ambiguous, got {other:?}"),
        }
        assert_eq!(r[2], Resolution::Unknown);
    }

    #[test]
    fn candidates_are_capped_and_the_rest_noted() {
        let mut m = Matches::new(1);
        for i in 0..(MAX_CANDIDATES + 5) {
            let id = format!("ab{i:04}");
            m.see(0, &id, cand(&id));
        }
        match &m.resolve()[0] {
            Resolution::Ambiguous(c, more) => {
                assert_eq!(c.len(), MAX_CANDIDATES);
                assert!(more);
            }
            other => panic!("expected ambiguous, got {other:?}"),
        }
    }

    #[test]
    fn prefix_test_ignores_case() {
        assert!(starts_with_ci("06C73914-ED57", "06c7"));
        assert!(!starts_with_ci("06", "06c7"));
        assert!(!starts_with_ci("16c7", "06c7"));
    }
}
