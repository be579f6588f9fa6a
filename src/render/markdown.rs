//! `--format markdown`: the report a person pastes into a ticket.
//!
//! Log values are neutralised (control characters made visible), flattened to one line in
//! table cells, and `|` and backticks escaped so that a value cannot break the table.

use std::io::{self, Write};

use super::text::{
    attribute_columns, attribute_name, cycle_cells, cycle_columns, diagnoses_text, more,
    no_events_text, persistent_text, priority_text, retry_line, summary_lines, warning_lines,
};
use super::{Style, one_line, shorten};
use crate::i18n::{Label, Msg, t};
use crate::report::{GroupKey, Report};
use crate::time::format_seconds;

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
    let mut chars = flat.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '|' => out.push_str("\\|"),
            '`' => out.push_str("\\`"),
            // Escaped only where Markdown would read them: `<` opening a tag, `>` opening
            // a quote. A menu path (`Identity > Applications`) stays as typed, readable
            // in plain-text ticket systems too.
            '<' if chars
                .peek()
                .is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?')) =>
            {
                out.push_str("\\<")
            }
            '>' if out.trim().is_empty() => out.push_str("\\>"),
            '*' | '_' | '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// A summary as a list of bold labels; the lines of a value are joined with `; `.
pub fn label_list(w: &mut dyn Write, lines: &[(&str, String)]) -> io::Result<()> {
    for (label, value) in lines {
        let value: Vec<String> = value.split('\n').map(cell).collect();
        writeln!(w, "- **{label}:** {}", value.join("; "))?;
    }
    Ok(())
}

pub fn render(w: &mut dyn Write, r: &Report, style: Style) -> io::Result<()> {
    let lang = style.lang;
    writeln!(w, "# {}", t(lang, Msg::ReportTitle))?;
    writeln!(w)?;
    label_list(w, &summary_lines(&r.summary, lang))?;
    writeln!(w)?;
    if !r.summary.warnings.is_empty() {
        writeln!(w, "## {}", t(lang, Msg::Warnings))?;
        writeln!(w)?;
        for warning in &r.summary.warnings {
            let lines: Vec<String> = warning_lines(warning, lang)
                .iter()
                .map(|l| cell(l))
                .collect();
            writeln!(w, "- **{}**", lines[0])?;
            for l in &lines[1..] {
                writeln!(w, "  - {l}")?;
            }
        }
        writeln!(w)?;
    }
    if r.summary.selected == 0 {
        writeln!(w, "{}", no_events_text(&r.summary, lang))?;
        return Ok(());
    }
    if r.group_by == GroupKey::None {
        writeln!(
            w,
            "| {} | {} | {} | {} | {} | {} |",
            t(lang, Msg::Time),
            t(lang, Msg::Status),
            t(lang, Msg::App),
            t(lang, Msg::Identity),
            t(lang, Msg::Code),
            t(lang, Msg::Diagnosis)
        )?;
        writeln!(w, "|---|---|---|---|---|---|")?;
        for rec in &r.records {
            let e = &rec.event;
            writeln!(
                w,
                "| {} | {} | {} | {} | {} | {} |",
                e.time.as_ref().map(format_seconds).unwrap_or_default(),
                e.status().label(lang),
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
    if r.group_by == GroupKey::Cycle {
        return cycles(w, r, style);
    }
    if r.group_by == GroupKey::Attribute {
        return attributes(w, r, style);
    }
    writeln!(
        w,
        "| # | {} | {} | {} | {} | {} | {} |",
        t(lang, Msg::Priority),
        t(lang, Msg::Count),
        t(lang, Msg::Category),
        t(lang, Msg::Diagnosis),
        t(lang, Msg::Title),
        t(lang, Msg::Identities)
    )?;
    writeln!(w, "|---:|---|---:|---|---|---|---|")?;
    for (i, g) in r.groups.iter().enumerate() {
        let ids: Vec<String> = g.identities.iter().map(|x| cell(&shorten(x, 40))).collect();
        let mut ids = ids.join(", ");
        if g.identity_count > g.identities.len() as u64 {
            ids.push(' ');
            ids.push_str(&more(lang, g.identity_count - g.identities.len() as u64));
        }
        writeln!(
            w,
            "| {} | {} | {} | {} | `{}` | {} | {} |",
            i + 1,
            cell(&priority_text(g, lang, false)),
            g.count,
            g.category().map(|c| c.label(lang)).unwrap_or(""),
            code(&g.key),
            cell(&diagnoses_text(g, lang, "; ")),
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
            t(lang, Msg::Events)
        )?;
        writeln!(w)?;
        if let Some(line) = d.cause_line() {
            writeln!(w, "**{}:** {}", t(lang, Msg::Cause), cell(&line))?;
            writeln!(w)?;
        }
        writeln!(w, "{}", cell(&d.explanation))?;
        writeln!(w)?;
        if g.priority.is_some() {
            writeln!(
                w,
                "**{}:** {}",
                t(lang, Msg::Priority),
                cell(&priority_text(g, lang, false))
            )?;
            if g.persistent_identities > 0 {
                writeln!(w, "{}", cell(&persistent_text(g, lang)))?;
            }
            writeln!(w)?;
        }
        if let Some(r) = d.retry {
            writeln!(
                w,
                "**{}:** {}",
                t(lang, Msg::Retry),
                retry_line(r, g.max_retry, g.next_retry, lang, format_seconds)
            )?;
            writeln!(w)?;
        }
        writeln!(w, "**{}:**", t(lang, Msg::WhatToDo))?;
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
            writeln!(w, "**{}:** {}", t(lang, Msg::ChangeIds), ids.join(", "))?;
        }
        for doc in &d.docs {
            writeln!(w)?;
            writeln!(
                w,
                "{}: <{}>",
                t(lang, Msg::Docs),
                doc.replace(['<', '>', ' '], "")
            )?;
        }
    }
    Ok(())
}

fn cycles(w: &mut dyn Write, r: &Report, style: Style) -> io::Result<()> {
    let lang = style.lang;
    writeln!(w, "| {} |", cycle_columns(lang).join(" | "))?;
    writeln!(w, "|---|---|---:|---|---|---|---:|")?;
    for g in &r.groups {
        let mut id = format!("`{}`", g.key.replace('`', "'"));
        let Some(c) = &g.cycle else {
            writeln!(w, "| {id} | | | | | | {} |", g.count)?;
            continue;
        };
        if !c.risks().is_empty() {
            id.push_str(&format!(" **{}**", t(lang, Msg::AtRisk)));
        }
        let [span, actions, statuses, top] = cycle_cells(c, lang, ", ");
        writeln!(
            w,
            "| {id} | {} | {} | {} | {} | {} | {} |",
            cell(&span),
            c.events,
            cell(&actions),
            cell(&statuses),
            cell(&top),
            g.count
        )?;
    }
    Ok(())
}

fn attributes(w: &mut dyn Write, r: &Report, style: Style) -> io::Result<()> {
    let lang = style.lang;
    if !r.groups.is_empty() {
        writeln!(w, "| {} |", attribute_columns(lang).join(" | "))?;
        writeln!(w, "|---|---|---|---|---:|---|")?;
        for g in &r.groups {
            for row in &g.attribute_rows {
                writeln!(
                    w,
                    "| {} | {} | {} | `{}` | {} | {} |",
                    cell(&attribute_name(&g.key, lang)),
                    cell(&row.identity),
                    row.value.as_deref().map(cell).unwrap_or_default(),
                    row.diagnosis.replace('`', "'").replace('|', "\\|"),
                    row.count,
                    row.detail
                        .as_deref()
                        .map(|d| cell(&shorten(d, 200)))
                        .unwrap_or_default()
                )?;
            }
        }
    }
    if r.outside_view > 0 {
        writeln!(w)?;
        writeln!(
            w,
            "{}",
            cell(&t(lang, Msg::OutsideView).replace("{n}", &r.outside_view.to_string()))
        )?;
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
        assert_eq!(cell("<script>"), "\\<script>");
        // Menu paths and comparisons read as typed, in Markdown and as plain text.
        assert_eq!(cell("Identity > Applications"), "Identity > Applications");
        assert_eq!(cell("a < 5 and <app>"), "a < 5 and \\<app>");
        assert_eq!(cell("> quoted"), "\\> quoted");
        assert_eq!(cell("\u{1b}[2J"), "\\x1b\\[2J");
        assert_eq!(cell("a\\|b"), "a\\\\\\|b");
    }
}
