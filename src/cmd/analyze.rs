//! `provlog analyze`: read every input, summarise, classify the selected events, report.

use std::io::{self, Write};

use anyhow::{Result, bail};

use crate::catalog::{Catalog, Lang};
use crate::classify::classify_event;
use crate::cli::{FailOn, FormatArg};
use crate::config::{AnalyzeConfig, CycleFilter};
use crate::error::Exit;
use crate::event::{Event, Status};
use crate::input::normalize::{Damage, only_account_disabled};
use crate::input::raw::RawEvent;
use crate::input::{self, EventSink, Input, Problem};
use crate::render::csv::CsvOut;
use crate::render::{self, Style, wire};
use crate::report::activity::Activity;
use crate::report::{Groups, InputSummary, Record, Report, Summary};
use crate::time::parse_time;

/// Output settings decided by the caller.
pub struct Output<'w> {
    pub writer: &'w mut dyn Write,
    pub format: FormatArg,
    pub style: Style,
    pub bom: bool,
}

/// Most record problems printed one by one; the rest are counted.
const MAX_PROBLEMS_SHOWN: usize = 20;

// One per run.
#[allow(clippy::large_enum_variant)]
enum Stream<'w> {
    None,
    Ndjson(&'w mut dyn Write),
    Csv(CsvOut<&'w mut dyn Write>),
}

struct Analyzer<'a, 'w> {
    cfg: &'a AnalyzeConfig,
    catalog: &'a Catalog,
    lang: Lang,
    summary: Summary,
    groups: Groups,
    records: Vec<Record>,
    keep_records: bool,
    /// Cycles, timeline and affected identities; only the HTML report needs them.
    activity: Option<Activity>,
    stream: Stream<'w>,
    write_error: Option<io::Error>,
    current: InputSummary,
    problems_shown: usize,
    problems: Vec<Problem>,
    failed: bool,
    warned: bool,
}

impl Analyzer<'_, '_> {
    fn emit(&mut self, rec: Record) {
        let result = match &mut self.stream {
            Stream::None => Ok(()),
            Stream::Ndjson(w) => wire::write_ndjson(*w, &rec),
            Stream::Csv(c) => c.row(&rec),
        };
        if let Err(e) = result {
            self.write_error.get_or_insert(e);
        }
        if self.keep_records {
            self.records.push(rec);
        }
    }
}

impl EventSink for Analyzer<'_, '_> {
    fn seen(&mut self, raw: &RawEvent<'_>) -> bool {
        let s = &mut self.summary;
        s.read += 1;
        self.current.events += 1;
        if raw.wrong_fields() > 0 {
            s.damaged += 1;
        }
        let status = raw.status().unwrap_or(Status::Unknown);
        *s.by_status.entry(status).or_default() += 1;
        let action = raw.action().unwrap_or(crate::event::Action::Unknown);
        *s.by_action.entry(action).or_default() += 1;
        if action == crate::event::Action::Update
            && status == Status::Success
            && raw
                .modified_properties
                .as_ref()
                .is_some_and(only_account_disabled)
        {
            s.noise += 1;
        }
        let time = raw.time_text().and_then(parse_time);
        if let Some(t) = time {
            s.see_time(t);
        }
        let app = raw
            .service_principal
            .name
            .as_deref()
            .or(raw.service_principal.id.as_deref());
        if let Some(app) = app {
            s.see_app(app);
        }
        if let Some(c) = raw.cycle_id.as_deref() {
            s.see_cycle(c);
        }
        if let Some(a) = &mut self.activity {
            a.see(raw.cycle_id.as_deref(), app, time, status, action);
        }
        self.cfg.filters.pass_raw(raw, time)
    }

    fn selected(&mut self, ev: Event, damage: Damage) {
        if damage.raw == 0 && damage.bad_fields > 0 {
            self.summary.damaged += 1;
        }
        let needs_diagnosis =
            ev.status() != Status::Success || ev.error.code.is_some() || ev.error.reason.is_some();
        let (diagnosis, facts) = if needs_diagnosis {
            let (d, f) = classify_event(self.catalog, &ev, self.lang);
            (Some(d), f)
        } else {
            (None, crate::classify::event_facts(&ev))
        };
        if !self.cfg.filters.pass_event(&ev, diagnosis.as_ref()) {
            return;
        }
        self.summary.selected += 1;
        match ev.status() {
            Status::Failure => self.failed = true,
            Status::Warning => self.warned = true,
            _ => {}
        }
        let rec = Record {
            event: ev,
            diagnosis,
            facts,
        };
        self.groups.add(self.cfg.group_by, &rec);
        if let Some(a) = &mut self.activity {
            a.add(&rec);
        }
        self.emit(rec);
    }

    fn noise(&mut self, n: u64) {
        self.summary.noise += n;
    }

    fn rejected(&mut self, problem: Problem) {
        self.summary.rejected += 1;
        self.current.rejected += 1;
        if self.problems_shown < MAX_PROBLEMS_SHOWN {
            self.problems_shown += 1;
            self.problems.push(problem);
        }
    }

    fn stop(&self) -> bool {
        self.write_error.is_some()
    }
}

/// Finds the cycle holding the newest event, for `--cycle latest`.
struct LatestCycle {
    best: Option<(chrono::DateTime<chrono::Utc>, String)>,
}

impl EventSink for LatestCycle {
    fn seen(&mut self, raw: &RawEvent<'_>) -> bool {
        if let (Some(t), Some(c)) = (
            raw.time_text().and_then(parse_time),
            raw.cycle_id.as_deref(),
        ) && self.best.as_ref().is_none_or(|(bt, _)| t > *bt)
        {
            self.best = Some((t, c.to_owned()));
        }
        false
    }
    fn selected(&mut self, _: Event, _: Damage) {}
    fn noise(&mut self, _: u64) {}
    fn rejected(&mut self, _: Problem) {}
}

/// Prints a warning line on stderr.
pub fn warn(err: &mut dyn Write, msg: impl std::fmt::Display) {
    // A closed stderr leaves nothing to tell.
    let _ = writeln!(err, "provlog: {msg}");
}

pub fn run(
    cfg: &mut AnalyzeConfig,
    inputs: &[Input],
    expand_errors: Vec<Problem>,
    catalog: &Catalog,
    out: Output<'_>,
    err: &mut dyn Write,
) -> Result<Exit> {
    if cfg.filters.cycle == Some(CycleFilter::Latest) {
        if inputs.contains(&Input::Stdin) {
            bail!("--cycle latest reads the input twice, so it needs files, not stdin");
        }
        let mut finder = LatestCycle { best: None };
        for i in inputs {
            input::read(i, &mut finder);
        }
        cfg.filters.cycle = Some(CycleFilter::Id(
            finder.best.map(|(_, c)| c).unwrap_or_default(),
        ));
    }
    let Output {
        writer,
        format,
        style,
        bom,
    } = out;
    let (stream, keep_records, render_at_end) = match format {
        FormatArg::Ndjson => (Stream::Ndjson(writer), false, None),
        FormatArg::Csv => (Stream::Csv(CsvOut::new(writer, bom)?), false, None),
        FormatArg::Json => (Stream::None, true, Some(writer)),
        FormatArg::Table | FormatArg::Markdown | FormatArg::Html => (
            Stream::None,
            cfg.group_by == crate::report::GroupKey::None,
            Some(writer),
        ),
    };
    let mut exit = Exit::Ok;
    let mut an = Analyzer {
        cfg,
        catalog,
        lang: style.lang,
        summary: Summary::default(),
        groups: Groups::default(),
        records: Vec::new(),
        keep_records,
        activity: (format == FormatArg::Html).then(Activity::default),
        stream,
        write_error: None,
        current: InputSummary::default(),
        problems_shown: 0,
        problems: Vec::new(),
        failed: false,
        warned: false,
    };
    for p in &expand_errors {
        warn(err, p);
        an.summary.inputs.push(InputSummary {
            label: p.file.clone(),
            error: Some(p.message.clone()),
            ..InputSummary::default()
        });
        exit = Exit::Error;
    }
    for i in inputs {
        if an.write_error.is_some() {
            break;
        }
        an.current = InputSummary::default();
        let outcome = input::read(i, &mut an);
        let mut current = std::mem::take(&mut an.current);
        current.label = outcome.label.clone();
        current.format = outcome.format;
        current.notes = outcome.notes.clone();
        for n in &outcome.notes {
            warn(err, n);
        }
        if let Some(p) = &outcome.fatal {
            warn(err, p);
            current.error = Some(match &p.position {
                Some(pos) => format!("{pos}: {}", p.message),
                None => p.message.clone(),
            });
            exit = Exit::Error;
        } else if current.events == 0 && current.rejected > 0 {
            let msg = "no provisioning events found in it";
            warn(err, format!("{}: {msg}", current.label));
            current.error = Some(msg.to_owned());
            exit = Exit::Error;
        }
        an.summary.inputs.push(current);
    }
    let problems = std::mem::take(&mut an.problems);
    for p in &problems {
        warn(err, p);
    }
    let rejected = an.summary.rejected;
    if rejected > problems.len() as u64 {
        warn(
            err,
            format!(
                "{} more records could not be read",
                rejected - problems.len() as u64
            ),
        );
    }
    // A record that could not be read is bad input (exit 2) even though every other event
    // was still read; with --strict, so is an event kept with unreadable fields.
    if rejected > 0 || (an.cfg.strict && an.summary.damaged > 0) {
        exit = Exit::Error;
    }
    if an.summary.damaged > 0 {
        warn(
            err,
            format!(
                "{} events had fields of the wrong type or form; they are kept with those fields empty",
                an.summary.damaged
            ),
        );
    }
    let fail_on = match an.cfg.fail_on {
        Some(FailOn::Failure) => an.failed,
        Some(FailOn::Warning) => an.failed || an.warned,
        None => false,
    };
    if let Some(e) = an.write_error.take() {
        return Err(e.into());
    }
    match std::mem::replace(&mut an.stream, Stream::None) {
        Stream::Csv(c) => c.finish()?,
        Stream::Ndjson(w) => w.flush()?,
        Stream::None => {}
    }
    if let Some(w) = render_at_end {
        let report = Report {
            summary: an.summary,
            groups: an.groups.finish(),
            group_by: an.cfg.group_by,
            records: an.records,
        };
        match format {
            FormatArg::Json => render::json::render(w, &report)?,
            FormatArg::Markdown => render::markdown::render(w, &report, style)?,
            FormatArg::Html => render::html::render(
                w,
                &report,
                an.activity.as_ref().unwrap_or(&Activity::default()),
                style,
            )?,
            _ => render::table::render(w, &report, style)?,
        }
        w.flush()?;
    }
    if fail_on {
        exit = exit.max(Exit::FailOn);
    }
    Ok(exit)
}
