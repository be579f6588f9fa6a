//! Bytes in, events out: finds the inputs, detects each one's shape from its content, and
//! runs the reader for it. Readers never see the catalog or the output.

pub mod console;
pub mod csv;
pub mod decode;
pub mod fields;
pub mod json;
pub mod normalize;
pub mod raw;
pub mod source;

use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use self::json::{JsonSink, Position};
use self::normalize::{Damage, normalize};
use self::raw::RawEvent;
use self::source::{Chunks, Encoding};
use crate::event::Event;

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
    /// True once the consumer wants no more (its output was closed).
    fn stop(&self) -> bool {
        false
    }
    /// How many bytes of the current input have been read (for a progress bar); called
    /// now and then, not for every event.
    fn progress(&mut self, _bytes: u64) {}
}

/// A problem with one record or one file: where it is and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    pub position: Option<String>,
    pub message: String,
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
        }
    }

    pub fn at_line(file: &str, line: u64, message: impl Into<String>) -> Problem {
        Problem {
            file: file.to_owned(),
            position: Some(format!("line {line}")),
            message: message.into(),
        }
    }

    pub fn whole(file: &str, message: impl Into<String>) -> Problem {
        Problem {
            file: file.to_owned(),
            position: None,
            message: message.into(),
        }
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
}

// ---------------------------------------------------------------------------------------
// Finding inputs

/// The size of an input in bytes, when it is known (not for stdin).
pub fn size_of(input: &Input) -> Option<u64> {
    let len = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    match input {
        Input::Stdin => None,
        Input::File(p) => Some(len(p)),
        Input::PortalSet {
            events,
            steps,
            properties,
        } => Some(
            len(events) + steps.as_deref().map_or(0, len) + properties.as_deref().map_or(0, len),
        ),
    }
}

/// Expands the command line's paths: `-` is stdin, a folder stands for the exports in it,
/// and a file of the portal's CSV set brings its siblings.
pub fn expand(paths: &[PathBuf]) -> Vec<Result<Input, Problem>> {
    let mut out = Vec::new();
    let mut seen_sets: Vec<PathBuf> = Vec::new();
    let mut push = |item: Result<Input, Problem>, out: &mut Vec<_>| {
        if let Ok(Input::PortalSet { events, .. }) = &item {
            if seen_sets.contains(events) {
                return;
            }
            seen_sets.push(events.clone());
        }
        out.push(item);
    };
    if paths.is_empty() {
        out.push(Ok(Input::Stdin));
        return out;
    }
    for p in paths {
        if p.as_os_str() == "-" {
            push(Ok(Input::Stdin), &mut out);
            continue;
        }
        let label = p.display().to_string();
        match std::fs::metadata(p) {
            Err(e) => push(Err(Problem::whole(&label, io_text(&e))), &mut out),
            Ok(m) if m.is_dir() => match std::fs::read_dir(p) {
                Err(e) => push(Err(Problem::whole(&label, io_text(&e))), &mut out),
                Ok(entries) => {
                    let mut files: Vec<PathBuf> = entries
                        .filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|f| f.is_file())
                        .filter(|f| {
                            let name = file_name(f);
                            !name.starts_with('.')
                                && [".json", ".ndjson", ".jsonl", ".csv", ".txt", ".log"]
                                    .iter()
                                    .any(|ext| name.ends_with(ext))
                        })
                        .collect();
                    files.sort();
                    if files.is_empty() {
                        push(
                            Err(Problem::whole(&label, "the folder holds no export files")),
                            &mut out,
                        );
                    }
                    for f in files {
                        push(Ok(single(&f)), &mut out);
                    }
                }
            },
            Ok(_) => push(Ok(single(p)), &mut out),
        }
    }
    out
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

#[derive(PartialEq)]
enum Role {
    Events,
    Steps,
    Properties,
}

/// The role a file name has in the portal's set, and the suffix that pairs it with its
/// siblings (`_2026-11-25.csv`, ` (1).csv`).
fn set_role(p: &Path) -> Option<(Role, String)> {
    let name = file_name(p);
    let rest = name.strip_prefix("provisioninglogs")?;
    if !rest.ends_with(".csv") {
        return None;
    }
    for (token, role) in [
        ("_provisioningsteps", Role::Steps),
        ("_modifiedproperties", Role::Properties),
    ] {
        if let Some(suffix) = rest.strip_prefix(token) {
            return Some((role, suffix.to_owned()));
        }
    }
    Some((Role::Events, rest.to_owned()))
}

fn single(p: &Path) -> Input {
    let Some((_, suffix)) = set_role(p) else {
        return Input::File(p.to_path_buf());
    };
    let dir = p.parent().unwrap_or(Path::new("."));
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let mut events = None;
    let mut steps = None;
    let mut properties = None;
    if let Ok(entries) = std::fs::read_dir(dir) {
        let mut siblings: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        siblings.sort();
        for s in siblings {
            match set_role(&s) {
                Some((Role::Events, x)) if x == suffix => events = Some(s),
                Some((Role::Steps, x)) if x == suffix => steps = Some(s),
                Some((Role::Properties, x)) if x == suffix => properties = Some(s),
                _ => {}
            }
        }
    }
    let named_events = matches!(set_role(p), Some((Role::Events, _)));
    let events = if named_events {
        p.to_path_buf()
    } else {
        match events {
            Some(e) => e,
            // A steps or properties file alone: read it, and let detection say what it is.
            None => return Input::File(p.to_path_buf()),
        }
    };
    // Keep the path as the user wrote it for the named file.
    let keep = |s: Option<PathBuf>| {
        s.map(|s| {
            if s.file_name() == p.file_name() {
                p.to_path_buf()
            } else {
                s
            }
        })
    };
    Input::PortalSet {
        events: if named_events {
            p.to_path_buf()
        } else {
            events
        },
        steps: keep(steps),
        properties: keep(properties),
    }
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

// ---------------------------------------------------------------------------------------
// Reading

fn open(path: &Path) -> Result<(Box<dyn Read + Send>, Encoding), Problem> {
    let label = path.display().to_string();
    let file = File::open(path).map_err(|e| Problem::whole(&label, io_text(&e)))?;
    source::decoded(file).map_err(|e| Problem::whole(&label, io_text(&e)))
}

/// Reads one input to the end, delivering events to `sink`.
pub fn read(input: &Input, sink: &mut dyn EventSink) -> ReadOutcome {
    let label = input.label();
    let mut outcome = ReadOutcome {
        label: label.clone(),
        format: None,
        encoding: None,
        bytes: 0,
        fatal: None,
        notes: Vec::new(),
    };
    let result = match input {
        Input::Stdin => source::decoded(io::stdin())
            .map_err(|e| Problem::whole(&label, io_text(&e)))
            .and_then(|(r, enc)| {
                outcome.encoding = Some(enc);
                read_stream(r, &label, sink, &mut outcome)
            }),
        Input::File(p) => open(p).and_then(|(r, enc)| {
            outcome.encoding = Some(enc);
            read_stream(r, &label, sink, &mut outcome)
        }),
        Input::PortalSet {
            events,
            steps,
            properties,
        } => read_set(
            events,
            steps.as_deref(),
            properties.as_deref(),
            sink,
            &mut outcome,
        ),
    };
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
    fn event(&mut self, ev: Box<RawEvent<'_>>, _record: u64) {
        self.events += 1;
        if self.events == 1 {
            self.diagnostic = ev.envelope_time.is_some() || ev.result_type.is_some();
        }
        if self.sink.seen(&ev) {
            let (event, damage) = normalize(&ev);
            self.sink.selected(event, damage);
        }
    }

    fn rejected(&mut self, _record: u64, pos: Position, why: String) {
        self.sink.rejected(Problem::at(&self.label, &pos, why));
    }

    fn stop(&self) -> bool {
        self.sink.stop()
    }

    fn progress(&mut self, bytes: u64) {
        self.sink.progress(bytes);
    }
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
    outcome.format = Some(match (stats.first, stats.values, stats.line_delimited) {
        (b'[', _, _) => Format::JsonArray,
        (_, _, true) if adapter.diagnostic => Format::DiagnosticNdjson,
        (_, v, true) if v > 1 => Format::Ndjson,
        (_, v, _) if v > 1 || adapter.events > 1 => Format::GraphPages,
        _ => Format::JsonObject,
    });
    result.map_err(|e| Problem::at(label, &e.pos, e.message))
}

fn read_csv_stream(
    chunks: Chunks,
    label: &str,
    sink: &mut dyn EventSink,
    outcome: &mut ReadOutcome,
) -> Result<(), Problem> {
    let mut rdr = csv::reader(Box::new(chunks.into_reader()) as Box<dyn Read + Send>);
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

fn open_csv(path: &Path, want: csv::CsvKind) -> Result<CsvPart, Problem> {
    let label = path.display().to_string();
    let (r, _) = open(path)?;
    let mut rdr = csv::reader(r);
    let headers = csv::read_headers(&mut rdr).map_err(|m| Problem::at_line(&label, 1, m))?;
    let kind = csv::classify_headers(&headers).map_err(|m| Problem::at_line(&label, 1, m))?;
    if kind != want {
        return Err(Problem::at_line(
            &label,
            1,
            format!(
                "the headers are not those of a {:?} file: {}",
                want,
                headers.join(", ")
            ),
        ));
    }
    Ok((rdr, headers, label))
}

fn read_set(
    events: &Path,
    steps: Option<&Path>,
    properties: Option<&Path>,
    sink: &mut dyn EventSink,
    outcome: &mut ReadOutcome,
) -> Result<(), Problem> {
    outcome.format = Some(Format::PortalCsvSet);
    let (ev_rdr, ev_headers, ev_label) = {
        let label = events.display().to_string();
        let (r, enc) = open(events)?;
        outcome.encoding = Some(enc);
        let mut rdr = csv::reader(r);
        let headers = csv::read_headers(&mut rdr).map_err(|m| Problem::at_line(&label, 1, m))?;
        let kind = csv::classify_headers(&headers).map_err(|m| Problem::at_line(&label, 1, m))?;
        if kind != csv::CsvKind::Events {
            return Err(Problem::at_line(
                &label,
                1,
                format!(
                    "the headers are not those of a ProvisioningLogs file: {}",
                    headers.join(", ")
                ),
            ));
        }
        (rdr, headers, label)
    };
    let mut part = |p: Option<&Path>, kind: csv::CsvKind, what: &str| -> Option<CsvPart> {
        match p {
            None => {
                outcome.notes.push(format!(
                    "{}: no {what} file beside it; events are read without their {what}",
                    events.display()
                ));
                None
            }
            Some(p) => match open_csv(p, kind) {
                Ok(x) => Some(x),
                Err(problem) => {
                    outcome.notes.push(problem.to_string());
                    None
                }
            },
        }
    };
    let steps = part(steps, csv::CsvKind::Steps, "ProvisioningSteps");
    let properties = part(properties, csv::CsvKind::Properties, "ModifiedProperties");
    csv::read_portal_set(
        csv::PortalSet {
            events: (ev_rdr, ev_headers, ev_label),
            steps,
            properties,
        },
        sink,
    )?;
    Ok(())
}
