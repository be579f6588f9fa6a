//! `provlog analyze`: read every input, summarise, classify the selected events, report.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, sync_channel};

use anyhow::{Result, bail};

use crate::catalog::Catalog;
use crate::cli::{FailOn, FormatArg};
use crate::config::{AnalyzeConfig, CycleFilter};
use crate::cycles::Cycles;
use crate::error::Exit;
use crate::event::Event;
use crate::input::normalize::{Damage, Need};
use crate::input::raw::RawEvent;
use crate::input::{self, EventSink, Input, Problem, ProblemLog};
use crate::redact::Redactor;
use crate::render::csv::CsvOut;
use crate::render::{self, Style};

use super::{Context, warn};
use crate::cli::AnalyzeArgs;
use crate::report::activity::Activity;
use crate::report::{InputSummary, Report, Summary};

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
    let (inputs, problems) = super::split(expanded);
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

mod sides;

use sides::{Inline, Msg, Piped, Reader, Selector, Stream};

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

/// How many threads `analyze` reads with: two when there are two cores (the reader and the
/// selector, see `sides`), one with `PROVLOG_THREADS=1` (which the tests use to compare
/// the two ways) or on one core.
fn threads() -> usize {
    match std::env::var("PROVLOG_THREADS")
        .ok()
        .and_then(|v| v.trim().parse().ok())
    {
        Some(n) => n,
        None => std::thread::available_parallelism().map_or(1, usize::from),
    }
}

/// Events handed from the reading thread at most: a bound on memory (a batch is 64
/// events of a few kilobytes) that still lets the reader run a little ahead.
const QUEUED_BATCHES: usize = 16;

/// What the main thread keeps of the inputs as they end.
struct Inputs<'e> {
    summaries: Vec<InputSummary>,
    tolerated: u64,
    exit: Exit,
    err: &'e mut dyn Write,
}

impl Inputs<'_> {
    /// Reports one input on stderr and keeps its summary. False when reading stops here
    /// (an interrupt): nothing more is reported.
    fn done(&mut self, done: sides::InputDone) -> bool {
        let sides::InputDone {
            outcome,
            mut current,
            mut problems,
        } = done;
        self.tolerated += outcome.tolerated;
        if crate::interrupt::requested() {
            return false;
        }
        if !finish_input(&mut current, &outcome, &mut problems, self.err) {
            self.exit = Exit::Error;
        }
        self.summaries.push(current);
        true
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
    let cfg = &*cfg;
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
    let redactor = cfg.redact.map(Redactor::new);
    let activity = (format == FormatArg::Html).then(Activity::default);
    // Redaction rewrites properties and details; the attribute groups read the
    // properties' values; the HTML report's activity is left to read everything.
    let everything = redactor.is_some() || activity.is_some();
    let need = Need {
        properties: everything || cfg.group_by == crate::report::GroupKey::Attribute,
        all_details: everything,
    };
    // The HTML report's activity is fed by both sides: it is read on one thread.
    let piped = activity.is_none() && threads() > 1;
    let mut reader = Reader {
        cfg,
        summary: Summary::default(),
        cycles: Cycles::default(),
        activity,
        reading: Default::default(),
        progress: sides::Progress {
            bar: progress,
            ..Default::default()
        },
        need,
    };
    let mut selector = Selector::new(cfg, catalog, style.lang, redactor, stream, keep_records);
    let mut done = Inputs {
        summaries: Vec::new(),
        tolerated: 0,
        exit: Exit::Ok,
        err,
    };
    for p in &expand_errors {
        warn(done.err, p);
        done.summaries.push(InputSummary {
            label: p.file.clone(),
            error: Some(p.message.clone()),
            ..InputSummary::default()
        });
        done.exit = Exit::Error;
    }
    if piped {
        // A big JSON file is read in parts on every core (see `input::split`); other
        // inputs on a reading thread beside this one. Redaction names identities in the
        // order met, so it is read in order on one reading thread.
        let threads = threads();
        for (i, size) in inputs.iter().zip(&sizes) {
            if selector.out.write_error.is_some() || crate::interrupt::requested() {
                break;
            }
            if selector.redactor.is_none()
                && let Input::File(path) = i
            {
                let mut sink = Inline {
                    reader: &mut reader,
                    selector: &mut selector,
                };
                if let Some(outcome) =
                    input::split::read_split(path, &i.label(), &mut sink, threads)
                {
                    if !done.done(reader.input_done(outcome, *size)) {
                        break;
                    }
                    continue;
                }
            }
            reader = read_piped(
                reader,
                &mut selector,
                std::slice::from_ref(i),
                std::slice::from_ref(size),
                &mut done,
            )?;
        }
    } else {
        for (i, size) in inputs.iter().zip(&sizes) {
            if selector.out.write_error.is_some() || crate::interrupt::requested() {
                break;
            }
            let mut sink = Inline {
                reader: &mut reader,
                selector: &mut selector,
            };
            let outcome = input::read(i, &mut sink);
            if !done.done(reader.input_done(outcome, *size)) {
                break;
            }
        }
    }
    let Inputs {
        summaries,
        tolerated,
        mut exit,
        err: _,
    } = done;
    if let Some(pb) = reader.progress.bar.take() {
        // The report follows on stdout; the bar leaves nothing behind on stderr.
        pb.finish_and_clear();
    }
    if crate::interrupt::requested() {
        // What was streamed so far ends with a whole line; no report, no warnings.
        match std::mem::replace(&mut selector.out.stream, Stream::None) {
            Stream::Csv(c) => c.finish()?,
            Stream::Ndjson(w) => w.flush()?,
            Stream::None => {}
        }
        return Ok(Exit::Interrupted);
    }
    let mut summary = reader.summary;
    summary.inputs = summaries;
    summary.selected = selector.selected;
    let mut cycles = reader.cycles;
    cycles.add_failures(selector.failures);
    // A record that could not be read is bad input (exit 2) even though every other event
    // was still read; with --strict, so is an event kept with unreadable fields, and JSON
    // read although it is not valid (a trailing comma).
    if summary.rejected > 0 || (cfg.strict && (summary.damaged > 0 || tolerated > 0)) {
        exit = Exit::Error;
    }
    let fail_on = match cfg.fail_on {
        Some(FailOn::Failure) => selector.failed,
        Some(FailOn::Warning) => selector.failed || selector.warned,
        None => false,
    };
    if let Some(e) = selector.out.write_error.take() {
        return Err(e.into());
    }
    // Nothing could be read at all (a mistyped name, an empty stdin): the errors said it;
    // an empty report would only look like an export without failures.
    let nothing_read = !summary.inputs.is_empty()
        && summary
            .inputs
            .iter()
            .all(|i| i.error.is_some() && i.format.is_none() && i.events == 0 && i.rejected == 0);
    if nothing_read {
        return Ok(Exit::Error);
    }
    match std::mem::replace(&mut selector.out.stream, Stream::None) {
        Stream::Csv(c) => c.finish()?,
        Stream::Ndjson(w) => w.flush()?,
        Stream::None => {}
    }
    if let Some(w) = render_at_end {
        summary.warnings = cycles.warnings();
        let f = &cfg.filters;
        summary.statuses = f.statuses.clone();
        summary.window = (f.since.is_some() || f.until.is_some()).then_some((f.since, f.until));
        let outside_view = selector.groups.outside;
        let report = Report {
            summary,
            groups: selector.groups.finish_with(cfg.group_by, &cycles),
            group_by: cfg.group_by,
            records: selector.out.records,
            outside_view,
        };
        match &draft {
            Some(d) => render::draft::render(w, &report, catalog, d)?,
            None => render::report(w, format, &report, reader.activity.as_ref(), style)?,
        }
        w.flush()?;
    }
    if fail_on {
        exit = exit.max(Exit::FailOn);
    }
    Ok(exit)
}

/// Reads on a second thread while the main thread selects and writes (see `sides`).
/// Returns the reader, done with every input.
fn read_piped<'a>(
    reader: Reader<'a>,
    selector: &mut Selector<'a, &mut dyn Write>,
    inputs: &[Input],
    sizes: &[Option<u64>],
    done: &mut Inputs<'_>,
) -> Result<Reader<'a>> {
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let (tx, rx) = sync_channel::<Msg>(QUEUED_BATCHES);
        let (spent_tx, spent) = channel::<Vec<Event>>();
        let stop = &stop;
        let reading = scope.spawn(move || {
            let mut piped = Piped {
                reader,
                tx,
                batch: Vec::new(),
                spent,
                stop,
            };
            for (i, size) in inputs.iter().zip(sizes) {
                if stop.load(Ordering::Relaxed) || crate::interrupt::requested() {
                    break;
                }
                let outcome = input::read(i, &mut piped);
                let d = piped.reader.input_done(outcome, *size);
                piped.send_done(d);
            }
            piped.reader
        });
        // Once the output is closed or the run interrupted, what still arrives is only
        // drained, as the single thread would not have read it; the input being read when
        // the output closed is still reported, as it is there.
        let mut ignoring = false;
        for msg in rx {
            match msg {
                Msg::Events(mut events) => {
                    let mut kept = 0;
                    for i in 0..events.len() {
                        if ignoring
                            || selector.out.write_error.is_some()
                            || crate::interrupt::requested()
                        {
                            break;
                        }
                        let ev = std::mem::take(&mut events[i]);
                        if let Some(back) = selector.select(ev, None) {
                            events[kept] = back;
                            kept += 1;
                        }
                    }
                    events.truncate(kept);
                    // The reader may have finished; the events are then dropped here.
                    let _ = spent_tx.send(events);
                    if selector.out.write_error.is_some() {
                        stop.store(true, Ordering::Relaxed);
                    }
                }
                Msg::Done(d) if !ignoring => {
                    if !done.done(*d) || selector.out.write_error.is_some() {
                        ignoring = true;
                        stop.store(true, Ordering::Relaxed);
                    }
                }
                Msg::Done(_) => {}
            }
        }
        reading
            .join()
            .map_err(|_| anyhow::anyhow!("the thread reading the input stopped unexpectedly"))
    })
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
