//! The two sides of `analyze`: the [`Reader`] sees every event (summary, cycle statistics,
//! progress, problems) and says which it wants in full; the [`Selector`] filters,
//! redacts, diagnoses, groups and writes the events the reader wanted.
//!
//! They share no state, so that they can run on two threads: on two cores the reader
//! (parsing and normalising every event) runs on its own thread and hands the wanted
//! events, in order, to the selector on the main thread, which holds stdout ([`Piped`]).
//! On one core, for the HTML report (whose activity both sides feed) and with
//! `PROVLOG_THREADS=1`, both run on the main thread ([`Inline`]). The output is the same
//! either way: the selector gets the same events in the same order, and the cycle
//! statistics it adds to are merged into the reader's at the end
//! ([`Cycles::add_failures`]).

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender};

use crate::catalog::Catalog;
use crate::classify::classify_event;
use crate::config::AnalyzeConfig;
use crate::cycles::Cycles;
use crate::event::{Action, Event, Status};
use crate::i18n::Lang;
use crate::input::normalize::{Damage, Need, only_account_disabled};
use crate::input::raw::RawEvent;
use crate::input::{EventSink, Problem, ProblemLog, ReadOutcome};
use crate::redact::Redactor;
use crate::render::csv::CsvOut;
use crate::render::wire;
use crate::report::activity::Activity;
use crate::report::{Groups, InputSummary, Record, Summary};

/// The output of a run: `W` is stdout (or the `-o` file), or a buffer for one part of
/// an input read in parts (see `input::split`), copied to the output when joined.
#[allow(clippy::large_enum_variant)]
pub(super) enum Stream<W: Write> {
    None,
    Ndjson(W),
    Csv(CsvOut<W>),
}

/// What a [`Stream`] writes, without its writer: the parts of an input read in parts
/// write the same to buffers.
#[derive(Clone, Copy)]
pub(super) enum StreamKind {
    None,
    Ndjson,
    Csv,
}

impl<W: Write> Stream<W> {
    fn kind(&self) -> StreamKind {
        match self {
            Stream::None => StreamKind::None,
            Stream::Ndjson(_) => StreamKind::Ndjson,
            Stream::Csv(_) => StreamKind::Csv,
        }
    }
}

/// Where the selected records go: streamed (NDJSON, CSV), kept for the report, or both.
pub(super) struct RecordOut<W: Write> {
    pub stream: Stream<W>,
    pub write_error: Option<io::Error>,
    pub keep_records: bool,
    pub records: Vec<Record>,
    /// The NDJSON line being written, reused from record to record.
    pub line: Vec<u8>,
}

impl<W: Write> RecordOut<W> {
    /// Streams the record, and keeps it when the report lists records; else gives back its
    /// event (see [`Selector::select`]).
    fn emit(&mut self, rec: Record) -> Option<Event> {
        let result = match &mut self.stream {
            Stream::None => Ok(()),
            Stream::Ndjson(w) => wire::write_ndjson(w, &mut self.line, &rec),
            Stream::Csv(c) => c.row(&rec),
        };
        if let Err(e) = result {
            self.write_error.get_or_insert(e);
        }
        if self.keep_records {
            self.records.push(rec);
            return None;
        }
        Some(rec.event)
    }
}

/// How reading the current input goes, for its summary and the lines on stderr.
#[derive(Default)]
pub(super) struct Reading {
    pub current: InputSummary,
    /// What went wrong with records of the current input, for stderr.
    pub problems: ProblemLog,
}

/// The progress bar (on a terminal, for big inputs).
#[derive(Default)]
pub(super) struct Progress {
    pub bar: Option<indicatif::ProgressBar>,
    /// Bytes of the inputs read before the current one, and when to redraw next.
    pub base: u64,
    pub next: u64,
}

/// What reading one input gave besides its events, for the main thread to report.
pub(super) struct InputDone {
    pub outcome: ReadOutcome,
    pub current: InputSummary,
    pub problems: ProblemLog,
}

/// The side that sees every event.
pub(super) struct Reader<'a> {
    pub cfg: &'a AnalyzeConfig,
    pub summary: Summary,
    /// Every cycle's statistics, over all events read (not only the selected ones).
    pub cycles: Cycles,
    /// Cycles, timeline and affected identities; only the HTML report needs them.
    pub activity: Option<Activity>,
    pub reading: Reading,
    pub progress: Progress,
    pub need: Need,
}

impl Reader<'_> {
    fn seen(&mut self, raw: &RawEvent<'_>) -> bool {
        let s = &mut self.summary;
        s.read += 1;
        self.reading.current.events += 1;
        let status = raw.status().unwrap_or(Status::Unknown);
        *s.by_status.entry(status).or_default() += 1;
        let action = raw.action().unwrap_or(Action::Unknown);
        *s.by_action.entry(action).or_default() += 1;
        if action == Action::Update
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
        self.cycles.see(
            raw.job_id.as_deref(),
            raw.cycle_id.as_deref(),
            app,
            time,
            action,
            status,
        );
        if let Some(a) = &mut self.activity {
            a.see(raw.cycle_id.as_deref(), app, time, status, action);
        }
        // Every failure is read in full, selected or not: the cycle statistics and the
        // quarantine warnings need its diagnosis. `select` applies the filters again.
        self.cfg.filters.pass_raw(raw, time) || status == Status::Failure
    }

    fn rejected(&mut self, problem: Problem) {
        self.summary.rejected += 1;
        self.reading.current.rejected += 1;
        self.reading.problems.add(problem);
    }

    fn damaged(&mut self, problem: Problem) {
        // Every event read, selected or not: the readers report each such event once.
        self.summary.damaged += 1;
        self.reading.problems.add(problem);
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
            .summary
            .by_status
            .get(&Status::Failure)
            .copied()
            .unwrap_or(0);
        pb.set_message(format!("{} events, {failures} failures", self.summary.read));
    }

    /// Ends the current input: its summary and problems, for the main thread.
    pub fn input_done(&mut self, outcome: ReadOutcome, size: Option<u64>) -> InputDone {
        self.progress.base += size.unwrap_or(outcome.bytes);
        InputDone {
            outcome,
            current: std::mem::take(&mut self.reading.current),
            problems: std::mem::take(&mut self.reading.problems),
        }
    }
}

/// The side that filters, diagnoses and writes the events the reader wanted.
pub(super) struct Selector<'a, W: Write> {
    pub cfg: &'a AnalyzeConfig,
    pub catalog: &'a Catalog,
    pub lang: Lang,
    pub redactor: Option<Redactor>,
    pub groups: Groups,
    /// The diagnoses of failures by cycle, added to the reader's cycles at the end.
    pub failures: Cycles,
    pub selected: u64,
    pub failed: bool,
    pub warned: bool,
    pub out: RecordOut<W>,
}

impl<'a, W: Write> Selector<'a, W> {
    /// A selector that has selected nothing yet.
    pub fn new(
        cfg: &'a AnalyzeConfig,
        catalog: &'a Catalog,
        lang: Lang,
        redactor: Option<Redactor>,
        stream: Stream<W>,
        keep_records: bool,
    ) -> Self {
        Selector {
            cfg,
            catalog,
            lang,
            redactor,
            groups: Groups::default(),
            failures: Cycles::default(),
            selected: 0,
            failed: false,
            warned: false,
            out: RecordOut {
                stream,
                write_error: None,
                keep_records,
                records: Vec::new(),
                line: Vec::new(),
            },
        }
    }

    /// Counts the diagnosis of a failure that is not selected, for the cycle statistics.
    fn count_failure_only(&mut self, ev: &Event) {
        if ev.status() == Status::Failure {
            let (d, _) = classify_event(self.catalog, ev, self.lang);
            self.failures
                .failure(ev.job_id.as_deref(), ev.cycle_id.as_deref(), &d);
        }
    }

    /// Filters, diagnoses and writes one event. Gives the event back when done with it,
    /// unless the report keeps it: on two threads it goes back to the reading thread to be
    /// dropped there, as freeing on one thread what another allocated makes the two
    /// contend for the allocator's lock (with glibc the pipeline then ran slower than one
    /// thread).
    pub fn select(&mut self, ev: Event, activity: Option<&mut Activity>) -> Option<Event> {
        // A failure outside the filters is read in full only for the cycle statistics (see
        // `Reader::seen`): its diagnosis is counted, nothing else.
        if !self.cfg.filters.pass_raw_event(&ev) {
            self.count_failure_only(&ev);
            return Some(ev);
        }
        // `--identity` looks at the real names, so it is decided before redaction; the
        // diagnosis is made on the redacted event, so that captured values are pseudonyms.
        if !self.cfg.filters.pass_identity(&ev) {
            self.count_failure_only(&ev);
            return Some(ev);
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
            self.failures
                .failure(ev.job_id.as_deref(), ev.cycle_id.as_deref(), d);
        }
        if !self.cfg.filters.pass_diagnosis(&ev, diagnosis.as_ref()) {
            return Some(ev);
        }
        self.selected += 1;
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
        if let Some(a) = activity {
            a.add(&rec);
        }
        self.out.emit(rec)
    }
}

/// Both sides on one thread.
pub(super) struct Inline<'r, 'a, 'w> {
    pub reader: &'r mut Reader<'a>,
    pub selector: &'r mut Selector<'a, &'w mut dyn Write>,
}

impl EventSink for Inline<'_, '_, '_> {
    fn seen(&mut self, raw: &RawEvent<'_>) -> bool {
        self.reader.seen(raw)
    }
    fn selected(&mut self, ev: Event, _damage: Damage) {
        self.selector.select(ev, self.reader.activity.as_mut());
    }
    fn noise(&mut self, n: u64) {
        self.reader.summary.noise += n;
    }
    fn rejected(&mut self, problem: Problem) {
        self.reader.rejected(problem);
    }
    fn damaged(&mut self, problem: Problem) {
        self.reader.damaged(problem);
    }
    fn stop(&self) -> bool {
        self.selector.out.write_error.is_some() || crate::interrupt::requested()
    }
    fn progress(&mut self, bytes: u64) {
        self.reader.progress(bytes);
    }
    fn needs(&self) -> Need {
        self.reader.need
    }
}

/// What the reading thread sends the main thread, in the order it read them.
pub(super) enum Msg {
    /// Events the reader wanted, in order.
    Events(Vec<Event>),
    /// The end of one input.
    Done(Box<InputDone>),
}

/// Events sent together: one message per event would cost more in handing over than a
/// small event costs to write.
const BATCH: usize = 64;

/// The reading side on its own thread.
pub(super) struct Piped<'a, 's> {
    pub reader: Reader<'a>,
    pub tx: SyncSender<Msg>,
    pub batch: Vec<Event>,
    /// Events the main thread is done with, to be dropped here (see [`Selector::select`]).
    pub spent: Receiver<Vec<Event>>,
    /// Set by the main thread once no more events are wanted (its output was closed).
    pub stop: &'s AtomicBool,
}

impl Piped<'_, '_> {
    /// Sends the events gathered so far. A closed channel means the main thread is gone.
    pub fn flush(&mut self) {
        while let Ok(spent) = self.spent.try_recv() {
            drop(spent);
        }
        if !self.batch.is_empty() {
            let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
            if self.tx.send(Msg::Events(batch)).is_err() {
                self.stop.store(true, Ordering::Relaxed);
            }
        }
    }

    pub fn send_done(&mut self, done: InputDone) {
        self.flush();
        if self.tx.send(Msg::Done(Box::new(done))).is_err() {
            self.stop.store(true, Ordering::Relaxed);
        }
    }
}

impl EventSink for Piped<'_, '_> {
    fn seen(&mut self, raw: &RawEvent<'_>) -> bool {
        self.reader.seen(raw)
    }
    fn selected(&mut self, ev: Event, _damage: Damage) {
        self.batch.push(ev);
        if self.batch.len() >= BATCH {
            self.flush();
        }
    }
    fn noise(&mut self, n: u64) {
        self.reader.summary.noise += n;
    }
    fn rejected(&mut self, problem: Problem) {
        self.reader.rejected(problem);
    }
    fn damaged(&mut self, problem: Problem) {
        self.reader.damaged(problem);
    }
    fn stop(&self) -> bool {
        self.stop.load(Ordering::Relaxed) || crate::interrupt::requested()
    }
    fn progress(&mut self, bytes: u64) {
        self.reader.progress(bytes);
    }
    fn needs(&self) -> Need {
        self.reader.need
    }
}

/// Both sides for one block of an input read in parts (see `input::split`): filled on a
/// reading thread, then joined into the run's [`Inline`] sides in the input's order.
pub(super) struct Part<'a> {
    reader: Reader<'a>,
    selector: Selector<'a, Vec<u8>>,
}

impl EventSink for Part<'_> {
    fn seen(&mut self, raw: &RawEvent<'_>) -> bool {
        self.reader.seen(raw)
    }
    fn selected(&mut self, ev: Event, _damage: Damage) {
        // The event is dropped here, on the thread that made it.
        self.selector.select(ev, None);
    }
    fn noise(&mut self, n: u64) {
        self.reader.summary.noise += n;
    }
    fn rejected(&mut self, problem: Problem) {
        self.reader.rejected(problem);
    }
    fn damaged(&mut self, problem: Problem) {
        self.reader.damaged(problem);
    }
    fn stop(&self) -> bool {
        crate::interrupt::requested()
    }
    fn needs(&self) -> Need {
        self.reader.need
    }
}

/// Makes empty [`Part`]s: what a run's sides share that does not change while reading.
pub(super) struct Parts<'a> {
    cfg: &'a AnalyzeConfig,
    catalog: &'a Catalog,
    lang: Lang,
    need: Need,
    /// The run's stream, without its writer: each part writes the same kind to a buffer.
    stream: StreamKind,
    keep_records: bool,
}

impl<'a> crate::input::split::Parts for Parts<'a> {
    type Part = Part<'a>;

    fn make(&self) -> Part<'a> {
        let stream = match self.stream {
            StreamKind::None => Stream::None,
            StreamKind::Ndjson => Stream::Ndjson(Vec::new()),
            StreamKind::Csv => Stream::Csv(CsvOut::rows_only(Vec::new())),
        };
        Part {
            reader: Reader {
                cfg: self.cfg,
                summary: Summary::default(),
                cycles: Cycles::default(),
                activity: None,
                reading: Reading::default(),
                progress: Progress::default(),
                need: self.need,
            },
            selector: Selector::new(
                self.cfg,
                self.catalog,
                self.lang,
                None,
                stream,
                self.keep_records,
            ),
        }
    }
}

impl<'a> crate::input::split::Split for Inline<'_, 'a, '_> {
    type Parts = Parts<'a>;

    fn parts(&self) -> Parts<'a> {
        let s = &*self.selector;
        Parts {
            cfg: s.cfg,
            catalog: s.catalog,
            lang: s.lang,
            need: self.reader.need,
            stream: s.out.stream.kind(),
            keep_records: s.out.keep_records,
        }
    }

    fn join(&mut self, part: Part<'a>) {
        let Part { reader, selector } = part;
        let r = &mut *self.reader;
        r.summary.absorb(reader.summary);
        r.cycles.absorb(reader.cycles);
        r.reading.current.events += reader.reading.current.events;
        r.reading.current.rejected += reader.reading.current.rejected;
        // A block with problems is read again into these sides, never joined.
        debug_assert!(reader.reading.problems.is_empty());
        let s = &mut *self.selector;
        s.groups.absorb(selector.groups);
        s.failures.add_failures(selector.failures);
        s.selected += selector.selected;
        s.failed |= selector.failed;
        s.warned |= selector.warned;
        s.out.records.extend(selector.out.records);
        if s.out.write_error.is_some() {
            return;
        }
        let result = match (&mut s.out.stream, selector.out.stream) {
            (Stream::Ndjson(w), Stream::Ndjson(bytes)) => w.write_all(&bytes),
            (Stream::Csv(c), Stream::Csv(rows)) => rows.into_rows().and_then(|b| c.rows(&b)),
            _ => Ok(()),
        };
        if let Err(e) = result {
            s.out.write_error = Some(e);
        }
    }
}
