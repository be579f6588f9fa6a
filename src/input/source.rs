//! Bytes in: files and stdin, decoded to UTF-8, handed out as large slices.
//!
//! A UTF-8 byte-order mark is dropped; UTF-16 with a byte-order mark (what Windows
//! PowerShell writes) is transcoded on the fly with encoding_rs. Positions (line and
//! column) are tracked lazily: newlines are only counted in data that is discarded or when
//! an error needs a position.

use std::io::{self, Read};
use std::sync::mpsc::{Receiver, Sender, SyncSender, channel, sync_channel};

use encoding_rs::{CoderResult, Decoder, UTF_16BE, UTF_16LE};

/// Where a problem is, for the one-line error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: u64,
    pub column: u64,
}

/// A problem in the input's text, where it is: the JSON reader's syntax errors, and the
/// decoding errors found before it.
#[derive(Debug)]
pub struct JsonError {
    pub pos: Position,
    pub message: String,
}

/// How large each read is. Large reads keep syscalls rare; a value larger than this grows
/// the buffer as needed.
pub const CHUNK: usize = 2 << 20;

/// The encoding found at the start of the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
}

/// Looks at the first bytes for a byte-order mark and returns a reader of UTF-8, with any
/// further byte-order marks at the start removed too.
pub fn decoded<R: Read + Send + 'static>(r: R) -> io::Result<(Box<dyn Read + Send>, Encoding)> {
    let (r, enc) = decoded_once(r)?;
    Ok((without_leading_boms(r)?, enc))
}

const UTF8_BOM: &[u8] = &[0xEF, 0xBB, 0xBF];

/// A file converted twice (UTF-8 with a BOM, then to UTF-16 by a tool that keeps U+FEFF)
/// starts with a second mark after the first. Left in, it hides the first `[` from shape
/// detection, and the csv crate, which strips one mark only when its first buffer holds
/// more than the mark, reads a first buffer of exactly the mark as an empty file.
fn without_leading_boms(mut r: Box<dyn Read + Send>) -> io::Result<Box<dyn Read + Send>> {
    let mut head = Vec::with_capacity(64);
    (&mut r).take(64).read_to_end(&mut head)?;
    let mut start = 0;
    while head[start..].starts_with(UTF8_BOM) {
        start += UTF8_BOM.len();
    }
    Ok(Box::new(io::Cursor::new(head.split_off(start)).chain(r)))
}

fn decoded_once<R: Read + Send + 'static>(
    mut r: R,
) -> io::Result<(Box<dyn Read + Send>, Encoding)> {
    let mut head = [0u8; 4];
    let mut n = 0;
    while n < head.len() {
        match r.read(&mut head[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let head = head[..n].to_vec();
    if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        let rest = io::Cursor::new(head[3..].to_vec()).chain(r);
        return Ok((Box::new(rest), Encoding::Utf8Bom));
    }
    for (bom, enc, which) in [
        ([0xFF, 0xFE], UTF_16LE, Encoding::Utf16Le),
        ([0xFE, 0xFF], UTF_16BE, Encoding::Utf16Be),
    ] {
        if head.starts_with(&bom) {
            let rest = io::Cursor::new(head[2..].to_vec()).chain(r);
            let reader = Utf16Reader {
                inner: rest,
                decoder: enc.new_decoder_without_bom_handling(),
                inbuf: vec![0; 64 * 1024],
                in_start: 0,
                in_end: 0,
                eof: false,
                finished: false,
            };
            return Ok((Box::new(reader), which));
        }
    }
    if looks_like_utf16(&head) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "this looks like UTF-16 text without a byte-order mark; save it as UTF-8 (or UTF-16 with a BOM)",
        ));
    }
    Ok((Box::new(io::Cursor::new(head).chain(r)), Encoding::Utf8))
}

/// `[\0{\0` or `\0[\0{`: ASCII punctuation interleaved with NULs.
fn looks_like_utf16(head: &[u8]) -> bool {
    head.len() >= 4
        && ((head[1] == 0 && head[3] == 0 && head[0] != 0 && head[2] != 0)
            || (head[0] == 0 && head[2] == 0 && head[1] != 0 && head[3] != 0))
}

struct Utf16Reader<R> {
    inner: R,
    decoder: Decoder,
    inbuf: Vec<u8>,
    in_start: usize,
    in_end: usize,
    eof: bool,
    /// The decoder has been given its last input; using it again would panic, and a
    /// reader may be asked for more after it said "end" once (the csv crate does).
    finished: bool,
}

impl<R: Read> Read for Utf16Reader<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        // encoding_rs needs room for at least one character's UTF-8 form.
        if out.len() < 8 {
            let mut small = [0u8; 8];
            let n = self.read(&mut small)?;
            let k = n.min(out.len());
            out[..k].copy_from_slice(&small[..k]);
            // Callers of this crate always pass large buffers; a tiny one losing bytes would
            // be a bug here, so refuse instead.
            if k < n {
                return Err(io::Error::other(
                    "read buffer too small for UTF-16 decoding",
                ));
            }
            return Ok(k);
        }
        if self.finished {
            return Ok(0);
        }
        loop {
            if self.in_start == self.in_end && !self.eof {
                let n = self.inner.read(&mut self.inbuf)?;
                self.in_start = 0;
                self.in_end = n;
                self.eof = n == 0;
            }
            let last = self.eof && self.in_start == self.in_end;
            let (result, read, written, _) =
                self.decoder
                    .decode_to_utf8(&self.inbuf[self.in_start..self.in_end], out, last);
            self.in_start += read;
            if last && result == CoderResult::InputEmpty {
                self.finished = true;
            }
            if written > 0 || last {
                return Ok(written);
            }
        }
    }
}

/// Room kept in front of every chunk for the unfinished value at the end of the previous
/// one: moving that tail in front of the next chunk avoids copying the chunk itself.
const RESERVE: usize = 256 << 10;

/// Chunks read ahead: enough for the reader thread to stay a chunk ahead of the parser.
const AHEAD: usize = 2;

type Filled = io::Result<Vec<u8>>;

/// Reads `inner` into chunks on its own thread, so that reading (and the page-cache copy)
/// overlaps with parsing. Each chunk's data starts at `RESERVE`.
fn read_ahead(mut inner: impl Read, tx: SyncSender<Filled>, empties: Receiver<Vec<u8>>) {
    loop {
        let mut buf = empties.try_recv().unwrap_or_default();
        buf.resize(RESERVE, 0);
        buf.reserve(CHUNK);
        // Read into the spare capacity: a new buffer's pages are then written once, by
        // the read, rather than zeroed first (a small input pays for every page).
        let n = match (&mut inner).take(CHUNK as u64).read_to_end(&mut buf) {
            Ok(n) => n,
            Err(e) => {
                let _ = tx.send(Err(e));
                return;
            }
        };
        // A closed channel means the parser stopped early (a closed output): just end.
        if tx.send(Ok(buf)).is_err() || n < CHUNK {
            return;
        }
    }
}

/// Where a [`Chunks`] gets its bytes.
enum Feed {
    /// From a reader on its own thread, a chunk ahead ([`read_ahead`]).
    Ahead {
        rx: Receiver<Filled>,
        empties: Sender<Vec<u8>>,
    },
    /// Read when asked, on the calling thread: for a part of a file read by one of the
    /// threads that read a file in parts (`split`), which must not read far past its part.
    /// The first read is `first` bytes, later ones `CHUNK / 8`.
    Direct {
        inner: Box<dyn Read + Send>,
        first: usize,
        spare: Option<Vec<u8>>,
    },
}

/// A window over the decoded input: `data()` is what has not been consumed yet.
pub struct Chunks {
    feed: Feed,
    label: String,
    buf: Vec<u8>,
    /// Where the input's bytes begin in `buf` (the rest of the reserve is unused).
    base: usize,
    start: usize,
    end: usize,
    eof: bool,
    /// Line (1-based) and column (0-based byte offset) of `buf[base]` in the input.
    line0: u64,
    col0: u64,
    /// Whether `line0` and `col0` are kept (see `Chunks::at`).
    count_lines: bool,
    /// Bytes of the input before `buf[base]`.
    offset0: u64,
    line_delimited: bool,
    /// `buf[start..valid_end]` is known to be valid UTF-8 (checked once per read), so the
    /// parser can take it as `&str` and skip validating every string again.
    valid_end: usize,
    /// Validation stopped at bytes that are not UTF-8 (not merely a character cut by the
    /// end of the buffer).
    invalid: bool,
}

impl Chunks {
    pub fn new(inner: impl Read + Send + 'static, label: impl Into<String>) -> Self {
        let (tx, rx) = sync_channel(AHEAD);
        let (empties, empties_rx) = channel();
        std::thread::spawn(move || read_ahead(inner, tx, empties_rx));
        Chunks::with_feed(Feed::Ahead { rx, empties }, label.into())
    }

    /// Input that starts `offset` bytes into a file, at line and column (0-based) `lc`
    /// there, read on this thread; the first read is `first` bytes. Without `lc`, lines
    /// are not counted (a part read in advance, whose positions are never reported: see
    /// `split`), and positions are wrong.
    pub fn at(
        inner: Box<dyn Read + Send>,
        label: impl Into<String>,
        offset: u64,
        lc: Option<(u64, u64)>,
        first: usize,
        spare: Option<Vec<u8>>,
    ) -> Self {
        let mut c = Chunks::with_feed(
            Feed::Direct {
                inner,
                first: first.max(1),
                spare,
            },
            label.into(),
        );
        c.offset0 = offset;
        (c.line0, c.col0) = lc.unwrap_or((1, 0));
        c.count_lines = lc.is_some();
        c
    }

    fn with_feed(feed: Feed, label: String) -> Self {
        Chunks {
            feed,
            label,
            buf: Vec::new(),
            base: 0,
            start: 0,
            end: 0,
            eof: false,
            line0: 1,
            col0: 0,
            count_lines: true,
            offset0: 0,
            line_delimited: false,
            valid_end: 0,
            invalid: false,
        }
    }

    /// Extends the validated region over newly read bytes.
    fn validate(&mut self) {
        if self.invalid {
            return;
        }
        match std::str::from_utf8(&self.buf[self.valid_end..self.end]) {
            Ok(_) => self.valid_end = self.end,
            Err(e) => {
                self.valid_end += e.valid_up_to();
                // `error_len() == None`: a character cut by the end of what was read; the
                // next read completes it.
                self.invalid = e.error_len().is_some();
            }
        }
    }

    /// The unconsumed input that is known to be UTF-8.
    pub fn text(&self) -> &str {
        let bytes = &self.buf[self.start.min(self.valid_end)..self.valid_end];
        // SAFETY: `validate` checked `buf[..valid_end]` with `str::from_utf8` after every
        // read, and nothing writes to that part of `buf` afterwards but `blank_commas`,
        // which only puts an ASCII space where an ASCII comma was (a byte below 0x80 is a
        // whole character in UTF-8, so the text stays valid): `refill` copies the
        // unconsumed tail whole into a new buffer and moves `start` and `valid_end` with
        // it. `start` only ever stops at byte offsets the JSON parser returned (value
        // boundaries) or after ASCII white space and punctuation, never inside a character.
        unsafe { std::str::from_utf8_unchecked(bytes) }
    }

    /// Whether bytes after `text()` could not be validated (not UTF-8), so that the
    /// parser must look at them as bytes to report where.
    pub fn has_invalid(&self) -> bool {
        self.invalid
    }

    /// Whether everything read so far is in `text()`.
    pub fn fully_valid(&self) -> bool {
        self.valid_end == self.end
    }

    pub fn label(&self) -> &str {
        &self.label
    }

    pub fn data(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }

    /// Puts a space where each of these offsets of `data()` holds a comma: a trailing comma
    /// read as if it were not there. Positions (lines and columns) do not move.
    pub fn blank_commas(&mut self, offsets: impl IntoIterator<Item = usize>) {
        for offset in offsets {
            let i = self.start.saturating_add(offset);
            if i < self.end && self.buf[i] == b',' {
                self.buf[i] = b' ';
            }
        }
    }

    pub fn consume(&mut self, n: usize) {
        self.start = (self.start + n).min(self.end);
    }

    pub fn at_eof(&self) -> bool {
        self.eof
    }

    /// Bytes of the input consumed so far.
    pub fn offset(&self) -> u64 {
        self.offset0 + (self.start - self.base) as u64
    }

    fn recycle(&mut self, buf: Vec<u8>) {
        match &mut self.feed {
            Feed::Ahead { empties, .. } => {
                if buf.capacity() >= RESERVE + CHUNK {
                    // The reader may have finished; then the buffer is simply dropped.
                    let _ = empties.send(buf);
                }
            }
            Feed::Direct { spare, .. } => *spare = Some(buf),
        }
    }

    /// The next chunk, `RESERVE` bytes of room and then the data (none at the end).
    fn next_chunk(&mut self) -> Option<Filled> {
        match &mut self.feed {
            Feed::Ahead { rx, .. } => rx.recv().ok(),
            Feed::Direct {
                inner,
                first,
                spare,
            } => {
                let want = std::mem::replace(first, CHUNK / 8);
                let mut buf = spare.take().unwrap_or_default();
                buf.resize(RESERVE + want, 0);
                let mut n = 0;
                while n < want {
                    match inner.read(&mut buf[RESERVE + n..]) {
                        Ok(0) => break,
                        Ok(k) => n += k,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(e) => return Some(Err(e)),
                    }
                }
                buf.truncate(RESERVE + n);
                Some(Ok(buf))
            }
        }
    }

    /// Takes the next chunk after what is left. Returns false when there is no more.
    pub fn refill(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        let next = match self.next_chunk() {
            Some(Ok(next)) => next,
            Some(Err(e)) => {
                self.eof = true;
                return Err(e);
            }
            None => {
                self.eof = true;
                return Ok(false);
            }
        };
        if next.len() <= RESERVE {
            self.eof = true;
            self.recycle(next);
            return Ok(false);
        }
        if self.count_lines {
            (self.line0, self.col0) =
                advance(self.line0, self.col0, &self.buf[self.base..self.start]);
        }
        self.offset0 += (self.start - self.base) as u64;
        let tail = self.end - self.start;
        let validated = self.valid_end.saturating_sub(self.start).min(tail);
        let mut next = next;
        if tail <= RESERVE {
            let at = RESERVE - tail;
            next[at..RESERVE].copy_from_slice(&self.buf[self.start..self.end]);
            let old = std::mem::replace(&mut self.buf, next);
            self.recycle(old);
            self.base = at;
        } else {
            // A value larger than the reserve: join it with the new chunk.
            let mut joined = Vec::with_capacity(tail + next.len() - RESERVE);
            joined.extend_from_slice(&self.buf[self.start..self.end]);
            joined.extend_from_slice(&next[RESERVE..]);
            self.recycle(next);
            self.buf = joined;
            self.base = 0;
        }
        self.start = self.base;
        self.end = self.buf.len();
        self.valid_end = self.start + validated;
        self.validate();
        Ok(true)
    }

    /// Fills the buffer until it holds at least `n` bytes or the input ends.
    pub fn fill_at_least(&mut self, n: usize) -> io::Result<()> {
        while self.data().len() < n && self.refill()? {}
        Ok(())
    }

    /// Line and column (1-based) of `data()[offset]`.
    pub fn position_of(&self, offset: usize) -> Position {
        let upto = (self.start + offset).min(self.end);
        let (line, col) = advance(self.line0, self.col0, &self.buf[self.base..upto]);
        Position {
            line,
            column: col + 1,
        }
    }

    /// Converts a serde_json position within the value at `data()` to a file position.
    pub fn position_in_value(&self, line: u64, column: u64) -> Position {
        let base = self.position_of(0);
        if line <= 1 {
            Position {
                line: base.line,
                column: base.column + column.saturating_sub(1),
            }
        } else {
            Position {
                line: base.line + line - 1,
                column,
            }
        }
    }

    pub fn error_at(&self, offset: usize, message: &str) -> JsonError {
        JsonError {
            pos: self.position_of(offset),
            message: message.to_owned(),
        }
    }

    pub fn io_error(&self, e: io::Error) -> JsonError {
        JsonError {
            pos: self.position_of(0),
            message: format!("read failed: {e}"),
        }
    }

    /// NDJSON: top-level values separated by newlines.
    pub fn line_delimited(&self) -> bool {
        self.line_delimited
    }

    pub fn set_line_delimited(&mut self) {
        self.line_delimited = true;
    }

    /// The buffer, to be given to the next `Chunks::at` (a block's buffer is large, and
    /// allocating it afresh for every block costs page faults).
    pub fn into_buffer(self) -> Vec<u8> {
        match self.feed {
            Feed::Direct {
                spare: Some(spare), ..
            } if spare.capacity() > self.buf.capacity() => spare,
            _ => self.buf,
        }
    }

    /// Line and column (0-based) of `data()[0]`: where reading the rest would start.
    pub(super) fn line_col(&self) -> (u64, u64) {
        advance(self.line0, self.col0, &self.buf[self.base..self.start])
    }

    /// The rest of the input as a reader (for the CSV reader, which reads by itself).
    pub fn into_reader(self) -> Box<dyn Read + Send> {
        let rest = self.buf[self.start..self.end].to_vec();
        match self.feed {
            Feed::Ahead { rx, .. } => Box::new(ChunkReader {
                rx: if self.eof { None } else { Some(rx) },
                current: rest,
                pos: 0,
            }),
            Feed::Direct { inner, .. } if !self.eof => Box::new(io::Cursor::new(rest).chain(inner)),
            Feed::Direct { .. } => Box::new(io::Cursor::new(rest)),
        }
    }

    /// Skips past the next newline. Returns false at the end of the input.
    pub fn skip_line(&mut self) -> bool {
        loop {
            if let Some(i) = memchr::memchr(b'\n', self.data()) {
                self.consume(i + 1);
                return true;
            }
            let n = self.data().len();
            self.consume(n);
            match self.refill() {
                Ok(true) => {}
                _ => return false,
            }
        }
    }
}

/// The chunks still to come, as a plain reader.
struct ChunkReader {
    rx: Option<Receiver<Filled>>,
    current: Vec<u8>,
    pos: usize,
}

impl Read for ChunkReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.pos < self.current.len() {
                let n = out.len().min(self.current.len() - self.pos);
                out[..n].copy_from_slice(&self.current[self.pos..self.pos + n]);
                self.pos += n;
                return Ok(n);
            }
            let Some(rx) = &self.rx else { return Ok(0) };
            match rx.recv() {
                Ok(Ok(next)) if next.len() > RESERVE => {
                    self.current = next;
                    self.pos = RESERVE;
                }
                Ok(Err(e)) => {
                    self.rx = None;
                    return Err(e);
                }
                _ => {
                    self.rx = None;
                    return Ok(0);
                }
            }
        }
    }
}

/// Line and column after `bytes`, starting from (`line`, `col`).
pub(super) fn advance(line: u64, col: u64, bytes: &[u8]) -> (u64, u64) {
    let newlines = memchr::memchr_iter(b'\n', bytes).count() as u64;
    match memchr::memrchr(b'\n', bytes) {
        Some(last) => (line + newlines, (bytes.len() - last - 1) as u64),
        None => (line, col + bytes.len() as u64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(bytes: Vec<u8>) -> (String, Encoding) {
        let (mut r, enc) = decoded(io::Cursor::new(bytes)).expect("decodes");
        let mut s = String::new();
        r.read_to_string(&mut s).expect("utf-8");
        (s, enc)
    }

    #[test]
    fn boms_are_detected_and_removed() {
        assert_eq!(decode_all(b"[1]".to_vec()), ("[1]".into(), Encoding::Utf8));
        assert_eq!(
            decode_all(b"\xEF\xBB\xBF[1]".to_vec()),
            ("[1]".into(), Encoding::Utf8Bom)
        );
        let mut le = vec![0xFF, 0xFE];
        le.extend("[\"佐藤\"]".encode_utf16().flat_map(|u| u.to_le_bytes()));
        assert_eq!(decode_all(le), ("[\"佐藤\"]".into(), Encoding::Utf16Le));
        let mut be = vec![0xFE, 0xFF];
        be.extend("{}".encode_utf16().flat_map(|u| u.to_be_bytes()));
        assert_eq!(decode_all(be), ("{}".into(), Encoding::Utf16Be));
    }

    #[test]
    fn a_second_byte_order_mark_is_removed_too() {
        let mut le = vec![0xFF, 0xFE];
        le.extend("\u{feff}a,b".encode_utf16().flat_map(|u| u.to_le_bytes()));
        assert_eq!(decode_all(le), ("a,b".into(), Encoding::Utf16Le));
        assert_eq!(
            decode_all(b"\xEF\xBB\xBF\xEF\xBB\xBF[1]".to_vec()),
            ("[1]".into(), Encoding::Utf8Bom)
        );
    }

    #[test]
    fn utf16_reader_can_be_asked_again_after_its_end() {
        let mut le = vec![0xFF, 0xFE];
        le.extend("a,b\n".encode_utf16().flat_map(|u| u.to_le_bytes()));
        let (mut r, _) = decoded(io::Cursor::new(le)).expect("decodes");
        let mut text = String::new();
        r.read_to_string(&mut text).expect("reads");
        assert_eq!(text, "a,b\n");
        let mut buf = [0u8; 64];
        for _ in 0..3 {
            assert_eq!(r.read(&mut buf).expect("end, again"), 0);
        }
    }

    #[test]
    fn utf16_without_bom_is_refused() {
        let bytes: Vec<u8> = "[{}]"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        assert!(decoded(io::Cursor::new(bytes)).is_err());
    }

    #[test]
    fn positions_follow_lines() {
        let mut c = Chunks::new(io::Cursor::new(b"ab\ncd\nef".to_vec()), "t");
        c.fill_at_least(8).expect("reads");
        assert_eq!(c.position_of(0), Position { line: 1, column: 1 });
        assert_eq!(c.position_of(4), Position { line: 2, column: 2 });
        c.consume(6);
        assert_eq!(c.position_of(1), Position { line: 3, column: 2 });
    }
}
