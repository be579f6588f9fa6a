//! The JSON reader: portal arrays, Graph pages, single events and NDJSON, streamed.
//!
//! The parser is always handed a slice: serde_json is several times faster from a slice
//! than through a `Read`. Input arrives in large chunks; one top-level value (or one element
//! of a top-level array) is parsed at a time from the chunk, and a value cut by the end of a
//! chunk is moved to the front and completed by the next read. Only a chunk and the value
//! being parsed are ever in memory, whatever the file's size.
//!
//! JSON is read strictly, with one exception: a trailing comma before `]` or `}` (which
//! Microsoft's own Graph documentation samples have) is read as if it were not there, and
//! counted so that the caller can say where. It costs nothing until serde_json stops at
//! one: the value is then scanned once for every such comma, they are blanked out, and the
//! value is parsed again.

use super::raw::{Item, ItemSeed, Items, RawEvent};
use super::source::{Chunks, JsonError, Position};

/// What the JSON reader reports besides events.
pub trait JsonSink {
    /// One event. `at` gives its position (the start of the value holding it); it costs a
    /// scan of the buffer, so it is asked only to report a problem.
    fn event(&mut self, ev: Box<RawEvent<'_>>, record: u64, at: &dyn Fn() -> Position);
    /// A value that is not an event (counted as rejected, with what it was). `kind` names
    /// the kind of problem when `why` holds details that differ from record to record.
    fn rejected(&mut self, record: u64, pos: Position, why: String, kind: Option<&'static str>);
    /// True once no more events are wanted.
    fn stop(&self) -> bool;
    /// Bytes read so far, reported every megabyte or so.
    fn progress(&mut self, bytes: u64);
}

/// How often progress is reported.
const PROGRESS_EVERY: u64 = 1 << 20;

/// What the reader saw of the input's structure, to name its shape.
#[derive(Debug, Default, Clone, Copy)]
pub struct JsonStats {
    /// The first byte of the first top-level value: `[` or `{`.
    pub first: u8,
    /// Top-level values read.
    pub values: u64,
    /// Top-level values are separated by newlines (NDJSON).
    pub line_delimited: bool,
    /// Trailing commas (before `]` or `}`) read as if they were not there.
    pub trailing_commas: u64,
    /// The first of them, and the bracket it stood before.
    pub first_trailing_comma: Option<(Position, u8)>,
}

impl JsonStats {
    fn trailing_comma(&mut self, at: impl FnOnce() -> Position, closer: u8) {
        if self.first_trailing_comma.is_none() {
            self.first_trailing_comma = Some((at(), closer));
        }
        self.trailing_commas += 1;
    }
}

#[derive(Debug, Clone, Copy)]
enum State {
    Top,
    /// Inside the top-level array; `first` until the first element is read (and again
    /// after stopping at a limit: a value is next, with its comma already read).
    Array {
        first: bool,
    },
}

/// Where [`JsonRead::run`] stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// The end of the input.
    Eof,
    /// At the first value (an element of the top-level array, or an NDJSON line) that
    /// starts at or past the limit: `src.offset()` is its start.
    Limit,
}

/// Reads the top-level values of an input, possibly in parts: [`JsonRead::run`] stops at
/// a limit and goes on from there with another `Chunks` over the rest (see `split`).
#[derive(Debug, Clone)]
pub struct JsonRead {
    state: State,
    record: u64,
    next_report: u64,
    pub stats: JsonStats,
}

impl Default for JsonRead {
    fn default() -> Self {
        JsonRead {
            state: State::Top,
            record: 0,
            next_report: PROGRESS_EVERY,
            stats: JsonStats::default(),
        }
    }
}

impl JsonRead {
    /// A reader of the middle of a top-level array, at an element (its comma read).
    pub fn in_array() -> Self {
        JsonRead {
            state: State::Array { first: true },
            stats: JsonStats {
                first: b'[',
                ..JsonStats::default()
            },
            ..JsonRead::default()
        }
    }

    /// A reader of NDJSON from the start of a line.
    pub fn in_lines(src: &mut Chunks) -> Self {
        src.set_line_delimited();
        JsonRead {
            stats: JsonStats {
                first: b'{',
                line_delimited: true,
                ..JsonStats::default()
            },
            ..JsonRead::default()
        }
    }

    /// Reads values from `src` until its end, or (with `limit`) until a value that starts
    /// at or past that offset. Returns the first syntax error that could not be stepped
    /// over; events before it have been delivered. In NDJSON a broken line is reported
    /// through `sink.rejected` and reading goes on.
    pub fn run(
        &mut self,
        src: &mut Chunks,
        sink: &mut dyn JsonSink,
        limit: Option<u64>,
    ) -> Result<End, JsonError> {
        let stats = &mut self.stats;
        let record = &mut self.record;
        loop {
            if sink.stop() {
                return Ok(End::Eof);
            }
            if src.offset() >= self.next_report {
                sink.progress(src.offset());
                self.next_report = src.offset() + PROGRESS_EVERY;
            }
            if !skip_ws(src)? {
                return match self.state {
                    State::Top => Ok(End::Eof),
                    State::Array { .. } => Err(src.error_at(
                        0,
                        "expected ',' or ']' but the input ended (the file looks truncated)",
                    )),
                };
            }
            // skip_ws returned true: the buffer holds at least one byte.
            let c = src.data()[0];
            if stats.first == 0 {
                stats.first = c;
            }
            match self.state {
                State::Top if c == b'[' => {
                    src.consume(1);
                    self.state = State::Array { first: true };
                    continue;
                }
                State::Array { .. } if c == b']' => {
                    src.consume(1);
                    self.state = State::Top;
                    continue;
                }
                State::Array { first: false } => {
                    if c != b',' {
                        return Err(src.error_at(0, "expected ',' or ']' between array elements"));
                    }
                    // A trailing comma before the array's `]`: seen in the buffer in the
                    // common case; when white space runs past it, the comma's position is
                    // taken now (rarely), while it is still in the buffer.
                    let next = src.data()[1..]
                        .iter()
                        .find(|b| !matches!(b, b' ' | b'\n' | b'\r' | b'\t'));
                    let pos = next.is_none().then(|| src.position_of(0));
                    if next == Some(&b']') {
                        stats.trailing_comma(|| src.position_of(0), b']');
                        src.consume(1);
                        continue;
                    }
                    src.consume(1);
                    if !skip_ws(src)? {
                        return Err(src.error_at(
                            0,
                            "expected a value after ',' but the input ended (the file looks truncated)",
                        ));
                    }
                    if let Some(pos) = pos
                        && src.data()[0] == b']'
                    {
                        stats.trailing_comma(|| pos, b']');
                        continue;
                    }
                }
                _ => {}
            }
            let top_level = matches!(self.state, State::Top);
            if let Some(limit) = limit
                && src.offset() >= limit
                && (!top_level || src.line_delimited())
            {
                if !top_level {
                    self.state = State::Array { first: true };
                }
                return Ok(End::Limit);
            }
            if let State::Array { first } = &mut self.state {
                *first = false;
            }
            match parse_one(src, sink, record, stats) {
                Ok(()) if top_level => {
                    stats.values += 1;
                    if stats.values == 1 && newline_follows(src) {
                        src.set_line_delimited();
                        stats.line_delimited = true;
                    }
                }
                Ok(()) => {}
                Err(e) if top_level && src.line_delimited() => {
                    // One broken NDJSON line: report it and go on with the next line.
                    *record += 1;
                    let start = src.position_of(0);
                    let why = format!(
                        "this line is not a JSON object: {} at line {}, column {}",
                        e.message, e.pos.line, e.pos.column
                    );
                    sink.rejected(
                        *record,
                        Position {
                            line: start.line,
                            column: 0,
                        },
                        why,
                        Some("ndjson-line"),
                    );
                    if !src.skip_line() {
                        return Ok(End::Eof);
                    }
                }
                Err(e) => return Err(e),
            }
        }
    }
}

/// Reads every top-level value of `src`, sending events to `sink`. Returns the first
/// syntax error that could not be stepped over; events before it have been delivered.
/// In NDJSON a broken line is reported through `sink.rejected` and reading goes on.
pub fn read_json(
    src: &mut Chunks,
    sink: &mut dyn JsonSink,
    stats: &mut JsonStats,
) -> Result<(), JsonError> {
    let mut read = JsonRead::default();
    let result = read.run(src, sink, None);
    *stats = read.stats;
    result.map(|_| ())
}

/// Whether a newline comes before the next value (the first sign of NDJSON).
fn newline_follows(src: &mut Chunks) -> bool {
    if src.fill_at_least(2).is_err() {
        return false;
    }
    src.data()
        .iter()
        .find(|b| !matches!(b, b' ' | b'\t' | b'\r'))
        .is_some_and(|b| *b == b'\n')
}

/// Skips whitespace, refilling as needed. Returns false at the end of the input.
fn skip_ws(src: &mut Chunks) -> Result<bool, JsonError> {
    loop {
        let data = src.data();
        let n = data
            .iter()
            .position(|b| !matches!(b, b' ' | b'\n' | b'\r' | b'\t'))
            .unwrap_or(data.len());
        src.consume(n);
        if !src.data().is_empty() {
            return Ok(true);
        }
        if !src.refill().map_err(|e| src.io_error(e))? {
            return Ok(false);
        }
    }
}

/// Parses one value at the front of the buffer, reading more until it is complete.
fn parse_one(
    src: &mut Chunks,
    sink: &mut dyn JsonSink,
    record: &mut u64,
    stats: &mut JsonStats,
) -> Result<(), JsonError> {
    loop {
        // The fast path parses validated text; bytes that are not UTF-8 are handed to the
        // parser as bytes so that it reports where they are.
        let result = if src.has_invalid() {
            let mut stream =
                serde_json::Deserializer::from_slice(src.data()).into_iter::<Items<'_>>();
            stream
                .next()
                .map(|r| r.map(|items| (items, stream.byte_offset())))
        } else {
            let mut stream =
                serde_json::Deserializer::from_str(src.text()).into_iter::<Items<'_>>();
            stream
                .next()
                .map(|r| r.map(|items| (items, stream.byte_offset())))
        };
        // What was parsed, for locating an error in it.
        let parsed: &[u8] = if src.has_invalid() {
            src.data()
        } else {
            src.text().as_bytes()
        };
        match result {
            Some(Ok((items, used))) => {
                items.for_each(|item| {
                    *record += 1;
                    match item {
                        Item::Event(ev) => sink.event(ev, *record, &|| src.position_of(0)),
                        Item::NotAnEvent(what) => sink.rejected(
                            *record,
                            src.position_of(0),
                            format!("found {what}, not a provisioning event"),
                            None,
                        ),
                    }
                });
                src.consume(used);
                return Ok(());
            }
            Some(Err(e)) if !src.at_eof() && (e.is_eof() || at_end(parsed, &e)) => {
                // The value runs past the end of the buffer: read more and parse it again.
                // At least double what is held, so that a huge value arriving in small reads
                // is parsed a few times, not once per read.
                let held = src.data().len();
                src.fill_at_least(held.saturating_mul(2).max(held + 1))
                    .map_err(|e| src.io_error(e))?;
            }
            Some(Err(e)) if e.is_eof() && !src.fully_valid() && !src.has_invalid() => {
                // The input ended inside a character: what is left is not UTF-8.
                return Err(src.error_at(src.text().len(), "the text is not valid UTF-8"));
            }
            Some(Err(e)) => {
                // serde_json stopped at a `]` or `}` after a comma: blank out every trailing
                // comma of this value (not only this one, so that a value with many is
                // parsed twice, not once per comma), and parse it again.
                let commas = if at_trailing_comma(parsed, &e) {
                    trailing_commas(parsed)
                } else {
                    Vec::new()
                };
                if let Some(&(first, closer)) = commas.first() {
                    stats.trailing_comma(|| src.position_of(first), closer);
                    stats.trailing_commas += commas.len() as u64 - 1;
                    src.blank_commas(commas.iter().map(|(at, _)| *at));
                    continue;
                }
                salvage(src, sink, record);
                return Err(syntax(src, &e, e.is_eof()));
            }
            // Nothing to parse in `text()`, yet bytes are left: a character cut by the end
            // of what was read. Read on; at the end of the input, it is not UTF-8.
            None if !src.fully_valid() => {
                if src.at_eof() || !src.refill().map_err(|e| src.io_error(e))? {
                    return Err(src.error_at(src.text().len(), "the text is not valid UTF-8"));
                }
            }
            None => return Ok(()),
        }
    }
}

/// Whether an error is at the last byte of the buffer. serde_json reports a number cut
/// after its `.`, `e` or sign as an invalid number, not as the end of input; when the
/// buffer ends there, the number may well go on in the next read.
fn at_end(data: &[u8], e: &serde_json::Error) -> bool {
    match line_start(data, e.line()) {
        Some(start) => start + e.column() >= data.len(),
        None => true,
    }
}

/// Where line `line` (1-based) of `data` starts; `None` when `data` has fewer lines.
fn line_start(data: &[u8], line: usize) -> Option<usize> {
    if line <= 1 {
        Some(0)
    } else {
        memchr::memchr_iter(b'\n', data)
            .nth(line - 2)
            .map(|i| i + 1)
    }
}

/// The offset in `data` of the byte an error is reported at (serde_json gives a line and
/// a 1-based column); `None` when the line is past the data.
fn error_offset(data: &[u8], e: &serde_json::Error) -> Option<usize> {
    Some((line_start(data, e.line())? + e.column()).saturating_sub(1))
}

/// Whether a syntax error is at a `]` or `}` that follows a comma (white space aside).
/// serde_json says "trailing comma", "expected value" or "key must be a string" there,
/// depending on whether it was reading the value or skipping it.
fn at_trailing_comma(data: &[u8], e: &serde_json::Error) -> bool {
    if !e.is_syntax() {
        return false;
    }
    let Some(at) = error_offset(data, e) else {
        return false;
    };
    matches!(data.get(at), Some(b']' | b'}'))
        && data[..at]
            .iter()
            .rev()
            .find(|b| !matches!(b, b' ' | b'\n' | b'\r' | b'\t'))
            == Some(&b',')
}

/// The trailing commas of the value at the start of `data`: each comma (outside strings)
/// that follows a value and that white space alone separates from the bracket closing its
/// array or object, with that bracket. Stops at the end of the value, or of `data` when
/// the value goes on.
fn trailing_commas(data: &[u8]) -> Vec<(usize, u8)> {
    let mut found = Vec::new();
    let mut open: Vec<u8> = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    // The last byte outside strings and white space (a string counts as its `"`).
    let mut last = 0u8;
    // A comma after a value, not yet followed by anything but white space.
    let mut pending: Option<usize> = None;
    for (i, &b) in data.iter().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b' ' | b'\n' | b'\r' | b'\t' => continue,
            b'[' => open.push(b']'),
            b'{' => open.push(b'}'),
            b']' | b'}' => {
                if open.last() != Some(&b) {
                    // Mismatched: serde_json reports it; nothing here to forgive.
                    break;
                }
                open.pop();
                if let Some(at) = pending {
                    found.push((at, b));
                }
            }
            b'"' => in_string = true,
            _ => {}
        }
        // A comma after `[`, `{`, `:` or another comma follows no value: not trailing.
        pending = (b == b',' && !matches!(last, b'[' | b'{' | b':' | b',')).then_some(i);
        last = b;
        if open.is_empty() {
            // The value ended (or was a scalar, with no brackets to close).
            break;
        }
    }
    found
}

/// A value that cannot be completed (cut by the end of the file, or broken further on) may
/// still hold whole events: a Graph page cut after its 900th event. They are delivered
/// before the error is reported, so that the error costs only what it must. An event that
/// is itself cut is not delivered: its fields are not all known.
fn salvage(src: &Chunks, sink: &mut dyn JsonSink, record: &mut u64) {
    let data = src.data();
    let mut items = Items::default();
    let mut de = serde_json::Deserializer::from_slice(data);
    // The error is the one already being reported.
    let _ = serde::de::DeserializeSeed::deserialize(ItemSeed { sink: &mut items }, &mut de);
    items.for_each(|item| {
        *record += 1;
        match item {
            Item::Event(ev) => sink.event(ev, *record, &|| src.position_of(0)),
            Item::NotAnEvent(what) => sink.rejected(
                *record,
                src.position_of(0),
                format!("found {what}, not a provisioning event"),
                None,
            ),
        }
    });
}

fn syntax(src: &Chunks, e: &serde_json::Error, eof: bool) -> JsonError {
    let pos = src.position_in_value(e.line() as u64, e.column() as u64);
    let mut message = strip_position(&e.to_string());
    // serde_json's words for bytes that are not UTF-8 inside a string.
    if message == "invalid unicode code point" {
        message =
            "a string is not valid UTF-8 (was the file saved in another encoding?)".to_owned();
    }
    if eof {
        message.push_str(" (the file looks truncated)");
    }
    JsonError { pos, message }
}

/// serde_json appends " at line L column C" to its messages; ours carry the position in
/// the file instead.
fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_owned(),
        None => msg.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_commas_are_found_outside_strings_only() {
        let commas = |s: &str| -> Vec<(usize, char)> {
            trailing_commas(s.as_bytes())
                .into_iter()
                .map(|(i, b)| (i, b as char))
                .collect()
        };
        assert_eq!(commas("[1,2,]"), [(4, ']')]);
        assert_eq!(commas("{\"a\":1 ,\n }"), [(7, '}')]);
        assert_eq!(
            commas("{\"a\":[{\"b\":\",}\",},],}"),
            [(15, '}'), (17, ']'), (19, '}')]
        );
        assert_eq!(commas("[\"\\\",]\",]"), [(7, ']')], "an escaped quote");
        assert!(commas("[1,2]").is_empty());
        assert!(
            commas("[,]").is_empty(),
            "a comma after no value is not forgiven"
        );
        assert!(
            commas("{\"a\":1,]").is_empty(),
            "nor one before a mismatched bracket"
        );
        assert!(commas("12,]").is_empty(), "nor anything after a scalar");
        // The scan ends with the value: a later value's commas are its own business.
        assert_eq!(commas("[1,] [2,]"), [(2, ']')]);
        // A value cut by the end of the buffer: the commas before the cut.
        assert_eq!(commas("[[1,],[2,"), [(3, ']')]);
    }

    #[test]
    fn error_offsets_follow_lines() {
        let data = b"[1,\n  2,\n]";
        let e = serde_json::from_slice::<serde_json::Value>(data).expect_err("trailing comma");
        assert_eq!(error_offset(data, &e), Some(9));
        assert!(at_trailing_comma(data, &e));
        let data = b"[1 2]";
        let e = serde_json::from_slice::<serde_json::Value>(data).expect_err("no comma");
        assert!(!at_trailing_comma(data, &e));
    }
}
