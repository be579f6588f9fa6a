//! `--format json`: one document `{"summary", "groups", "events"}` (its shape is
//! `wire::report`).

use std::io::{self, Write};

use super::wire::report::WireReport;
use crate::report::{GroupKey, Report};

pub fn render(w: &mut dyn Write, r: &Report) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, &WireReport::new(r)).map_err(io::Error::from)?;
    w.write_all(b"\n")
}

/// The HTML report still names the grouping through here; it is to use `GroupKey::as_str`.
pub fn group_by_name(g: GroupKey) -> &'static str {
    g.as_str()
}
