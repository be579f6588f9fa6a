//! One big JSON file read on several threads: the top-level array (or the NDJSON lines)
//! is cut into blocks of a few megabytes, each thread parses whole blocks into a part of
//! the sink of its own ([`Split::part`]), and the parts are joined in the file's order
//! ([`Split::join`]), so that what the sink ends up with is what one thread reading the
//! whole file would have given it.
//!
//! A thread starting a block in the middle of the array does not know where an element
//! begins: it guesses (an `{` after `},` that parses as a run of elements), and the guess
//! is checked when the blocks are joined. The block before ends exactly at the first
//! element that starts at or past the cut (see `JsonRead::run`'s limit), and a block is
//! joined only when it began exactly there. A block that began elsewhere, or that met
//! anything needing a position in the file (a record that is not an event, a damaged
//! event, a trailing comma, a syntax error), is read again on the joining thread, from the
//! true start, with the line and column known there: positions and messages are then
//! those of the one-thread reader by construction.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Condvar, Mutex};

use serde::de::IgnoredAny;

use super::json::{End, JsonRead};
use super::normalize::{Damage, Need};
use super::raw::RawEvent;
use super::source::{Chunks, Encoding, JsonError, Position, advance};
use super::{EventSink, JsonAdapter, Problem, ReadOutcome, conclude_json, new_outcome};
use crate::event::Event;

/// A sink that can be cut into parts, one per block, filled on other threads.
pub trait Split: EventSink {
    type Parts: Parts;
    /// What makes empty parts, on any thread.
    fn parts(&self) -> Self::Parts;
    /// Takes in a part's events; parts are joined in the order of the file.
    fn join(&mut self, part: PartOf<Self>);
}

/// Makes the empty parts of a [`Split`] sink.
pub trait Parts: Sync {
    type Part: EventSink + Send;
    fn make(&self) -> Self::Part;
}

pub type PartOf<S> = <<S as Split>::Parts as Parts>::Part;

/// The size of a block: large enough that guessing its start and joining it cost nothing
/// next to parsing it, small enough that the blocks in flight stay a few megabytes.
const BLOCK: u64 = 2 << 20;

/// Blocks parsed ahead of the one being joined, per thread.
const AHEAD_PER_THREAD: usize = 2;

/// How far a guessed start is checked: the elements parsed from it must cover this much.
const CHECK: usize = 16 << 10;

/// How far into a block a start is looked for.
const SEARCH: usize = 1 << 20;

/// The block size: [`BLOCK`], or `PROVLOG_SPLIT_BLOCK` bytes (for tests, which need
/// many blocks from small files).
fn block_size() -> u64 {
    std::env::var("PROVLOG_SPLIT_BLOCK")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|&b| b >= 64)
        .unwrap_or(BLOCK)
}

/// Reads a file on `threads` threads when it is big enough and JSON in UTF-8; `None` when
/// it is not (the caller reads it on one thread), before anything was delivered.
pub fn read_split<S: Split>(
    path: &Path,
    label: &str,
    sink: &mut S,
    threads: usize,
) -> Option<ReadOutcome> {
    let block = block_size();
    let file = File::open(path).ok()?;
    let meta = file.metadata().ok()?;
    let size = meta.len();
    if threads < 2 || !meta.is_file() || size < 2 * block {
        return None;
    }
    let file = Arc::new(file);
    let mut head = [0u8; 64];
    let n = read_at(&file, &mut head, 0).ok()?;
    let head = &head[..n];
    // UTF-16 is transcoded, so file offsets are not text offsets: read on one thread.
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) || head.contains(&0) {
        return None;
    }
    let mut base = 0;
    while head[base..].starts_with(UTF8_BOM) {
        base += UTF8_BOM.len();
    }
    let first = head[base..]
        .iter()
        .find(|b| !matches!(b, b' ' | b'\n' | b'\r' | b'\t'))?;
    if !matches!(first, b'[' | b'{') {
        return None;
    }
    let mut outcome = new_outcome(label);
    outcome.encoding = Some(if base > 0 {
        Encoding::Utf8Bom
    } else {
        Encoding::Utf8
    });
    let mut joiner = Joiner {
        file,
        label,
        size,
        base: base as u64,
        block,
        read: JsonRead::default(),
        diagnostic: false,
        events: 0,
    };
    let result = joiner.run(sink, threads);
    outcome.bytes = joiner.end_offset(&result);
    let fatal = result.err();
    conclude_json(
        &mut outcome,
        label,
        &joiner.read.stats,
        joiner.diagnostic,
        joiner.events,
    );
    if let Some(e) = fatal {
        outcome.fatal = Some(Problem::at(label, &e.pos, e.message));
    }
    Some(outcome)
}

const UTF8_BOM: &[u8] = &[0xEF, 0xBB, 0xBF];

/// A place in the file: a byte offset, and the line and column (0-based) there.
#[derive(Debug, Clone, Copy)]
struct Mark {
    offset: u64,
    lc: (u64, u64),
}

/// The joining side: reads the head and every block that cannot be joined as parsed.
struct Joiner<'l> {
    file: Arc<File>,
    label: &'l str,
    size: u64,
    /// Where the text starts (after byte-order marks).
    base: u64,
    block: u64,
    /// The reader of the whole file, as the one thread would have had it.
    read: JsonRead,
    diagnostic: bool,
    events: u64,
}

/// How a block ended when read by itself.
struct Parsed<P> {
    start: u64,
    part: P,
    /// Where it stopped (the next element's start); `None` at the end of the input.
    /// Lines are not counted: only a block read again needs to know where it starts.
    end: Option<u64>,
    values: u64,
    /// Nothing in it needs a position in the file, and it was read to its end.
    clean: bool,
}

/// The blocks' shared schedule: which is next to parse, how many are joined.
#[derive(Default)]
struct Schedule {
    next: usize,
    joined: usize,
    stop: bool,
}

impl Joiner<'_> {
    /// The offset reached, for the outcome (text bytes: without byte-order marks).
    fn end_offset(&self, result: &Result<u64, JsonError>) -> u64 {
        match result {
            Ok(at) => at.saturating_sub(self.base),
            Err(_) => self.size.saturating_sub(self.base),
        }
    }

    fn chunks_at(&self, at: u64, lc: (u64, u64), first: u64) -> Chunks {
        let reader = At {
            file: Arc::clone(&self.file),
            pos: at,
        };
        let first = usize::try_from(first).unwrap_or(usize::MAX).min(1 << 30);
        Chunks::at(
            Box::new(reader),
            self.label,
            at - self.base,
            Some(lc),
            first,
            None,
        )
    }

    /// Reads from `at` (at line and column `lc`) into `sink`, up to `limit`, with the one
    /// reader of the whole file. Returns where it stopped: `None` at the end.
    fn read_here(
        &mut self,
        sink: &mut dyn EventSink,
        at: u64,
        lc: (u64, u64),
        limit: Option<u64>,
    ) -> Result<Option<Mark>, JsonError> {
        let first = limit.map_or(super::source::CHUNK as u64, |l| l.saturating_sub(at)) + 65536;
        let mut chunks = self.chunks_at(at, lc, first);
        if self.read.stats.line_delimited {
            chunks.set_line_delimited();
        }
        let mut adapter = JsonAdapter {
            sink,
            label: self.label.to_owned(),
            events: self.events,
            diagnostic: self.diagnostic,
        };
        let result = self
            .read
            .run(&mut chunks, &mut adapter, limit.map(|l| l - self.base));
        self.events = adapter.events;
        self.diagnostic = adapter.diagnostic;
        match result {
            Ok(End::Limit) => Ok(Some(Mark {
                offset: chunks.offset() + self.base,
                lc: chunks.line_col(),
            })),
            Ok(End::Eof) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Reads the file; returns the offset reached.
    fn run<S: Split>(&mut self, sink: &mut S, threads: usize) -> Result<u64, JsonError> {
        // The head, on this thread: it tells the shape, and where the first cut falls.
        let first_cut = self.base + self.block;
        let Some(Mark { offset: start, lc }) =
            self.read_here(sink, self.base, (1, 0), Some(first_cut))?
        else {
            return Ok(self.size);
        };
        if sink.stop() {
            return Ok(start);
        }
        let lines = self.read.stats.line_delimited;
        let blocks = usize::try_from((self.size - start).div_ceil(self.block)).unwrap_or(1);
        let block = self.block;
        let cut = move |j: usize| start + block * j as u64;
        let limit = move |j: usize| (j + 1 < blocks).then(|| cut(j + 1));
        let schedule = Mutex::new(Schedule::default());
        let wake = Condvar::new();
        let stop = AtomicBool::new(false);
        let ahead = AHEAD_PER_THREAD * threads;
        let parts = sink.parts();
        let (tx, rx) = channel::<(usize, Parsed<PartOf<S>>)>();
        let (file, label, size, base) = (Arc::clone(&self.file), self.label, self.size, self.base);
        std::thread::scope(|scope| {
            for _ in 0..threads {
                let tx = tx.clone();
                let (schedule, wake, stop, parts, file) =
                    (&schedule, &wake, &stop, &parts, Arc::clone(&file));
                scope.spawn(move || {
                    let blocks_reader = Blocks {
                        file,
                        label,
                        size,
                        base,
                        lines,
                        stop,
                    };
                    let mut spare = None;
                    while let Some(j) = claim(schedule, wake, blocks, ahead) {
                        let parsed =
                            blocks_reader.parse(parts.make(), j == 0, cut(j), limit(j), &mut spare);
                        if tx.send((j, parsed)).is_err() {
                            return;
                        }
                    }
                });
            }
            drop(tx);
            let start = Mark { offset: start, lc };
            let result = self.join_blocks(sink, &rx, blocks, start, limit, &schedule, &wake);
            // Whatever ended the joining, the threads stop: their blocks are not wanted.
            stop.store(true, Ordering::Relaxed);
            if let Ok(mut s) = schedule.lock() {
                s.stop = true;
            }
            wake.notify_all();
            drop(rx);
            result
        })
    }

    /// Joins the blocks in order, reading again those that cannot be joined as parsed.
    #[allow(clippy::too_many_arguments)]
    fn join_blocks<S: Split>(
        &mut self,
        sink: &mut S,
        rx: &Receiver<(usize, Parsed<PartOf<S>>)>,
        blocks: usize,
        start: Mark,
        limit: impl Fn(usize) -> Option<u64>,
        schedule: &Mutex<Schedule>,
        wake: &Condvar,
    ) -> Result<u64, JsonError> {
        let mut pending = BTreeMap::new();
        // Where the next block starts, and the last place whose line is known.
        let mut at = start.offset;
        let mut known = start;
        for j in 0..blocks {
            let parsed = loop {
                if let Some(p) = pending.remove(&j) {
                    break Some(p);
                }
                match rx.recv() {
                    Ok((k, p)) => {
                        pending.insert(k, p);
                    }
                    Err(_) => break None,
                }
            };
            if let Ok(mut s) = schedule.lock() {
                s.joined = j + 1;
            }
            wake.notify_all();
            let lim = limit(j);
            if lim.is_some_and(|l| at >= l) {
                // An element that began in an earlier block ran past this one.
                continue;
            }
            let next = match parsed {
                Some(p) if p.clean && p.start == at => {
                    sink.join(p.part);
                    self.read.stats.values += p.values;
                    p.end
                }
                // Read again into the sink itself: the problems it meets are then
                // counted and grouped in order with the others, at their positions.
                _ => {
                    known = self.mark_at(known, at).map_err(|e| JsonError {
                        pos: Position {
                            line: known.lc.0,
                            column: known.lc.1 + 1,
                        },
                        message: format!("read failed: {e}"),
                    })?;
                    let end = self.read_here(sink, at, known.lc, lim)?;
                    if let Some(end) = end {
                        known = end;
                    }
                    end.map(|m| m.offset)
                }
            };
            let Some(next) = next else {
                return Ok(self.size);
            };
            at = next;
            sink.progress(at - self.base);
            if sink.stop() {
                return Ok(at);
            }
        }
        Ok(at)
    }

    /// The line and column at `offset`, counted on from `known` (before it).
    fn mark_at(&self, known: Mark, offset: u64) -> io::Result<Mark> {
        let mut lc = known.lc;
        let mut buf = vec![0u8; 1 << 20];
        let mut pos = known.offset;
        while pos < offset {
            let want = usize::try_from(offset - pos).map_or(buf.len(), |n| n.min(buf.len()));
            let n = read_at(&self.file, &mut buf[..want], pos)?;
            if n == 0 {
                break;
            }
            lc = advance(lc.0, lc.1, &buf[..n]);
            pos += n as u64;
        }
        Ok(Mark { offset, lc })
    }
}

/// Reads a file from an offset without moving a shared position.
struct At {
    file: Arc<File>,
    pos: u64,
}

impl Read for At {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = read_at(&self.file, buf, self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], at: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, at)
}

#[cfg(windows)]
fn read_at(file: &File, buf: &mut [u8], at: u64) -> io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, at)
}

/// The next block for a thread to parse, once it is not too far ahead of the joining;
/// `None` when there is no more to do.
fn claim(schedule: &Mutex<Schedule>, wake: &Condvar, blocks: usize, ahead: usize) -> Option<usize> {
    let mut s = schedule.lock().ok()?;
    loop {
        if s.stop || s.next >= blocks {
            return None;
        }
        if s.next < s.joined + ahead {
            s.next += 1;
            return Some(s.next - 1);
        }
        s = wake.wait(s).ok()?;
    }
}

/// What a parsing thread needs to read blocks.
struct Blocks<'s> {
    file: Arc<File>,
    label: &'s str,
    size: u64,
    base: u64,
    lines: bool,
    stop: &'s AtomicBool,
}

impl Blocks<'_> {
    /// Parses one block into `part`: from `cut` (the first block) or from a guessed start
    /// after it, up to the first value at or past `limit` (or to the end).
    fn parse<P: EventSink>(
        &self,
        mut part: P,
        first: bool,
        cut: u64,
        limit: Option<u64>,
        spare: &mut Option<Vec<u8>>,
    ) -> Parsed<P> {
        let start = if first { Some(cut) } else { self.guess(cut) };
        let Some(start) = start else {
            return Parsed {
                start: u64::MAX,
                part,
                end: None,
                values: 0,
                clean: false,
            };
        };
        let reader = At {
            file: Arc::clone(&self.file),
            pos: start,
        };
        let want = limit.map_or(super::source::CHUNK as u64, |l| l.saturating_sub(start)) + 65536;
        let want = usize::try_from(want).unwrap_or(usize::MAX).min(1 << 30);
        let mut chunks = Chunks::at(
            Box::new(reader),
            self.label,
            start - self.base,
            None,
            want,
            spare.take(),
        );
        let mut read = if self.lines {
            JsonRead::in_lines(&mut chunks)
        } else {
            JsonRead::in_array()
        };
        let mut watch = Watch {
            inner: &mut part,
            bad: false,
            stop: self.stop,
        };
        let mut adapter = JsonAdapter {
            sink: &mut watch,
            label: self.label.to_owned(),
            // Past the first event: only the first tells a diagnostic export.
            events: 1,
            diagnostic: false,
        };
        let result = read.run(&mut chunks, &mut adapter, limit.map(|l| l - self.base));
        // Stopped early: for a problem (`bad`), or because the run ends.
        let halted = watch.stop();
        let clean =
            !halted && read.stats.trailing_commas == 0 && (self.lines || read.stats.values == 0);
        let end = match result {
            Ok(End::Limit) => Some(chunks.offset() + self.base),
            _ => None,
        };
        *spare = Some(chunks.into_buffer());
        Parsed {
            start,
            part,
            end,
            values: read.stats.values,
            clean: clean && result.is_ok(),
        }
    }

    /// Where the first value at or after `cut` seems to start. What is read grows from
    /// a little (the usual case: an element starts within a few kilobytes) to [`SEARCH`].
    fn guess(&self, cut: u64) -> Option<u64> {
        // One byte before the cut: a line that starts at the cut is found by its newline.
        let from = cut.checked_sub(1)?;
        let most = usize::try_from((self.size - from).min((SEARCH + CHECK) as u64)).ok()?;
        let mut buf = Vec::new();
        let mut len = most.min(4 * CHECK);
        loop {
            let n = buf.len();
            buf.resize(len, 0);
            let got = read_fully(&self.file, &mut buf[n..], from + n as u64).ok()?;
            buf.truncate(n + got);
            let to_end = from + buf.len() as u64 >= self.size;
            let found = if self.lines {
                guess_line(&buf, to_end)
            } else {
                guess_element(&buf, to_end)
            };
            if let Some(i) = found {
                return Some(from + i as u64);
            }
            if len >= most || got == 0 {
                return None;
            }
            len = (len * 4).min(most);
        }
    }
}

/// Reads until `buf` is full or the file ends; returns how much was read.
fn read_fully(file: &File, buf: &mut [u8], at: u64) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match read_at(file, &mut buf[n..], at + n as u64) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t')
}

/// The offset of the first value that starts a line after `buf[0]`, when it is an
/// object on that one line.
fn guess_line(buf: &[u8], to_end: bool) -> Option<usize> {
    let mut from = 0;
    while let Some(nl) = memchr::memchr(b'\n', &buf[from..]) {
        let mut i = from + nl + 1;
        while i < buf.len() && is_ws(buf[i]) {
            i += 1;
        }
        if i >= buf.len() {
            return to_end.then_some(i);
        }
        let mut values = serde_json::Deserializer::from_slice(&buf[i..]).into_iter::<IgnoredAny>();
        match values.next() {
            Some(Ok(_)) if buf[i] == b'{' => {
                let end = i + values.byte_offset();
                if memchr::memchr(b'\n', &buf[i..end]).is_some() {
                    // Pretty-printed values, one after the other: not lines to cut at.
                    from = i;
                    continue;
                }
                let rest = &buf[end..];
                let eol = rest.iter().find(|b| !matches!(b, b' ' | b'\t' | b'\r'));
                if eol.is_none_or(|b| *b == b'\n') {
                    return Some(i);
                }
            }
            // A line longer than what was read: assume it is one.
            Some(Err(e)) if e.is_eof() && buf[i] == b'{' => return Some(i),
            _ => {}
        }
        from = i;
    }
    None
}

/// The offset of the first `{` in `buf` (after its first byte) that follows `}` and `,`
/// and from which a run of elements of an array parses: over [`CHECK`] bytes, to the end
/// of what was read, or to a `]` with nothing but white space after it in the file.
fn guess_element(buf: &[u8], to_end: bool) -> Option<usize> {
    // A start near the end of what was read could not be checked far enough.
    let limit = if to_end {
        buf.len()
    } else {
        buf.len().saturating_sub(CHECK)
    };
    for p in memchr::memchr_iter(b'{', &buf[..limit.min(SEARCH)]).filter(|&p| p > 0) {
        let before = |mut i: usize| {
            while i > 0 && is_ws(buf[i - 1]) {
                i -= 1;
            }
            i.checked_sub(1).map(|j| (j, buf[j]))
        };
        let Some((comma, b',')) = before(p) else {
            continue;
        };
        if !matches!(before(comma), Some((_, b'}'))) {
            continue;
        }
        if elements_from(buf, p, to_end) {
            return Some(p);
        }
    }
    None
}

/// Whether array elements parse from `buf[p]` on (see [`guess_element`]).
fn elements_from(buf: &[u8], p: usize, to_end: bool) -> bool {
    let mut i = p;
    loop {
        let mut values = serde_json::Deserializer::from_slice(&buf[i..]).into_iter::<IgnoredAny>();
        match values.next() {
            Some(Ok(_)) => i += values.byte_offset(),
            Some(Err(e)) => return e.is_eof() && i > p,
            None => return false,
        }
        if i - p >= CHECK {
            return true;
        }
        while i < buf.len() && is_ws(buf[i]) {
            i += 1;
        }
        match buf.get(i) {
            None => return true,
            Some(b',') => {
                i += 1;
                while i < buf.len() && is_ws(buf[i]) {
                    i += 1;
                }
                match buf.get(i) {
                    None => return true,
                    Some(b'{') => {}
                    Some(_) => return false,
                }
            }
            Some(b']') => return to_end && buf[i + 1..].iter().all(|b| is_ws(*b)),
            Some(_) => return false,
        }
    }
}

/// A part's sink while a thread fills it: anything that needs a position in the file
/// marks the block to be read again where positions are known, and ends it.
struct Watch<'p> {
    inner: &'p mut dyn EventSink,
    bad: bool,
    stop: &'p AtomicBool,
}

impl EventSink for Watch<'_> {
    fn seen(&mut self, raw: &RawEvent<'_>) -> bool {
        self.inner.seen(raw)
    }
    fn selected(&mut self, ev: Event, damage: Damage) {
        self.inner.selected(ev, damage);
    }
    fn noise(&mut self, n: u64) {
        self.inner.noise(n);
    }
    fn rejected(&mut self, _: Problem) {
        self.bad = true;
    }
    fn damaged(&mut self, _: Problem) {
        self.bad = true;
    }
    fn stop(&self) -> bool {
        self.bad || self.stop.load(Ordering::Relaxed) || self.inner.stop()
    }
    fn needs(&self) -> Need {
        self.inner.needs()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_guessed_start_is_an_element_of_the_top_level_array() {
        // From inside an event: its steps (a nested array of objects) and a string that
        // holds `},{` are passed over; the next event is found.
        let text = br#"x","steps":[{"a":1},{"b":2}],"r":"},{\"q\":1}"},{"id":"2","steps":[{"c":3}]},{"id":"3"}]"#;
        let at = guess_element(text, true).expect("a start");
        assert!(text[at..].starts_with(br#"{"id":"2""#), "{}", at);
        // Not at the end of the file: the `]` could close a nested array.
        assert_eq!(guess_element(br#"1},{"a":1}]"#, false), None);
        assert_eq!(guess_element(br#"1},{"a":1}]  "#, true), Some(3));
        assert_eq!(guess_element(br#"1},{"a":1}],"b":[]"#, true), None);
    }

    #[test]
    fn a_guessed_line_is_an_object_on_one_line() {
        let text = b"rest of a line}\n{\"a\":\n1}\n{\"b\":2}\n";
        let at = guess_line(text, true).expect("a start");
        assert!(text[at..].starts_with(b"{\"b\""), "{at}");
        assert_eq!(guess_line(b"x\n  \n", true), Some(5), "the end");
        assert_eq!(guess_line(b"x\n  ", false), None);
    }
}
