//! `provlog diff`: read the older and the newer export, keep per (identity, diagnosis) the
//! newest failure and per identity the newest success, and report what changed.

use std::io::Write;

use anyhow::Result;

use crate::catalog::Catalog;
use crate::classify::classify_event;
use crate::cli::FormatArg;
use crate::config::DiffConfig;
use crate::diff::{Diff, Side};
use crate::error::Exit;
use crate::event::{Event, Status};
use crate::i18n::Lang;
use crate::input::normalize::Damage;
use crate::input::raw::RawEvent;
use crate::input::{self, EventSink, Problem, ProblemLog};
use crate::render::{self, Style};
use crate::report::{InputSummary, Record};

use super::{Context, warn};
use crate::cli::DiffArgs;

/// Output settings decided by the caller.
pub struct Output<'w> {
    pub writer: &'w mut dyn Write,
    pub format: FormatArg,
    pub style: Style,
    pub bom: bool,
}

/// `provlog diff`.
pub fn run(args: DiffArgs, ctx: &mut Context) -> Result<Exit> {
    let cfg = DiffConfig::from_args(&args)?;
    if cfg.reads_stdin()
        && ctx.refuse_terminal_stdin(
            "'-' reads an export from stdin, but stdin is a terminal. Try: provlog diff OLD.json NEW.json",
        )
    {
        return Ok(Exit::Error);
    }
    let bom = ctx.bom(args.bom, args.no_bom);
    compare(
        &cfg,
        &ctx.catalog,
        Output {
            writer: ctx.out,
            format: args.format.into(),
            style: ctx.style,
            bom,
        },
        ctx.err,
    )
}

struct DiffSink<'a> {
    catalog: &'a Catalog,
    lang: Lang,
    diff: &'a mut Diff,
    side: Side,
    current: InputSummary,
    /// What went wrong with records of the current input, for stderr.
    problems: ProblemLog,
    rejected: u64,
}

impl EventSink for DiffSink<'_> {
    fn seen(&mut self, raw: &RawEvent<'_>) -> bool {
        self.current.events += 1;
        self.diff.see(self.side, raw.time());
        // Only failures and successes decide a change; the rest is not normalised.
        matches!(raw.status(), Some(Status::Failure | Status::Success))
    }

    fn selected(&mut self, ev: Event, _: Damage) {
        match ev.status() {
            Status::Success => self.diff.success(self.side, &ev),
            Status::Failure => {
                let (d, facts) = classify_event(self.catalog, &ev, self.lang);
                let rec = Record {
                    event: ev,
                    diagnosis: Some(d.clone()),
                    facts,
                };
                self.diff.failure(self.side, rec, &d);
            }
            _ => {}
        }
    }

    fn noise(&mut self, _: u64) {}

    fn rejected(&mut self, problem: Problem) {
        self.rejected += 1;
        self.current.rejected += 1;
        self.problems.add(problem);
    }
}

/// Reads one side; returns true when something on it could not be read.
fn read_side(paths: &[std::path::PathBuf], sink: &mut DiffSink<'_>, err: &mut dyn Write) -> bool {
    let mut bad = false;
    for item in input::expand(paths) {
        let i = match item {
            Ok(i) => i,
            Err(p) => {
                warn(err, &p);
                sink.summary_mut().inputs.push(InputSummary {
                    label: p.file.clone(),
                    error: Some(p.message.clone()),
                    ..InputSummary::default()
                });
                bad = true;
                continue;
            }
        };
        sink.current = InputSummary::default();
        let outcome = input::read(&i, sink);
        let mut current = std::mem::take(&mut sink.current);
        if !crate::cmd::analyze::finish_input(&mut current, &outcome, &mut sink.problems, err) {
            bad = true;
        }
        sink.summary_mut().inputs.push(current);
    }
    bad
}

impl DiffSink<'_> {
    fn summary_mut(&mut self) -> &mut crate::diff::SideSummary {
        match self.side {
            Side::Old => &mut self.diff.old,
            Side::New => &mut self.diff.new,
        }
    }
}

/// Reads both sides and reports what changed.
pub fn compare(
    cfg: &DiffConfig,
    catalog: &Catalog,
    out: Output<'_>,
    err: &mut dyn Write,
) -> Result<Exit> {
    let mut diff = Diff::default();
    let mut exit = Exit::Ok;
    let mut sink = DiffSink {
        catalog,
        lang: out.style.lang,
        diff: &mut diff,
        side: Side::Old,
        current: InputSummary::default(),
        problems: ProblemLog::default(),
        rejected: 0,
    };
    if read_side(&cfg.old, &mut sink, err) {
        exit = Exit::Error;
    }
    sink.side = Side::New;
    if read_side(&cfg.new, &mut sink, err) {
        exit = Exit::Error;
    }
    // A record that could not be read is bad input, as in `analyze`.
    if sink.rejected > 0 {
        exit = Exit::Error;
    }
    let report = diff.finish();
    let style: Style = out.style;
    let w = out.writer;
    match out.format {
        FormatArg::Table => render::diff::table(w, &report, style)?,
        FormatArg::Markdown => render::diff::markdown(w, &report, style)?,
        FormatArg::Json => render::diff::json(w, &report)?,
        FormatArg::Ndjson => render::diff::ndjson(w, &report)?,
        FormatArg::Csv => render::diff::csv(w, &report, out.bom)?,
        FormatArg::Html => anyhow::bail!(
            "--format html is for analyze; diff writes table, markdown, json, ndjson or csv"
        ),
    }
    w.flush()?;
    Ok(exit)
}
