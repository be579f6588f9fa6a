//! `--format csv`: one row per event, flat columns, streamed.
//!
//! Quoting is the csv crate's. Cells that a spreadsheet would run as a formula (starting
//! with `=`, `+`, `-`, `@`, a tab or a carriage return) get a leading `'`.

use std::borrow::Cow;
use std::io::{self, Write};

use crate::report::Record;
use crate::time::format_time;

pub const HEADER: &[&str] = &[
    "change_id",
    "time",
    "action",
    "status",
    "app",
    "job_id",
    "cycle_id",
    "identity",
    "source_system",
    "target_system",
    "error_code",
    "reason",
    "failed_step",
    "diagnosis_id",
    "system",
    "category",
    "title",
    "retry",
    "matched_by",
    "first_step",
    "http_status",
    "retry_count",
    "next_retry",
    "target_error_code",
    "request_id",
];

/// Prefixes cells a spreadsheet would treat as a formula.
pub fn guard(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// The events as CSV rows. The byte-order mark and the header are written with the first
/// row (or at the end), so a run that could read nothing writes nothing.
pub struct CsvOut<W: Write> {
    /// The output until the first row, then the CSV writer over it.
    waiting: Option<W>,
    inner: Option<csv::Writer<W>>,
    bom: bool,
}

/// The I/O error inside a csv error (so a closed pipe is recognised), else a generic one.
pub fn io_of(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

impl<W: Write> CsvOut<W> {
    pub fn new(w: W, bom: bool) -> io::Result<CsvOut<W>> {
        Ok(CsvOut {
            waiting: Some(w),
            inner: None,
            bom,
        })
    }

    /// The writer, after the byte-order mark and the header.
    fn started(&mut self) -> io::Result<&mut csv::Writer<W>> {
        if let Some(mut w) = self.waiting.take() {
            if self.bom {
                w.write_all("\u{feff}".as_bytes())?;
            }
            let mut inner = csv::Writer::from_writer(w);
            inner.write_record(HEADER).map_err(io_of)?;
            self.inner = Some(inner);
        }
        self.inner
            .as_mut()
            .ok_or_else(|| io::Error::other("CSV output already finished"))
    }

    pub fn row(&mut self, r: &Record) -> io::Result<()> {
        let e = &r.event;
        let d = r.diagnosis.as_ref();
        let f = &r.facts;
        let s = |o: Option<&str>| o.unwrap_or("").to_owned();
        let cells: Vec<String> = vec![
            s(e.change_id.as_deref()),
            e.time.as_ref().map(format_time).unwrap_or_default(),
            s(e.action.map(|a| a.as_str())),
            s(e.status.map(|a| a.as_str())),
            s(e.app()),
            s(e.job_id.as_deref()),
            s(e.cycle_id.as_deref()),
            s(e.identity()),
            s(e.source_system.name.as_deref()),
            s(e.target_system.name.as_deref()),
            s(e.error.code.as_deref()),
            s(e.error.reason.as_deref()),
            s(e.failed_step().and_then(|x| x.name.as_deref())),
            s(d.map(|d| d.id.as_str())),
            s(d.and_then(|d| d.system).map(|x| x.as_str())),
            s(d.map(|d| d.category.as_str())),
            s(d.map(|d| d.title.as_str())),
            s(d.and_then(|d| d.retry).map(|x| x.as_str())),
            s(d.and_then(|d| d.matched_by).map(|x| x.as_str())),
            s(d.and_then(|d| d.steps.first()).map(String::as_str)),
            f.http_status.map(|x| x.to_string()).unwrap_or_default(),
            f.retry_count.map(|x| x.to_string()).unwrap_or_default(),
            f.next_retry.as_ref().map(format_time).unwrap_or_default(),
            s(f.target_error_code.as_deref()),
            s(f.request_id.as_deref()),
        ];
        self.started()?
            .write_record(cells.iter().map(|c| guard(c).into_owned()))
            .map_err(io_of)
    }

    /// Rows only, with no byte-order mark or header: one part of an input read in parts,
    /// whose rows [`CsvOut::rows`] copies to the real output.
    pub fn rows_only(w: W) -> CsvOut<W> {
        CsvOut {
            waiting: None,
            inner: Some(csv::Writer::from_writer(w)),
            bom: false,
        }
    }

    /// The rows written by a [`CsvOut::rows_only`] writer.
    pub fn into_rows(self) -> io::Result<W> {
        match self.inner {
            Some(w) => w.into_inner().map_err(|e| e.into_error()),
            None => Err(io::Error::other("CSV output already finished")),
        }
    }

    /// Writes rows made by a [`CsvOut::rows_only`] writer, after the header when they are
    /// the first.
    pub fn rows(&mut self, rows: &[u8]) -> io::Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        self.started()?;
        // The csv writer buffers: what it holds goes first, through `into_inner`.
        let Some(w) = self.inner.take() else {
            return Err(io::Error::other("CSV output already finished"));
        };
        let mut raw = w.into_inner().map_err(|e| e.into_error())?;
        let result = raw.write_all(rows);
        self.inner = Some(csv::Writer::from_writer(raw));
        result
    }

    pub fn finish(mut self) -> io::Result<()> {
        self.started()?.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_guarded() {
        assert_eq!(guard("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(guard("+1"), "'+1");
        assert_eq!(guard("-2"), "'-2");
        assert_eq!(guard("@sum"), "'@sum");
        assert_eq!(guard("\tx"), "'\tx");
        assert_eq!(guard("plain"), "plain");
        assert_eq!(guard(""), "");
    }
}
