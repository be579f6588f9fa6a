//! Bytes in, events out: finds the inputs, detects each one's shape from its content, and
//! runs the reader for it. Readers never see the catalog or the output.

pub mod console;
pub mod csv;
pub mod decode;
mod expand;
pub mod fields;
pub mod json;
pub mod normalize;
pub mod raw;
pub mod source;
pub mod split;

use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use self::json::JsonSink;
use self::normalize::{Damage, Need, normalize_with};
use self::raw::RawEvent;
use self::source::Position;
use self::source::{Chunks, Encoding};
use crate::event::Event;

pub use self::expand::{expand, expand_noting, size_of};

/// Where readers deliver what they read.
pub trait EventSink {
    /// Every event read, borrowed. Returns true when the event is wanted in full.
    fn seen(&mut self, raw: &RawEvent<'_>) -> bool;
    /// The normalised form of an event `seen` wanted, with what normalisation could not
    /// make sense of.
    fn selected(&mut self, ev: Event, damage: Damage);
    /// Updates that only touched `accountDisabled`, counted by readers that learn it only
    /// after `seen` (the three-CSV join).
    fn noise(&mut self, n: u64);
    /// A record that could not be read as an event. It is counted, never silently dropped.
    fn rejected(&mut self, problem: Problem);
    /// An event kept with unreadable fields: where it is and what was wrong. Called once
    /// for each such event, whether `seen` wanted it or not, so that sinks count these
    /// here: for an event not read in full, what `RawEvent::check` can tell; for one read
    /// in full, all that normalising it found.
    fn damaged(&mut self, _problem: Problem) {}
    /// True once the consumer wants no more (its output was closed).
    fn stop(&self) -> bool {
        false
    }
    /// How many bytes of the current input have been read (for a progress bar); called
    /// now and then, not for every event.
    fn progress(&mut self, _bytes: u64) {}
    /// What of the events `seen` wants is read besides what every output shows.
    fn needs(&self) -> Need {
        Need::ALL
    }
}

/// A sink that wants every event and keeps it normalised, with every problem: for tests,
/// fuzzing, and callers that want a whole (small) input.
#[derive(Debug, Default)]
pub struct Collect {
    /// Events read (each one also in `events`).
    pub seen: u64,
    pub events: Vec<(Event, Damage)>,
    pub rejected: Vec<Problem>,
    pub noise: u64,
}

impl EventSink for Collect {
    fn seen(&mut self, _: &RawEvent<'_>) -> bool {
        self.seen += 1;
        true
    }
    fn selected(&mut self, ev: Event, damage: Damage) {
        self.events.push((ev, damage));
    }
    fn noise(&mut self, n: u64) {
        self.noise += n;
    }
    fn rejected(&mut self, problem: Problem) {
        self.rejected.push(problem);
    }
}

/// A problem with one record or one file: where it is and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    pub position: Option<String>,
    pub message: String,
    /// What makes two problems the same kind when their messages name a detail that
    /// differs from record to record (a field count, a change id, a column); `None` when
    /// the message itself is the kind. See [`ProblemLog`].
    pub kind: Option<&'static str>,
}

impl Problem {
    /// At a line and column; column 0 means the whole line.
    pub fn at(file: &str, pos: &Position, message: impl Into<String>) -> Problem {
        Problem {
            file: file.to_owned(),
            position: Some(if pos.column == 0 {
                format!("line {}", pos.line)
            } else {
                format!("line {}, column {}", pos.line, pos.column)
            }),
            message: message.into(),
            kind: None,
        }
    }

    pub fn at_line(file: &str, line: u64, message: impl Into<String>) -> Problem {
        Problem {
            file: file.to_owned(),
            position: Some(format!("line {line}")),
            message: message.into(),
            kind: None,
        }
    }

    pub fn whole(file: &str, message: impl Into<String>) -> Problem {
        Problem {
            file: file.to_owned(),
            position: None,
            message: message.into(),
            kind: None,
        }
    }

    /// The same problem, of the named kind (see [`Problem::kind`]).
    #[must_use]
    pub fn of_kind(mut self, kind: &'static str) -> Problem {
        self.kind = Some(kind);
        self
    }

    /// What two problems of the same kind share: the kind's name, or else the message.
    pub fn kind_key(&self) -> &str {
        self.kind.unwrap_or(&self.message)
    }
}

/// Most kinds of problem listed one by one for an input; problems of further kinds are
/// counted in one line.
pub const MAX_KINDS_SHOWN: usize = 20;

/// Problems with records, worded for the person reading stderr: the same kind of problem
/// repeated in one file is one line, at its first position, with how many more there were
/// (`... (and 4 more like it)`); each other kind gets its own line. A file whose every
/// element is wrong thus takes one line, not one per element. Counting records is the
/// sink's business; this only groups the messages it is given.
#[derive(Debug, Default)]
pub struct ProblemLog {
    /// The first problem of each kind, in the order the kinds were met, and how many more.
    groups: Vec<(Problem, u64)>,
    /// Problems of kinds past [`MAX_KINDS_SHOWN`], by file.
    other: Vec<(String, u64)>,
}

impl ProblemLog {
    pub fn add(&mut self, p: Problem) {
        if let Some((_, more)) = self
            .groups
            .iter_mut()
            .find(|(g, _)| g.file == p.file && g.kind_key() == p.kind_key())
        {
            *more = more.saturating_add(1);
            return;
        }
        if self.groups.len() < MAX_KINDS_SHOWN {
            self.groups.push((p, 0));
            return;
        }
        match self.other.iter_mut().find(|(f, _)| *f == p.file) {
            Some((_, n)) => *n = n.saturating_add(1),
            None => self.other.push((p.file, 1)),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty() && self.other.is_empty()
    }

    /// Whether a line will name this file.
    pub fn names(&self, file: &str) -> bool {
        self.groups.iter().any(|(p, _)| p.file == file) || self.other.iter().any(|(f, _)| f == file)
    }

    /// One line per kind (without the `provlog: ` prefix), and empties the log.
    pub fn take_lines(&mut self) -> Vec<String> {
        let mut lines: Vec<String> = std::mem::take(&mut self.groups)
            .into_iter()
            .map(|(p, more)| match more {
                0 => p.to_string(),
                n => format!("{p} (and {n} more like it)"),
            })
            .collect();
        lines.extend(
            std::mem::take(&mut self.other)
                .into_iter()
                .map(|(file, n)| format!("{file}: {n} more problems of other kinds")),
        );
        lines
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.position {
            Some(p) => write!(f, "{}: {}: {}", self.file, p, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// One thing to read: a file, stdin, or the portal's three-CSV set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Stdin,
    File(PathBuf),
    PortalSet {
        events: PathBuf,
        steps: Option<PathBuf>,
        properties: Option<PathBuf>,
    },
}

impl Input {
    pub fn label(&self) -> String {
        match self {
            Input::Stdin => "<stdin>".to_owned(),
            Input::File(p) => p.display().to_string(),
            Input::PortalSet { events, .. } => events.display().to_string(),
        }
    }
}

/// The shape an input turned out to have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    JsonArray,
    GraphPages,
    JsonObject,
    Ndjson,
    DiagnosticNdjson,
    EventCsv,
    LogAnalyticsCsv,
    PortalCsvSet,
}

impl Format {
    pub fn describe(self) -> &'static str {
        match self {
            Format::JsonArray => "JSON array (portal download)",
            Format::GraphPages => "Graph API page(s)",
            Format::JsonObject => "single JSON event",
            Format::Ndjson => "NDJSON events",
            Format::DiagnosticNdjson => "Azure Monitor diagnostic NDJSON",
            Format::EventCsv => "CSV of events",
            Format::LogAnalyticsCsv => "Log Analytics CSV (AADProvisioningLogs)",
            Format::PortalCsvSet => "portal CSV set",
        }
    }
}

/// What reading one input gave.
#[derive(Debug, Clone)]
pub struct ReadOutcome {
    pub label: String,
    pub format: Option<Format>,
    pub encoding: Option<Encoding>,
    pub bytes: u64,
    /// The error that ended this input early (events before it were delivered).
    pub fatal: Option<Problem>,
    /// Notes that are not errors (a missing sibling file, say).
    pub notes: Vec<String>,
    /// Syntax read although it is not valid (trailing commas); each kind is also a note.
    pub tolerated: u64,
}

// ---------------------------------------------------------------------------------------
// Reading

/// A decoded input, or why it could not be opened.
type Opened = Result<(Box<dyn Read + Send>, Encoding), Problem>;

fn open(path: &Path) -> Opened {
    let label = path.display().to_string();
    let file = File::open(path).map_err(|e| Problem::whole(&label, io_text(&e)))?;
    source::decoded(file).map_err(|e| Problem::whole(&label, io_text(&e)))
}

fn open_bytes(label: &str, bytes: &[u8]) -> Opened {
    source::decoded(io::Cursor::new(bytes.to_vec())).map_err(|e| Problem::whole(label, io_text(&e)))
}

fn new_outcome(label: &str) -> ReadOutcome {
    ReadOutcome {
        label: label.to_owned(),
        format: None,
        encoding: None,
        bytes: 0,
        fatal: None,
        notes: Vec::new(),
        tolerated: 0,
    }
}

/// Reads one input to the end, delivering events to `sink`.
pub fn read(input: &Input, sink: &mut dyn EventSink) -> ReadOutcome {
    match input {
        Input::Stdin => {
            let label = input.label();
            let opened =
                source::decoded(io::stdin()).map_err(|e| Problem::whole(&label, io_text(&e)));
            read_opened(&label, opened, sink)
        }
        Input::File(p) => read_opened(&input.label(), open(p), sink),
        Input::PortalSet {
            events,
            steps,
            properties,
        } => {
            let part = |p: &Option<PathBuf>| p.as_ref().map(|p| (p.display().to_string(), open(p)));
            read_set(
                (input.label(), open(events)),
                part(steps),
                part(properties),
                sink,
            )
        }
    }
}

/// Reads one input like [`read`], a big JSON file on `threads` threads (see `split`).
pub fn read_parallel<S: split::Split>(input: &Input, sink: &mut S, threads: usize) -> ReadOutcome {
    if let Input::File(p) = input
        && let Some(outcome) = split::read_split(p, &input.label(), sink, threads)
    {
        return outcome;
    }
    read(input, sink)
}

/// Reads an export held in memory, with the same detection and readers as a file (for
/// tests and fuzzing, which need no file system).
pub fn read_bytes(label: &str, bytes: &[u8], sink: &mut dyn EventSink) -> ReadOutcome {
    read_opened(label, open_bytes(label, bytes), sink)
}

/// The portal's three CSV files held in memory: `(label, bytes)` for each.
pub fn read_set_bytes(
    events: (&str, &[u8]),
    steps: Option<(&str, &[u8])>,
    properties: Option<(&str, &[u8])>,
    sink: &mut dyn EventSink,
) -> ReadOutcome {
    let part = |p: Option<(&str, &[u8])>| p.map(|(l, b)| (l.to_owned(), open_bytes(l, b)));
    read_set(
        (events.0.to_owned(), open_bytes(events.0, events.1)),
        part(steps),
        part(properties),
        sink,
    )
}

fn read_opened(label: &str, opened: Opened, sink: &mut dyn EventSink) -> ReadOutcome {
    let mut outcome = new_outcome(label);
    let result = opened.and_then(|(r, enc)| {
        outcome.encoding = Some(enc);
        read_stream(r, label, sink, &mut outcome)
    });
    if let Err(p) = result {
        outcome.fatal = Some(p);
    }
    outcome
}

/// Detects JSON or CSV from the first byte that is not white space.
fn read_stream(
    r: Box<dyn Read + Send>,
    label: &str,
    sink: &mut dyn EventSink,
    outcome: &mut ReadOutcome,
) -> Result<(), Problem> {
    let mut chunks = Chunks::new(r, label);
    chunks
        .fill_at_least(1)
        .map_err(|e| Problem::whole(label, io_text(&e)))?;
    loop {
        let data = chunks.data();
        let ws = data
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\n' | b'\r' | b'\t'))
            .count();
        if ws < data.len() {
            break;
        }
        chunks.consume(ws);
        if !chunks
            .refill()
            .map_err(|e| Problem::whole(label, io_text(&e)))?
        {
            return Err(Problem::whole(label, "the file is empty"));
        }
    }
    let first = chunks
        .data()
        .iter()
        .copied()
        .find(|b| !b.is_ascii_whitespace());
    match first {
        Some(b'[' | b'{') => read_json_stream(chunks, label, sink, outcome),
        Some(0) => Err(Problem::at(
            label,
            &chunks.position_of(0),
            "binary data (a NUL byte), not a JSON or CSV export",
        )),
        _ => read_csv_stream(chunks, label, sink, outcome),
    }
}

struct JsonAdapter<'s> {
    sink: &'s mut dyn EventSink,
    label: String,
    events: u64,
    diagnostic: bool,
}

impl JsonSink for JsonAdapter<'_> {
    fn event(&mut self, mut ev: Box<RawEvent<'_>>, _record: u64, at: &dyn Fn() -> Position) {
        self.events += 1;
        if self.events == 1 {
            self.diagnostic = ev.envelope_time.is_some() || ev.result_type.is_some();
        }
        ev.check();
        if self.sink.seen(&ev) {
            let (event, damage) = normalize_with(&ev, self.sink.needs());
            if damage.fields() > 0 {
                let p = damage_problem(&self.label, &at(), event.change_id.as_deref(), damage);
                self.sink.damaged(p);
            }
            self.sink.selected(event, damage);
        } else if ev.unreadable_fields() > 0 {
            let damage = Damage {
                raw: ev.wrong_fields(),
                bad_fields: ev.bad_form(),
            };
            let p = damage_problem(&self.label, &at(), ev.change_id(), damage);
            self.sink.damaged(p);
        }
    }

    fn rejected(&mut self, _record: u64, pos: Position, why: String, kind: Option<&'static str>) {
        let mut p = Problem::at(&self.label, &pos, why);
        p.kind = kind;
        self.sink.rejected(p);
    }

    fn stop(&self) -> bool {
        self.sink.stop()
    }

    fn progress(&mut self, bytes: u64) {
        self.sink.progress(bytes);
    }
}

/// The message for an event kept with unreadable fields.
pub fn damage_problem(label: &str, pos: &Position, change_id: Option<&str>, d: Damage) -> Problem {
    let n = d.fields();
    Problem::at(
        label,
        pos,
        format!(
            "the event{} has {n} field{} of the wrong type or form; it is kept with {} empty",
            change_id
                .map(|c| format!(" with change id {c}"))
                .unwrap_or_default(),
            if n == 1 { "" } else { "s" },
            if n == 1 { "it" } else { "them" },
        ),
    )
    .of_kind("unreadable-fields")
}

fn read_json_stream(
    mut chunks: Chunks,
    label: &str,
    sink: &mut dyn EventSink,
    outcome: &mut ReadOutcome,
) -> Result<(), Problem> {
    let mut adapter = JsonAdapter {
        sink,
        label: label.to_owned(),
        events: 0,
        diagnostic: false,
    };
    let mut stats = json::JsonStats::default();
    let result = json::read_json(&mut chunks, &mut adapter, &mut stats);
    outcome.bytes = chunks.offset();
    let (diagnostic, events) = (adapter.diagnostic, adapter.events);
    conclude_json(outcome, label, &stats, diagnostic, events);
    result.map_err(|e| Problem::at(label, &e.pos, e.message))
}

/// Names the shape of a JSON input from what its reader saw, with the note on trailing
/// commas read as if they were not there.
fn conclude_json(
    outcome: &mut ReadOutcome,
    label: &str,
    stats: &json::JsonStats,
    diagnostic: bool,
    events: u64,
) {
    if let Some((pos, closer)) = stats.first_trailing_comma {
        let more = stats.trailing_commas.saturating_sub(1);
        let p = Problem::at(
            label,
            &pos,
            format!(
                "a trailing comma before '{}' is not valid JSON; it was read as if it were not there{}",
                char::from(closer),
                if more > 0 {
                    format!(" (and {more} more like it)")
                } else {
                    String::new()
                }
            ),
        );
        outcome.notes.push(p.to_string());
        outcome.tolerated = stats.trailing_commas;
    }
    outcome.format = Some(match (stats.first, stats.values, stats.line_delimited) {
        (b'[', _, _) => Format::JsonArray,
        (_, _, true) if diagnostic => Format::DiagnosticNdjson,
        (_, v, true) if v > 1 => Format::Ndjson,
        (_, v, _) if v > 1 || events > 1 => Format::GraphPages,
        _ => Format::JsonObject,
    });
}

fn read_csv_stream(
    chunks: Chunks,
    label: &str,
    sink: &mut dyn EventSink,
    outcome: &mut ReadOutcome,
) -> Result<(), Problem> {
    let mut rdr = csv::reader(chunks.into_reader());
    let headers = csv::read_headers(&mut rdr).map_err(|m| Problem::at_line(label, 1, m))?;
    let kind = csv::classify_headers(&headers).map_err(|m| Problem::at_line(label, 1, m))?;
    match kind {
        csv::CsvKind::Events => {
            let la = headers
                .iter()
                .any(|h| fields::normalize_header(h) == "timegenerated")
                || headers
                    .iter()
                    .any(|h| fields::normalize_header(h) == "provisioningstatusinfo");
            outcome.format = Some(if la {
                Format::LogAnalyticsCsv
            } else {
                Format::EventCsv
            });
            csv::read_events(&mut rdr, &headers, label, sink)?;
            Ok(())
        }
        csv::CsvKind::Steps | csv::CsvKind::Properties => Err(Problem::whole(
            label,
            format!(
                "this is the portal's {} file; name the ProvisioningLogs file (or the folder) so that the three files are read together",
                if kind == csv::CsvKind::Steps {
                    "ProvisioningSteps"
                } else {
                    "ModifiedProperties"
                }
            ),
        )),
    }
}

type CsvPart = (::csv::Reader<Box<dyn Read + Send>>, Vec<String>, String);

fn open_csv(label: &str, opened: Opened, want: csv::CsvKind) -> Result<CsvPart, Problem> {
    let (r, _) = opened?;
    let mut rdr = csv::reader(r);
    let headers = csv::read_headers(&mut rdr).map_err(|m| Problem::at_line(label, 1, m))?;
    let kind = csv::classify_headers(&headers).map_err(|m| Problem::at_line(label, 1, m))?;
    if kind != want {
        return Err(Problem::at_line(
            label,
            1,
            format!(
                "the headers are not those of a {} file: {}",
                match want {
                    csv::CsvKind::Events => "ProvisioningLogs",
                    csv::CsvKind::Steps => "ProvisioningSteps",
                    csv::CsvKind::Properties => "ModifiedProperties",
                },
                csv::headers_text(&headers)
            ),
        ));
    }
    Ok((rdr, headers, label.to_owned()))
}

/// The three-CSV set: each part is `(label, opened)`; the steps and properties files are
/// optional, and one that cannot be read is a note (the events are still read).
fn read_set(
    events: (String, Opened),
    steps: Option<(String, Opened)>,
    properties: Option<(String, Opened)>,
    sink: &mut dyn EventSink,
) -> ReadOutcome {
    let (ev_label, ev_opened) = events;
    let mut outcome = new_outcome(&ev_label);
    outcome.format = Some(Format::PortalCsvSet);
    if let Ok((_, enc)) = &ev_opened {
        outcome.encoding = Some(*enc);
    }
    let ev = match open_csv(&ev_label, ev_opened, csv::CsvKind::Events) {
        Ok(x) => x,
        Err(p) => {
            outcome.fatal = Some(p);
            return outcome;
        }
    };
    let mut part = |p: Option<(String, Opened)>, kind: csv::CsvKind, what: &str| match p {
        None => {
            outcome.notes.push(format!(
                "{ev_label}: no {what} file beside it; events are read without their {what}"
            ));
            None
        }
        Some((label, opened)) => match open_csv(&label, opened, kind) {
            Ok(x) => Some(x),
            Err(problem) => {
                outcome.notes.push(problem.to_string());
                None
            }
        },
    };
    let steps = part(steps, csv::CsvKind::Steps, "ProvisioningSteps");
    let properties = part(properties, csv::CsvKind::Properties, "ModifiedProperties");
    match csv::read_portal_set(
        csv::PortalSet {
            events: ev,
            steps,
            properties,
        },
        sink,
    ) {
        Ok(notes) => outcome.notes.extend(notes),
        Err(p) => outcome.fatal = Some(p),
    }
    outcome
}

pub(crate) fn io_text(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file or folder".to_owned(),
        io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        io::ErrorKind::IsADirectory => "is a folder, not a file".to_owned(),
        _ => {
            let s = e.to_string();
            match s.find(" (os error") {
                Some(i) => s[..i].to_owned(),
                None => s,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(file: &str, line: u64, message: &str) -> Problem {
        Problem::at_line(file, line, message)
    }

    #[test]
    fn problems_are_grouped_by_file_and_kind() {
        let mut log = ProblemLog::default();
        log.add(at("a.json", 1, "found a number, not a provisioning event"));
        log.add(at("a.json", 2, "found a string, not a provisioning event"));
        log.add(at("a.json", 3, "found a number, not a provisioning event"));
        log.add(at("b.json", 1, "found a number, not a provisioning event"));
        log.add(at("a.json", 4, "the row has 3 fields").of_kind("csv-row-width"));
        log.add(at("a.json", 5, "the row has 4 fields").of_kind("csv-row-width"));
        assert!(!log.is_empty());
        assert_eq!(
            log.take_lines(),
            [
                "a.json: line 1: found a number, not a provisioning event (and 1 more like it)",
                "a.json: line 2: found a string, not a provisioning event",
                "b.json: line 1: found a number, not a provisioning event",
                "a.json: line 4: the row has 3 fields (and 1 more like it)",
            ]
        );
        assert!(log.is_empty(), "taking the lines empties the log");
    }

    #[test]
    fn kinds_past_the_limit_are_counted_by_file() {
        let mut log = ProblemLog::default();
        for i in 0..MAX_KINDS_SHOWN as u64 + 3 {
            log.add(at("a.json", i + 1, &format!("problem {i}")));
        }
        log.add(at("a.json", 99, "problem 0"));
        let lines = log.take_lines();
        assert_eq!(lines.len(), MAX_KINDS_SHOWN + 1);
        assert_eq!(lines[0], "a.json: line 1: problem 0 (and 1 more like it)");
        assert_eq!(
            lines[MAX_KINDS_SHOWN],
            "a.json: 3 more problems of other kinds"
        );
    }
}
