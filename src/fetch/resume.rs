//! `--resume FILE`: the state of an interrupted fetch, kept beside its output.
//!
//! The output file is always whole (a JSON array or NDJSON of the pages fetched so far), and
//! `FILE.resume` holds the next page's link, the number of events in the file and the
//! filters of the first run. The state is written after the file is in place and names the
//! event count it belongs to: if the two disagree (a crash between the two writes, a file
//! edited by hand), resuming is refused rather than risking an event twice.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Saved {
    /// The first run's filters, so the resumed run keeps the same events.
    pub statuses: Vec<String>,
    pub actions: Vec<String>,
    pub since: Option<String>,
    pub until: Option<String>,
    pub app: Option<String>,
    pub job: Option<String>,
    pub cycle: Option<String>,
    pub change: Option<String>,
    pub max_events: Option<u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct State {
    pub version: u32,
    pub next_link: String,
    pub events: u64,
    pub pages: u64,
    pub ndjson: bool,
    pub filters: Saved,
}

pub fn state_path(output: &Path) -> PathBuf {
    let mut s = output.as_os_str().to_owned();
    s.push(".resume");
    PathBuf::from(s)
}

pub fn load(output: &Path) -> Result<State> {
    let p = state_path(output);
    let text = match std::fs::read_to_string(&p) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => bail!(
            "{}: nothing to resume (no {} beside it: the fetch that wrote it finished, or it was not written by provlog fetch -o)",
            output.display(),
            p.display()
        ),
        Err(e) => return Err(e).with_context(|| format!("{}: cannot read", p.display())),
    };
    let s: State = serde_json::from_str(&text)
        .with_context(|| format!("{}: not a provlog resume state", p.display()))?;
    if s.version != 1 {
        bail!("{}: written by another version of provlog", p.display());
    }
    Ok(s)
}

/// Writes the state under a temporary name and renames it, so it is whole or absent.
pub fn save(output: &Path, s: &State) -> Result<()> {
    let p = state_path(output);
    let mut f = crate::output::Output::open(Some(&p))?;
    serde_json::to_writer_pretty(&mut f, s)
        .with_context(|| format!("{}: cannot write", p.display()))?;
    f.write_all(b"\n")
        .with_context(|| format!("{}: cannot write", p.display()))?;
    f.finish()
}

pub fn remove(output: &Path) {
    let _ = std::fs::remove_file(state_path(output));
}

/// Copies what an earlier run wrote into `out`, ready for more events: a JSON array without
/// its closing bracket, or NDJSON lines. Returns the number of events copied, counted while
/// reading (memory stays flat whatever the size).
pub fn copy_back(path: &Path, ndjson: bool, out: &mut dyn Write) -> Result<u64> {
    let ctx = || format!("{}: cannot read the earlier output", path.display());
    let mut f = File::open(path).with_context(ctx)?;
    if ndjson {
        let mut n = 0;
        for line in BufReader::new(f).lines() {
            let line = line.with_context(ctx)?;
            if line.trim().is_empty() {
                continue;
            }
            out.write_all(line.as_bytes())?;
            out.write_all(b"\n")?;
            n += 1;
        }
        return Ok(n);
    }
    let n = count_array(BufReader::new(&mut f)).with_context(|| {
        format!(
            "{}: not a whole JSON array; it cannot be resumed",
            path.display()
        )
    })?;
    // Everything before the closing bracket (and the blank space before it) is kept.
    let len = f.seek(SeekFrom::End(0)).with_context(ctx)?;
    let tail_len = len.min(64);
    f.seek(SeekFrom::Start(len - tail_len)).with_context(ctx)?;
    let mut tail = Vec::new();
    Read::by_ref(&mut f)
        .take(tail_len)
        .read_to_end(&mut tail)
        .with_context(ctx)?;
    let end = tail.iter().rposition(|b| *b == b']').unwrap_or(0);
    let keep = tail[..end]
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(0, |i| i + 1);
    let cut = len - tail_len + keep as u64;
    f.seek(SeekFrom::Start(0)).with_context(ctx)?;
    io::copy(&mut f.take(cut), out).with_context(ctx)?;
    Ok(n)
}

fn count_array(r: impl Read) -> Result<u64> {
    struct Count;
    impl<'de> serde::de::Visitor<'de> for Count {
        type Value = u64;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a JSON array")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<u64, A::Error> {
            let mut n = 0;
            while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {
                n += 1;
            }
            Ok(n)
        }
    }
    let mut de = serde_json::Deserializer::from_reader(r);
    let n = serde::Deserializer::deserialize_seq(&mut de, Count)?;
    de.end()?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_json_array_is_reopened_before_its_bracket() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.json");
        std::fs::write(&p, b"[\n{\"a\":1},\n{\"a\":2}\n]\n").unwrap();
        let mut out = Vec::new();
        assert_eq!(copy_back(&p, false, &mut out).unwrap(), 2);
        assert_eq!(out, b"[\n{\"a\":1},\n{\"a\":2}");
        std::fs::write(&p, b"[]\n").unwrap();
        let mut out = Vec::new();
        assert_eq!(copy_back(&p, false, &mut out).unwrap(), 0);
        assert_eq!(out, b"[");
        std::fs::write(&p, b"[{\"a\":1},").unwrap();
        assert!(copy_back(&p, false, &mut Vec::new()).is_err());
    }

    #[test]
    fn ndjson_lines_are_counted() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.ndjson");
        std::fs::write(&p, b"{\"a\":1}\n\n{\"a\":2}\n").unwrap();
        let mut out = Vec::new();
        assert_eq!(copy_back(&p, true, &mut out).unwrap(), 2);
        assert_eq!(out, b"{\"a\":1}\n{\"a\":2}\n");
    }
}
