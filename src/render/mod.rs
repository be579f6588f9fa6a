//! Output: one module per format, each a pure function of finished data into a writer.
//!
//! NDJSON and CSV stream one row per event as events are classified; table, JSON,
//! Markdown and HTML render the finished [`crate::report::Report`]. Log values are
//! untrusted: they are neutralised for terminals and Markdown here, escaped for HTML in
//! `html`, and kept as they are (properly encoded) in JSON and CSV.

pub mod catalog;
pub mod chart;
pub mod console;
pub mod csv;
pub mod diff;
pub mod draft;
pub mod explain;
pub mod html;
pub mod json;
pub mod markdown;
pub mod show;
pub mod table;
pub mod text;
pub mod wire;

use std::borrow::Cow;

use crate::cli::FormatArg;
use crate::i18n::Lang;
use crate::report::Report;
use crate::report::activity::Activity;

/// How human-readable output should look.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub lang: Lang,
    pub color: bool,
    /// Terminal width, or `None` when not writing to a terminal (a fixed width is used).
    pub width: Option<u16>,
    /// Tables and rules drawn with `+ - |` instead of box-drawing characters, which
    /// legacy Japanese console fonts show double-width or as boxes (`--table-style`).
    pub ascii: bool,
}

/// The report of `analyze` in one of the formats that write it whole at the end (NDJSON and
/// CSV stream their rows as they come: `wire::write_ndjson`, `csv::CsvOut`). `activity`
/// feeds the HTML report's charts.
pub fn report(
    w: &mut dyn std::io::Write,
    format: FormatArg,
    r: &Report,
    activity: Option<&Activity>,
    style: Style,
) -> std::io::Result<()> {
    match format {
        FormatArg::Json => json::render(w, r),
        FormatArg::Markdown => markdown::render(w, r, style),
        FormatArg::Html => html::render(w, r, activity.unwrap_or(&Activity::default()), style),
        FormatArg::Table | FormatArg::Ndjson | FormatArg::Csv => table::render(w, r, style),
    }
}

/// Control characters (escape sequences, bidi overrides, NUL...) shown visibly, so text
/// from a log cannot move the cursor, recolour or hide content in a terminal.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    let bad = |c: char| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(
                c,
                '\u{202a}'..='\u{202e}'
                    | '\u{2066}'..='\u{2069}'
                    | '\u{200e}'
                    | '\u{200f}'
                    | '\u{061c}'
                    | '\u{2028}'
                    | '\u{2029}'
            )
    };
    if !s.chars().any(bad) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if bad(c) {
            let n = c as u32;
            if n <= 0xff {
                out.push_str(&format!("\\x{n:02x}"));
            } else {
                out.push_str(&format!("\\u{{{n:04x}}}"));
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// One line: newlines and tabs become spaces, runs of white space one space.
pub fn one_line(s: &str) -> String {
    let s = sanitize(s);
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Shortens to `max` characters with an ellipsis.
pub fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_made_visible() {
        assert_eq!(sanitize("plain 佐藤"), "plain 佐藤");
        assert_eq!(sanitize("a\u{1b}[31mred"), "a\\x1b[31mred");
        assert_eq!(sanitize("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(one_line("a\r\n b\tc"), "a\\x0d b c");
        assert_eq!(shorten("abcdef", 4), "abc…");
        assert_eq!(shorten("abc", 4), "abc");
    }
}
