//! `provlog analyze`: read every input, summarise, classify the selected events, report.

use std::io::{self, Write};

use anyhow::{Result, bail};

use crate::catalog::Catalog;
use crate::classify::classify_event;
use crate::cli::{FailOn, FormatArg};
use crate::config::{AnalyzeConfig, CycleFilter};
use crate::cycles::Cycles;
use crate::error::Exit;
use crate::event::{Event, Status};
use crate::i18n::Lang;
use crate::input::normalize::{Damage, Need, only_account_disabled};
use crate::input::raw::RawEvent;
use crate::input::{self, EventSink, Input, Problem, ProblemLog};
use crate::redact::Redactor;
use crate::render::csv::CsvOut;
use crate::render::{self, Style, wire};

use super::{Context, warn};
use crate::cli::AnalyzeArgs;
use crate::report::activity::Activity;
use crate::report::{Groups, InputSummary, Record, Report, Summary};

/// Output settings decided by the caller.
pub struct Output<'w> {
    pub writer: &'w mut dyn Write,
    pub format: FormatArg,
    pub style: Style,
    pub bom: bool,
    /// Draw a progress bar on stderr (only ever true when stderr is a terminal).
    pub progress: bool,
    /// `catalog draft`: write drafted entries instead of a report.
    pub draft: Option<crate::render::draft::DraftOptions>,
}

/// `provlog analyze`.
pub fn run(args: AnalyzeArgs, ctx: &mut Context) -> Result<Exit> {
    if args.files.is_empty()
        && ctx.refuse_terminal_stdin(
            "no input given. Try: provlog analyze EXPORT.json (or pipe an export into provlog analyze -)",
        )
    {
        return Ok(Exit::Error);
    }
    let mut cfg = AnalyzeConfig::from_args(&args, chrono::Utc::now())?;
    let (expanded, notes) = input::expand_noting(&args.files);
    for note in notes {
        ctx.warn(note);
    }
    let (inputs, problems): (Vec<_>, Vec<_>) = expanded.into_iter().partition(|i| i.is_ok());
    let inputs: Vec<Input> = inputs.into_iter().flatten().collect();
    let problems: Vec<Problem> = problems.into_iter().filter_map(|p| p.err()).collect();
    let bom = ctx.bom(args.bom, args.no_bom);
    analyze(
        &mut cfg,
        &inputs,
        problems,
        &ctx.catalog,
        Output {
            writer: ctx.out,
            format: args.format,
            style: ctx.style,
            bom,
            progress: ctx.stderr_is_terminal,
            draft: None,
        },
        ctx.err,
    )
}

/// Inputs smaller than this finish before a progress bar would be worth drawing.
const PROGRESS_MIN_BYTES: u64 = 64 << 20;

/// Whether to draw a progress bar: on a terminal, for input big enough to wait for (or of
/// unknown size, like stdin).
pub fn wants_progress(stderr_is_terminal: bool, total: Option<u64>) -> bool {
    stderr_is_terminal && total.is_none_or(|t| t >= PROGRESS_MIN_BYTES)
}

fn progress_bar(total: Option<u64>) -> indicatif::ProgressBar {
    let pb = match total {
        Some(t) => indicatif::ProgressBar::new(t),
        None => indicatif::ProgressBar::new_spinner(),
    };
    let template = if total.is_some() {
        "{bar:30} {bytes}/{total_bytes} {bytes_per_sec} {msg}"
    } else {
        "{spinner} {bytes} {bytes_per_sec} {msg}"
    };
    if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
        pb.set_style(style);
    }
    pb.set_draw_target(indicatif::ProgressDrawTarget::stderr_with_hz(4));
    pb
}

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
    tally: Tally,
    out: RecordOut<'w>,
    reading: Reading,
    progress: Progress,
    redactor: Option<Redactor>,
}

/// What the report says: counts, groups, cycles.
#[derive(Default)]
struct Tally {
    summary: Summary,
    groups: Groups,
    /// Every cycle's statistics, over all events read (not only the selected ones).
    cycles: Cycles,
    /// Cycles, timeline and affected identities; only the HTML report needs them.
    activity: Option<Activity>,
    failed: bool,
    warned: bool,
}

/// Where the selected records go: streamed (NDJSON, CSV), kept for the report, or both.
struct RecordOut<'w> {
    stream: Stream<'w>,
    write_error: Option<io::Error>,
    keep_records: bool,
    records: Vec<Record>,
    /// The NDJSON line being written, reused from record to record.
    line: Vec<u8>,
}

/// How reading the current input goes, for its summary and the lines on stderr.
#[derive(Default)]
struct Reading {
    current: InputSummary,
    /// What went wrong with records of the current input, for stderr.
    problems: ProblemLog,
    /// Syntax read although it is not valid JSON (trailing commas), over every input.
    tolerated: u64,
}

/// The progress bar (on a terminal, for big inputs).
#[derive(Default)]
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    /// Bytes of the inputs read before the current one, and when to redraw next.
    base: u64,
    next: u64,
}

impl Analyzer<'_, '_> {
    /// Counts the diagnosis of a failure that is not selected, for the cycle statistics.
    fn count_failure_only(&mut self, ev: &Event) {
        if ev.status() == Status::Failure {
            let (d, _) = classify_event(self.catalog, ev, self.lang);
            self.tally
                .cycles
                .failure(ev.job_id.as_deref(), ev.cycle_id.as_deref(), &d);
        }
    }
}

impl RecordOut<'_> {
    /// Streams the record, and keeps it when the report lists records.
    fn emit(&mut self, rec: Record) {
        let result = match &mut self.stream {
            Stream::None => Ok(()),
            Stream::Ndjson(w) => wire::write_ndjson(*w, &mut self.line, &rec),
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
        let s = &mut self.tally.summary;
        s.read += 1;
        self.reading.current.events += 1;
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
        let time = raw.time();
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
        self.tally.cycles.see(
            raw.job_id.as_deref(),
            raw.cycle_id.as_deref(),
            app,
            time,
            action,
            status,
        );
        if let Some(a) = &mut self.tally.activity {
            a.see(raw.cycle_id.as_deref(), app, time, status, action);
        }
        // Every failure is read in full, selected or not: the cycle statistics and the
        // quarantine warnings need its diagnosis. `selected` applies the filters again.
        self.cfg.filters.pass_raw(raw, time) || status == Status::Failure
    }

    fn selected(&mut self, ev: Event, _damage: Damage) {
        // A failure outside the filters is read in full only for the cycle statistics (see
        // `seen`): its diagnosis is counted, nothing else.
        if !self.cfg.filters.pass_raw_event(&ev) {
            self.count_failure_only(&ev);
            return;
        }
        // `--identity` looks at the real names, so it is decided before redaction; the
        // diagnosis is made on the redacted event, so that captured values are pseudonyms.
        if !self.cfg.filters.pass_identity(&ev) {
            self.count_failure_only(&ev);
            return;
        }
        let ev = match &mut self.redactor {
            Some(r) => r.event(ev),
            None => ev,
        };
        let needs_diagnosis =
            ev.status() != Status::Success || ev.error.code.is_some() || ev.error.reason.is_some();
        let (diagnosis, facts) = if needs_diagnosis {
            let (d, f) = classify_event(self.catalog, &ev, self.lang);
            (Some(d), f)
        } else {
            (None, crate::classify::event_facts(&ev))
        };
        if ev.status() == Status::Failure
            && let Some(d) = &diagnosis
        {
            self.tally
                .cycles
                .failure(ev.job_id.as_deref(), ev.cycle_id.as_deref(), d);
        }
        if !self.cfg.filters.pass_diagnosis(&ev, diagnosis.as_ref()) {
            return;
        }
        self.tally.summary.selected += 1;
        match ev.status() {
            Status::Failure => self.tally.failed = true,
            Status::Warning => self.tally.warned = true,
            _ => {}
        }
        let rec = Record {
            event: ev,
            diagnosis,
            facts,
        };
        self.tally.groups.add(self.cfg.group_by, &rec);
        if let Some(a) = &mut self.tally.activity {
            a.add(&rec);
        }
        self.out.emit(rec);
    }

    fn noise(&mut self, n: u64) {
        self.tally.summary.noise += n;
    }

    fn rejected(&mut self, problem: Problem) {
        self.tally.summary.rejected += 1;
        self.reading.current.rejected += 1;
        self.reading.problems.add(problem);
    }

    fn damaged(&mut self, problem: Problem) {
        // Every event read, selected or not: the readers report each such event once.
        self.tally.summary.damaged += 1;
        self.reading.problems.add(problem);
    }

    fn stop(&self) -> bool {
        self.out.write_error.is_some() || crate::interrupt::requested()
    }

    fn needs(&self) -> Need {
        // Redaction rewrites properties and details; the attribute groups read the
        // properties' values; the HTML report's activity is left to read everything.
        let everything = self.redactor.is_some() || self.tally.activity.is_some();
        Need {
            properties: everything || self.cfg.group_by == crate::report::GroupKey::Attribute,
            all_details: everything,
        }
    }

    fn progress(&mut self, bytes: u64) {
        let Some(pb) = &self.progress.bar else { return };
        let pos = self.progress.base + bytes;
        if pos < self.progress.next {
            return;
        }
        self.progress.next = pos + (1 << 20);
        pb.set_position(pos);
        let failures = self
            .tally
            .summary
            .by_status
            .get(&Status::Failure)
            .copied()
            .unwrap_or(0);
        pb.set_message(format!(
            "{} events, {failures} failures",
            self.tally.summary.read
        ));
    }
}

/// Finds the cycle holding the newest event, for `--cycle latest`.
struct LatestCycle {
    best: Option<(chrono::DateTime<chrono::Utc>, String)>,
}

impl EventSink for LatestCycle {
    fn seen(&mut self, raw: &RawEvent<'_>) -> bool {
        if let (Some(t), Some(c)) = (raw.time(), raw.cycle_id.as_deref())
            && self.best.as_ref().is_none_or(|(bt, _)| t > *bt)
        {
            self.best = Some((t, c.to_owned()));
        }
        false
    }
    fn selected(&mut self, _: Event, _: Damage) {}
    fn noise(&mut self, _: u64) {}
    fn rejected(&mut self, _: Problem) {}
    fn stop(&self) -> bool {
        crate::interrupt::requested()
    }
}

/// Completes an input's summary from how reading it went, and says on stderr what went
/// wrong: its notes, one line per kind of problem with its records (`problems`), then the
/// error that ended it. Returns false when the input could not be read as an export (exit
/// status 2).
pub fn finish_input(
    current: &mut InputSummary,
    outcome: &input::ReadOutcome,
    problems: &mut ProblemLog,
    err: &mut dyn Write,
) -> bool {
    current.label = outcome.label.clone();
    current.format = outcome.format;
    current.notes = outcome.notes.clone();
    let problems_named_it = problems.names(&outcome.label);
    report_input(outcome, problems, err);
    if let Some(p) = &outcome.fatal {
        current.error = Some(match &p.position {
            Some(pos) => format!("{pos}: {}", p.message),
            None => p.message.clone(),
        });
        return false;
    }
    if current.events == 0 && current.rejected > 0 {
        let msg = "no provisioning events found in it";
        // The lines just printed already say why, at the records' positions: one problem,
        // one line. Only when they were about another file (a sibling of the CSV set)
        // does this one need saying.
        if !problems_named_it {
            warn(err, format!("{}: {msg}", current.label));
        }
        current.error = Some(msg.to_owned());
        return false;
    }
    true
}

/// Says on stderr what reading one input gave besides events: its notes, one line per kind
/// of problem with its records, then the error that ended it early.
pub fn report_input(outcome: &input::ReadOutcome, problems: &mut ProblemLog, err: &mut dyn Write) {
    for n in &outcome.notes {
        warn(err, n);
    }
    for line in problems.take_lines() {
        warn(err, line);
    }
    if let Some(p) = &outcome.fatal {
        warn(err, p);
    }
}

/// Reads the inputs, classifies and reports (or drafts catalog entries).
pub fn analyze(
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
            if crate::interrupt::requested() {
                return Ok(Exit::Interrupted);
            }
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
        progress,
        draft,
    } = out;
    let sizes: Vec<Option<u64>> = inputs.iter().map(input::size_of).collect();
    let total = sizes.iter().try_fold(0u64, |acc, s| s.map(|s| acc + s));
    let progress = (progress && wants_progress(true, total)).then(|| progress_bar(total));
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
    let redactor = cfg.redact.map(Redactor::new);
    let mut an = Analyzer {
        cfg,
        catalog,
        lang: style.lang,
        tally: Tally {
            activity: (format == FormatArg::Html).then(Activity::default),
            ..Tally::default()
        },
        out: RecordOut {
            stream,
            write_error: None,
            keep_records,
            records: Vec::new(),
            line: Vec::new(),
        },
        reading: Reading::default(),
        progress: Progress {
            bar: progress,
            ..Progress::default()
        },
        redactor,
    };
    for p in &expand_errors {
        warn(err, p);
        an.tally.summary.inputs.push(InputSummary {
            label: p.file.clone(),
            error: Some(p.message.clone()),
            ..InputSummary::default()
        });
        exit = Exit::Error;
    }
    for (i, size) in inputs.iter().zip(&sizes) {
        if an.out.write_error.is_some() || crate::interrupt::requested() {
            break;
        }
        an.reading.current = InputSummary::default();
        let outcome = input::read(i, &mut an);
        an.progress.base += size.unwrap_or(outcome.bytes);
        an.reading.tolerated += outcome.tolerated;
        if crate::interrupt::requested() {
            break;
        }
        let mut current = std::mem::take(&mut an.reading.current);
        if !finish_input(&mut current, &outcome, &mut an.reading.problems, err) {
            exit = Exit::Error;
        }
        an.tally.summary.inputs.push(current);
    }
    if let Some(pb) = an.progress.bar.take() {
        // The report follows on stdout; the bar leaves nothing behind on stderr.
        pb.finish_and_clear();
    }
    if crate::interrupt::requested() {
        // What was streamed so far ends with a whole line; no report, no warnings.
        match std::mem::replace(&mut an.out.stream, Stream::None) {
            Stream::Csv(c) => c.finish()?,
            Stream::Ndjson(w) => w.flush()?,
            Stream::None => {}
        }
        return Ok(Exit::Interrupted);
    }
    // A record that could not be read is bad input (exit 2) even though every other event
    // was still read; with --strict, so is an event kept with unreadable fields, and JSON
    // read although it is not valid (a trailing comma).
    if an.tally.summary.rejected > 0
        || (an.cfg.strict && (an.tally.summary.damaged > 0 || an.reading.tolerated > 0))
    {
        exit = Exit::Error;
    }
    let fail_on = match an.cfg.fail_on {
        Some(FailOn::Failure) => an.tally.failed,
        Some(FailOn::Warning) => an.tally.failed || an.tally.warned,
        None => false,
    };
    if let Some(e) = an.out.write_error.take() {
        return Err(e.into());
    }
    // Nothing could be read at all (a mistyped name, an empty stdin): the errors said it;
    // an empty report would only look like an export without failures.
    let nothing_read =
        !an.tally.summary.inputs.is_empty()
            && an.tally.summary.inputs.iter().all(|i| {
                i.error.is_some() && i.format.is_none() && i.events == 0 && i.rejected == 0
            });
    if nothing_read {
        return Ok(Exit::Error);
    }
    match std::mem::replace(&mut an.out.stream, Stream::None) {
        Stream::Csv(c) => c.finish()?,
        Stream::Ndjson(w) => w.flush()?,
        Stream::None => {}
    }
    if let Some(w) = render_at_end {
        let mut summary = an.tally.summary;
        summary.warnings = an.tally.cycles.warnings();
        let f = &an.cfg.filters;
        summary.statuses = f.statuses.clone();
        summary.window = (f.since.is_some() || f.until.is_some()).then_some((f.since, f.until));
        let outside_view = an.tally.groups.outside;
        let report = Report {
            summary,
            groups: an
                .tally
                .groups
                .finish_with(an.cfg.group_by, &an.tally.cycles),
            group_by: an.cfg.group_by,
            records: an.out.records,
            outside_view,
        };
        match &draft {
            Some(d) => render::draft::render(w, &report, catalog, d)?,
            None => render::report(w, format, &report, an.tally.activity.as_ref(), style)?,
        }
        w.flush()?;
    }
    if fail_on {
        exit = exit.max(Exit::FailOn);
    }
    Ok(exit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_only_on_a_terminal_and_for_big_input() {
        assert!(!wants_progress(false, Some(10 << 30)));
        assert!(!wants_progress(false, None));
        assert!(!wants_progress(true, Some(1 << 20)));
        assert!(wants_progress(true, Some(1 << 30)));
        assert!(
            wants_progress(true, None),
            "stdin: size unknown, show a spinner"
        );
    }
}
