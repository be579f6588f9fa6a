//! `explain --csv --format json|ndjson`: one object per row of a console export, and the
//! document around them.

use serde::Serialize;
use serde::ser::SerializeMap;

use super::{WireDiagnosis, WireFacts};

/// The row's cells keyed by header, in file order; a repeated or empty header gets its
/// column number so that no key is lost.
pub struct WireColumns<'a> {
    pub headers: &'a [String],
    pub cells: &'a [String],
}

impl Serialize for WireColumns<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.cells.len()))?;
        for (i, (h, c)) in self.headers.iter().zip(self.cells).enumerate() {
            let repeated = h.is_empty() || self.headers[..i].contains(h);
            if repeated {
                map.serialize_entry(&format!("{h} ({})", i + 1), c)?;
            } else {
                map.serialize_entry(h, c)?;
            }
        }
        map.end()
    }
}

#[derive(Serialize)]
pub struct WireRow<'a> {
    /// The spreadsheet row: the header is row 1.
    pub row: u64,
    pub outcome: &'static str,
    pub message: Option<&'a str>,
    pub task: Option<&'a str>,
    pub columns: WireColumns<'a>,
    pub diagnosis: Option<WireDiagnosis<'a>>,
    pub facts: WireFacts<'a>,
}

#[derive(Debug, Default, Clone, Copy, Serialize)]
pub struct Totals {
    pub rows: u64,
    pub diagnosed: u64,
    pub unclassified: u64,
    pub no_message: u64,
    pub succeeded: u64,
}

#[derive(Serialize)]
pub struct WireSummary<'a> {
    pub file: &'a str,
    pub encoding: &'static str,
    pub bom: bool,
    pub message_column: &'a str,
    pub job_type_column: Option<&'a str>,
    pub operation_column: Option<&'a str>,
    pub service_column: Option<&'a str>,
    pub status_column: Option<&'a str>,
    #[serde(flatten)]
    pub totals: Totals,
}

#[derive(Serialize)]
pub struct WireGroup<'a> {
    pub id: &'a str,
    pub system: Option<&'static str>,
    pub category: &'static str,
    pub title: &'a str,
    pub count: u64,
    pub rows: &'a [u64],
}

#[derive(Serialize)]
pub struct WireDoc<'a> {
    pub summary: WireSummary<'a>,
    pub groups: Vec<WireGroup<'a>>,
    pub rows: Vec<WireRow<'a>>,
}
