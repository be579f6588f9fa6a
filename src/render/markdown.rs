//! `--format markdown`: the report a person pastes into a ticket.
//!
//! Log values are neutralised (control characters made visible), flattened to one line in
//! table cells, and `|` and backticks escaped so that a value cannot break the table.

use std::io::{self, Write};

use super::table::{retry_text, summary_lines};
use super::{Style, one_line, shorten};
use crate::i18n::t;
use crate::report::{GroupKey, Report};
use crate::time::format_time;

/// Longest log value shown in one cell: a report is for reading, the JSON output has it all.
const MAX_CELL: usize = 200;

/// Text inside a code span: backticks cannot be escaped there, so they become `'`; a `|`
/// is escaped for the table around it.
fn code(s: &str) -> String {
    shorten(&one_line(s), MAX_CELL)
        .replace('`', "'")
        .replace('|', "\\|")
}

/// Text safe inside a Markdown table cell or paragraph.
pub fn cell(s: &str) -> String {
    // The input's own backslashes are escaped before `one_line` adds its `\x1b` forms,
    // which are meant to show as they are (a backslash before a letter stays literal).
    let flat = one_line(&s.replace('\\', "\\\\"));
    let mut out = String::with_capacity(flat.len());
    for c in flat.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '`' => out.push_str("\\`"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '*' | '_' | '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

pub fn render(w: &mut dyn Write, r: &Report, style: Style) -> io::Result<()> {
    let lang = style.lang;
    writeln!(w, "# {}", t(lang, "report_title"))?;
    writeln!(w)?;
    for (label, value) in summary_lines(&r.summary, lang) {
        let value: Vec<String> = value.split('\n').map(cell).collect();
        writeln!(w, "- **{label}:** {}", value.join("; "))?;
    }
    writeln!(w)?;
    if r.summary.selected == 0 {
        writeln!(w, "{}", t(lang, "no_events"))?;
        return Ok(());
    }
    if r.group_by == GroupKey::None {
        writeln!(
            w,
            "| {} | {} | {} | {} | {} | {} |",
            t(lang, "time"),
            t(lang, "status"),
            t(lang, "app"),
            t(lang, "identity"),
            t(lang, "code"),
            t(lang, "diagnosis")
        )?;
        writeln!(w, "|---|---|---|---|---|---|")?;
        for rec in &r.records {
            let e = &rec.event;
            writeln!(
                w,
                "| {} | {} | {} | {} | {} | {} |",
                e.time.as_ref().map(format_time).unwrap_or_default(),
                e.status().as_str(),
                cell(&shorten(e.app().unwrap_or(""), MAX_CELL)),
                cell(&shorten(e.identity().unwrap_or(""), MAX_CELL)),
                cell(&shorten(e.error.code.as_deref().unwrap_or(""), MAX_CELL)),
                rec.diagnosis
                    .as_ref()
                    .map(|d| cell(&d.id))
                    .unwrap_or_default()
            )?;
        }
        return Ok(());
    }
    writeln!(
        w,
        "| # | {} | {} | {} | {} | {} |",
        t(lang, "count"),
        t(lang, "category"),
        t(lang, "diagnosis"),
        t(lang, "title"),
        t(lang, "identities")
    )?;
    writeln!(w, "|---:|---:|---|---|---|---|")?;
    for (i, g) in r.groups.iter().enumerate() {
        let ids: Vec<String> = g.identities.iter().map(|x| cell(&shorten(x, 40))).collect();
        let mut ids = ids.join(", ");
        if g.identity_count > g.identities.len() as u64 {
            ids.push_str(&format!(
                " +{} {}",
                g.identity_count - g.identities.len() as u64,
                t(lang, "more")
            ));
        }
        writeln!(
            w,
            "| {} | {} | {} | `{}` | {} | {} |",
            i + 1,
            g.count,
            g.category().map(|c| c.as_str()).unwrap_or(""),
            code(&g.key),
            g.diagnosis
                .as_ref()
                .map(|d| cell(&d.title))
                .unwrap_or_default(),
            ids
        )?;
    }
    if r.group_by != GroupKey::Diagnosis {
        return Ok(());
    }
    for (i, g) in r.groups.iter().enumerate() {
        let Some(d) = &g.diagnosis else { continue };
        writeln!(w)?;
        writeln!(
            w,
            "## {}. {} (`{}`, {} {})",
            i + 1,
            cell(&d.title),
            d.id,
            g.count,
            t(lang, "events")
        )?;
        writeln!(w)?;
        writeln!(w, "{}", cell(&d.explanation))?;
        writeln!(w)?;
        if let Some(r) = d.retry {
            let mut line = format!("**{}:** {}", t(lang, "retry"), retry_text(r, lang));
            if let Some(m) = g.max_retry.filter(|m| *m > 0) {
                line.push_str(&format!(
                    "; {} {m} {}",
                    t(lang, "retried"),
                    t(lang, "times")
                ));
            }
            if let Some(n) = g.next_retry {
                line.push_str(&format!("; {} {}", t(lang, "next_retry"), format_time(&n)));
            }
            writeln!(w, "{line}")?;
            writeln!(w)?;
        }
        writeln!(w, "**{}:**", t(lang, "what_to_do"))?;
        writeln!(w)?;
        for (k, s) in d.steps.iter().enumerate() {
            writeln!(w, "{}. {}", k + 1, cell(s))?;
        }
        if !g.change_ids.is_empty() {
            writeln!(w)?;
            let ids: Vec<String> = g
                .change_ids
                .iter()
                .map(|c| format!("`{}`", code(c)))
                .collect();
            writeln!(w, "**{}:** {}", t(lang, "change_ids"), ids.join(", "))?;
        }
        for doc in &d.docs {
            writeln!(w)?;
            writeln!(
                w,
                "{}: <{}>",
                t(lang, "docs"),
                doc.replace(['<', '>', ' '], "")
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_cannot_break_tables() {
        assert_eq!(cell("a|b"), "a\\|b");
        assert_eq!(cell("x`y"), "x\\`y");
        assert_eq!(cell("line1\nline2"), "line1 line2");
        assert_eq!(cell("<script>"), "&lt;script&gt;");
        assert_eq!(cell("\u{1b}[2J"), "\\x1b\\[2J");
        assert_eq!(cell("a\\|b"), "a\\\\\\|b");
    }
}
