//! `provlog show`: the report of one change, in the spirit of the portal's Summary,
//! Troubleshooting & Recommendations, Steps and Modified Properties tabs.
//!
//! Three forms of the same records: `table` for a terminal, `markdown` to paste into a
//! ticket (GitHub, Azure DevOps, ServiceNow and Zendesk render it), and `json`, one line per
//! event in the NDJSON shape of the output contract plus the full steps and modified
//! properties. Pure: the records are classified (and redacted) before they get here.
//! Log values are untrusted: control characters are made visible, and in Markdown every
//! value is escaped or put in a code span or block that it cannot close.

use std::io::{self, Write};

use super::markdown::cell;
use super::text::{aligned, retry_text};
use super::wire::show::WireChange;
use super::{Style, one_line, sanitize};
use crate::classify::Diagnosis;
use crate::event::{Event, Party, Status, Step};
use crate::i18n::Lang;
use crate::i18n::{Label, Msg, t};
use crate::reason::Facts;
use crate::report::Record;
use crate::time::format_seconds;

// ---------------------------------------------------------------------------------------
// What every form shows, as plain (unescaped) text

/// The Summary tab: label and value, in the portal's order. Values are raw log text.
fn summary_rows(e: &Event, lang: Lang) -> Vec<(Msg, String)> {
    let mut rows = Vec::new();
    let mut push = |key: Msg, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.trim().is_empty()) {
            rows.push((key, v));
        }
    };
    push(Msg::TimeUtc, e.time.as_ref().map(format_seconds));
    push(Msg::Status, e.status.map(|s| s.label(lang).to_owned()));
    push(Msg::Action, e.action.map(|a| a.label(lang).to_owned()));
    push(Msg::App, system_text(&e.service_principal));
    push(Msg::JobId, e.job_id.clone());
    push(Msg::CycleId, e.cycle_id.clone());
    push(Msg::ChangeId, e.change_id.clone());
    push(Msg::EventId, e.id.clone());
    push(Msg::TenantId, e.tenant_id.clone());
    push(Msg::Duration, e.duration_ms.map(|d| format!("{d} ms")));
    push(Msg::InitiatedBy, party_text(&e.initiated_by, lang));
    push(Msg::SourceSystem, system_text(&e.source_system));
    push(Msg::SourceIdentity, party_text(&e.source_identity, lang));
    push(Msg::TargetSystem, system_text(&e.target_system));
    push(Msg::TargetIdentity, party_text(&e.target_identity, lang));
    rows
}

/// An app or a system: its name and id.
fn system_text(p: &Party) -> Option<String> {
    let parts: Vec<&str> = [p.name.as_deref(), p.id.as_deref()]
        .into_iter()
        .flatten()
        .filter(|s| !s.trim().is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// An identity: name, UPN (when it says more than the name), type and id.
fn party_text(p: &Party, lang: Lang) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    let nonempty = |s: &Option<String>| s.clone().filter(|s| !s.trim().is_empty());
    if let Some(n) = nonempty(&p.name) {
        parts.push(n);
    }
    if let Some(u) = nonempty(&p.upn)
        && p.name.as_deref() != Some(u.as_str())
    {
        parts.push(u);
    }
    if let Some(k) = nonempty(&p.kind) {
        parts.push(k);
    }
    if let Some(id) = nonempty(&p.id) {
        parts.push(format!("{} {id}", t(lang, Msg::Id)));
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// The one-line headline: status, action, who, from where to where, when.
fn headline(e: &Event, lang: Lang) -> String {
    let mut parts = vec![
        e.status().label(lang).to_owned(),
        e.action().label(lang).to_owned(),
    ];
    if let Some(i) = e.identity() {
        parts.push(i.to_owned());
    }
    let from = e.source_system.name.as_deref().filter(|s| !s.is_empty());
    let to = e.target_system.name.as_deref().filter(|s| !s.is_empty());
    match (from, to) {
        (Some(f), Some(t)) => parts.push(format!("{f} → {t}")),
        (Some(f), None) => parts.push(f.to_owned()),
        (None, Some(t)) => parts.push(format!("→ {t}")),
        (None, None) => {}
    }
    if let Some(time) = &e.time {
        parts.push(format_seconds(time));
    }
    parts.join(" · ")
}

/// The error fields of the Troubleshooting tab that are one-liners.
fn error_rows(e: &Event, lang: Lang) -> Vec<(&'static str, String)> {
    let mut rows = Vec::new();
    if let Some(c) = e.error.code.as_deref().filter(|c| !c.is_empty()) {
        rows.push((t(lang, Msg::ErrorCode), c.to_owned()));
    }
    if let Some(c) = e.error.category.as_deref().filter(|c| !c.is_empty()) {
        rows.push((t(lang, Msg::ErrorCategory), c.to_owned()));
    }
    rows
}

/// Parsed facts: the fixed ones under readable labels, then the rest by name.
fn fact_rows(f: &Facts, lang: Lang) -> Vec<(String, String)> {
    let mut rows = Vec::new();
    if let Some(s) = f.http_status {
        rows.push((t(lang, Msg::HttpStatus).to_owned(), s.to_string()));
    }
    if let Some(n) = f.retry_count {
        rows.push((t(lang, Msg::RetryCount).to_owned(), n.to_string()));
    }
    if let Some(n) = &f.next_retry {
        rows.push((t(lang, Msg::NextRetryAt).to_owned(), format_seconds(n)));
    }
    if let Some(c) = &f.target_error_code {
        rows.push((t(lang, Msg::TargetErrorCode).to_owned(), c.clone()));
    }
    if let Some(r) = &f.request_id {
        rows.push((t(lang, Msg::RequestId).to_owned(), r.clone()));
    }
    let mut extra: Vec<&(String, String)> = f
        .extra
        .iter()
        .filter(|(k, _)| {
            !matches!(
                k.as_str(),
                "http_status" | "retry_count" | "next_retry" | "target_error_code" | "request_id"
            )
        })
        .collect();
    extra.sort();
    rows.extend(
        extra
            .into_iter()
            .map(|(k, v)| (crate::i18n::fact_label(k, lang), v.clone())),
    );
    rows
}

/// Category, system, retry behaviour and how the entry was matched, on one line.
fn diagnosis_line(d: &Diagnosis, lang: Lang) -> String {
    let mut parts = vec![format!(
        "{}: {}",
        t(lang, Msg::Category),
        d.category.label(lang)
    )];
    if let Some(s) = d.system {
        parts.push(format!("{}: {}", t(lang, Msg::System), s.as_str()));
    }
    if let Some(r) = d.retry {
        parts.push(format!("{}: {}", t(lang, Msg::Retry), retry_text(r, lang)));
    }
    if let Some(m) = d.matched_by {
        parts.push(format!("{}: {}", t(lang, Msg::MatchedBy), m.as_str()));
    }
    parts.join(" · ")
}

/// Lines of a multi-line log value, CRLF or LF, without empty ones.
fn lines(s: &str) -> impl Iterator<Item = &str> {
    s.split(['\n', '\r']).filter(|l| !l.trim().is_empty())
}

fn step_heading(n: usize, s: &Step, lang: Lang) -> (String, &'static str, &'static str) {
    (
        s.name.clone().unwrap_or_else(|| format!("#{n}")),
        s.step_type.as_str(),
        s.status.label(lang),
    )
}

// ---------------------------------------------------------------------------------------
// Table: for a terminal

fn bold(style: &Style, s: &str) -> String {
    if style.color {
        format!("\u{1b}[1m{s}\u{1b}[0m")
    } else {
        s.to_owned()
    }
}

fn red(style: &Style, s: &str) -> String {
    if style.color {
        format!("\u{1b}[31m{s}\u{1b}[0m")
    } else {
        s.to_owned()
    }
}

/// Labels longer than this (SCIM URNs) do not push every other value to the right.
const MAX_LABEL_WIDTH: usize = 32;

/// Label/value lines with the values aligned (`text::aligned`); a multi-line log value
/// continues under itself, without its empty lines.
fn block(w: &mut dyn Write, indent: &str, rows: &[(String, String)]) -> io::Result<()> {
    let rows: Vec<(&str, Vec<&str>)> = rows
        .iter()
        .map(|(l, v)| (l.as_str(), lines(v).map(str::trim_end).collect()))
        .collect();
    aligned(w, indent, MAX_LABEL_WIDTH, &rows)
}

fn owned(rows: Vec<(&'static str, String)>) -> Vec<(String, String)> {
    rows.into_iter().map(|(l, v)| (l.to_owned(), v)).collect()
}

pub fn table(
    w: &mut dyn Write,
    records: &[Record],
    style: Style,
    redacted: bool,
) -> io::Result<()> {
    let lang = style.lang;
    for (i, rec) in records.iter().enumerate() {
        if i > 0 {
            writeln!(w)?;
            writeln!(w, "{}", if style.ascii { "-" } else { "─" }.repeat(72))?;
            writeln!(w)?;
        }
        let e = &rec.event;
        let change = e.change_id.as_deref().unwrap_or("?");
        writeln!(
            w,
            "{}",
            bold(
                &style,
                &format!("{} {}", t(lang, Msg::Change), one_line(change))
            )
        )?;
        writeln!(w, "{}", one_line(&headline(e, lang)))?;
        if let Some(d) = &rec.diagnosis {
            writeln!(
                w,
                "{}: {} ({})",
                t(lang, Msg::Diagnosis),
                one_line(&d.title),
                d.id
            )?;
        }

        writeln!(w)?;
        writeln!(w, "{}", bold(&style, t(lang, Msg::SummaryTab)))?;
        let rows: Vec<(String, String)> = summary_rows(e, lang)
            .into_iter()
            .map(|(k, v)| (t(lang, k).to_owned(), v))
            .collect();
        block(w, "  ", &rows)?;

        writeln!(w)?;
        writeln!(w, "{}", bold(&style, t(lang, Msg::Troubleshooting)))?;
        let mut rows = owned(error_rows(e, lang));
        if let Some(r) = &e.error.reason {
            rows.push((t(lang, Msg::Reason).to_owned(), r.clone()));
        }
        if let Some(r) = &e.error.additional_details {
            rows.push((t(lang, Msg::AdditionalDetails).to_owned(), r.clone()));
        }
        if let Some(r) = &e.error.recommended_action {
            rows.push((t(lang, Msg::RecommendedAction).to_owned(), r.clone()));
        }
        if rows.is_empty() {
            writeln!(w, "  {}", t(lang, Msg::NoError))?;
        } else {
            block(w, "  ", &rows)?;
        }
        let facts = fact_rows(&rec.facts, lang);
        if !facts.is_empty() {
            writeln!(w, "  {}:", t(lang, Msg::Facts))?;
            block(w, "    ", &facts)?;
        }
        if let Some(d) = &rec.diagnosis {
            writeln!(
                w,
                "  {}: {} ({})",
                t(lang, Msg::Diagnosis),
                sanitize(&d.title),
                d.id
            )?;
            writeln!(w, "    {}", diagnosis_line(d, lang))?;
            if let Some(line) = d.cause_line() {
                writeln!(w, "    {}: {}", t(lang, Msg::Cause), sanitize(&line))?;
            }
            writeln!(w, "    {}", sanitize(&d.explanation))?;
            writeln!(w, "    {}:", t(lang, Msg::WhatToDo))?;
            for (k, s) in d.steps.iter().enumerate() {
                writeln!(w, "      {}. {}", k + 1, sanitize(s))?;
            }
            for doc in &d.docs {
                writeln!(w, "    {}: {}", t(lang, Msg::Docs), sanitize(doc))?;
            }
        }

        writeln!(w)?;
        writeln!(w, "{}", bold(&style, t(lang, Msg::Steps)))?;
        if e.steps.is_empty() {
            writeln!(w, "  {}", t(lang, Msg::NoSteps))?;
        }
        for (k, s) in e.steps.iter().enumerate() {
            let (name, kind, status) = step_heading(k + 1, s, lang);
            let status = if s.status == Status::Failure {
                red(&style, &status.to_uppercase())
            } else {
                status.to_owned()
            };
            writeln!(w, "  {:>2}. {status}  {} ({kind})", k + 1, one_line(&name))?;
            if let Some(d) = &s.description {
                for line in lines(d) {
                    writeln!(w, "      {}", sanitize(line.trim()))?;
                }
            }
            if !s.details.is_empty() {
                let rows: Vec<(String, String)> = s
                    .details
                    .iter()
                    .map(|(k, v)| (one_line(k), one_line(v)))
                    .collect();
                block(w, "        ", &rows)?;
            }
        }

        writeln!(w)?;
        writeln!(w, "{}", bold(&style, t(lang, Msg::ModifiedProperties)))?;
        if e.modified_properties.is_empty() {
            writeln!(w, "  {}", t(lang, Msg::NoProperties))?;
        } else {
            let none = t(lang, Msg::None);
            let rows: Vec<(String, String)> = e
                .modified_properties
                .iter()
                .map(|p| {
                    let v = |x: &Option<String>| {
                        x.as_deref()
                            .map(one_line)
                            .unwrap_or_else(|| none.to_owned())
                    };
                    (
                        one_line(&p.name),
                        format!("{} → {}", v(&p.old_value), v(&p.new_value)),
                    )
                })
                .collect();
            block(w, "  ", &rows)?;
            if e.is_account_disabled_noise() {
                writeln!(w, "  {}", t(lang, Msg::NoiseNote))?;
            }
        }
        if redacted {
            writeln!(w)?;
            writeln!(w, "{}", t(lang, Msg::RedactedNote))?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Markdown: for a ticket

/// An inline code span that the value cannot close; empty for an empty value.
fn code(s: &str) -> String {
    let s = one_line(s);
    if s.is_empty() {
        return String::new();
    }
    let fence = "`".repeat(longest_run(&s, '`') + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

/// A code span inside a table cell: GitHub-flavoured tables split on `|` even there.
fn code_cell(s: &str) -> String {
    code(s).replace('|', "\\|")
}

fn longest_run(s: &str, ch: char) -> usize {
    let mut best = 0;
    let mut run = 0;
    for c in s.chars() {
        if c == ch {
            run += 1;
            best = best.max(run);
        } else {
            run = 0;
        }
    }
    best
}

/// A fenced block keeping the value's lines; the fence is longer than any backtick run in
/// it, so the value cannot end the block.
fn fenced(w: &mut dyn Write, s: &str) -> io::Result<()> {
    let body: Vec<String> = s
        .split('\n')
        .map(|l| sanitize(l.trim_end_matches('\r')).into_owned())
        .collect();
    let body = body.join("\n");
    let body = body.trim_matches('\n');
    let fence = "`".repeat((longest_run(body, '`') + 1).max(3));
    writeln!(w, "{fence}text")?;
    writeln!(w, "{body}")?;
    writeln!(w, "{fence}")
}

/// Ids read best (and are safest) as code; everything else is escaped text.
fn md_value(key: Msg, v: &str) -> String {
    match key {
        Msg::JobId | Msg::CycleId | Msg::ChangeId | Msg::EventId | Msg::TenantId => code_cell(v),
        _ => cell(v),
    }
}

pub fn markdown(
    w: &mut dyn Write,
    records: &[Record],
    style: Style,
    redacted: bool,
) -> io::Result<()> {
    let lang = style.lang;
    for (i, rec) in records.iter().enumerate() {
        if i > 0 {
            writeln!(w)?;
            writeln!(w, "---")?;
            writeln!(w)?;
        }
        let e = &rec.event;
        writeln!(
            w,
            "## {} {}",
            t(lang, Msg::Change),
            code(e.change_id.as_deref().unwrap_or("?"))
        )?;
        writeln!(w)?;
        let status = e.status().label(lang);
        let line = headline(e, lang);
        match line.strip_prefix(status) {
            Some(rest) if !rest.is_empty() => writeln!(w, "**{status}** {}", cell(rest))?,
            _ => writeln!(w, "{}", cell(&line))?,
        }
        if let Some(d) = &rec.diagnosis {
            writeln!(w)?;
            writeln!(
                w,
                "**{}:** {} ({})",
                t(lang, Msg::Diagnosis),
                cell(&d.title),
                code(&d.id)
            )?;
        }

        writeln!(w)?;
        writeln!(w, "### {}", t(lang, Msg::SummaryTab))?;
        writeln!(w)?;
        writeln!(w, "| {} | {} |", t(lang, Msg::Field), t(lang, Msg::Value))?;
        writeln!(w, "|---|---|")?;
        for (key, value) in summary_rows(e, lang) {
            writeln!(w, "| {} | {} |", t(lang, key), md_value(key, &value))?;
        }

        writeln!(w)?;
        writeln!(w, "### {}", t(lang, Msg::Troubleshooting))?;
        writeln!(w)?;
        let rows = error_rows(e, lang);
        let has_error = !rows.is_empty()
            || e.error.reason.is_some()
            || e.error.additional_details.is_some()
            || e.error.recommended_action.is_some();
        if !has_error {
            writeln!(w, "{}", t(lang, Msg::NoError))?;
            writeln!(w)?;
        }
        for (label, value) in rows {
            writeln!(w, "- **{label}:** {}", code(&value))?;
        }
        if let Some(r) = &e.error.recommended_action {
            writeln!(w, "- **{}:** {}", t(lang, Msg::RecommendedAction), cell(r))?;
        }
        if let Some(r) = &e.error.reason {
            writeln!(w)?;
            writeln!(w, "**{}:**", t(lang, Msg::Reason))?;
            writeln!(w)?;
            fenced(w, r)?;
        }
        if let Some(r) = &e.error.additional_details {
            writeln!(w)?;
            writeln!(w, "**{}:**", t(lang, Msg::AdditionalDetails))?;
            writeln!(w)?;
            fenced(w, r)?;
        }
        let facts = fact_rows(&rec.facts, lang);
        if !facts.is_empty() {
            writeln!(w)?;
            writeln!(w, "**{}:**", t(lang, Msg::Facts))?;
            writeln!(w)?;
            writeln!(w, "| {} | {} |", t(lang, Msg::Fact), t(lang, Msg::Value))?;
            writeln!(w, "|---|---|")?;
            for (k, v) in &facts {
                let v = if v.parse::<f64>().is_ok() {
                    cell(v)
                } else {
                    code_cell(v)
                };
                writeln!(w, "| {} | {v} |", cell(k))?;
            }
        }
        if let Some(d) = &rec.diagnosis {
            writeln!(w)?;
            writeln!(
                w,
                "#### {}: {} ({})",
                t(lang, Msg::Diagnosis),
                cell(&d.title),
                code(&d.id)
            )?;
            writeln!(w)?;
            writeln!(w, "{}", cell(&diagnosis_line(d, lang)))?;
            writeln!(w)?;
            if let Some(line) = d.cause_line() {
                writeln!(w, "**{}:** {}", t(lang, Msg::Cause), cell(&line))?;
                writeln!(w)?;
            }
            writeln!(w, "{}", cell(&d.explanation))?;
            writeln!(w)?;
            writeln!(w, "**{}:**", t(lang, Msg::WhatToDo))?;
            writeln!(w)?;
            for (k, s) in d.steps.iter().enumerate() {
                writeln!(w, "{}. {}", k + 1, cell(s))?;
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

        writeln!(w)?;
        writeln!(w, "### {}", t(lang, Msg::Steps))?;
        writeln!(w)?;
        if e.steps.is_empty() {
            writeln!(w, "{}", t(lang, Msg::NoSteps))?;
        }
        for (k, s) in e.steps.iter().enumerate() {
            let (name, kind, status) = step_heading(k + 1, s, lang);
            let status = if s.status == Status::Failure {
                format!("**{status}**")
            } else {
                status.to_owned()
            };
            let marker = format!("{}. ", k + 1);
            // Continuation lines line up with the item's text, or they would end the list.
            let indent = " ".repeat(marker.len());
            writeln!(w, "{marker}**{}** · {kind} · {status}", cell(&name))?;
            if let Some(d) = &s.description {
                let text: Vec<String> = lines(d).map(cell).collect();
                writeln!(w, "{indent}{}", text.join(" · "))?;
            }
            for (key, v) in &s.details {
                writeln!(w, "{indent}- {}: {}", code(key), cell(v))?;
            }
        }

        writeln!(w)?;
        writeln!(w, "### {}", t(lang, Msg::ModifiedProperties))?;
        writeln!(w)?;
        if e.modified_properties.is_empty() {
            writeln!(w, "{}", t(lang, Msg::NoProperties))?;
        } else {
            writeln!(
                w,
                "| {} | {} | {} |",
                t(lang, Msg::Property),
                t(lang, Msg::OldValue),
                t(lang, Msg::NewValue)
            )?;
            writeln!(w, "|---|---|---|")?;
            for p in &e.modified_properties {
                let v = |x: &Option<String>| x.as_deref().map(cell).unwrap_or_default();
                writeln!(
                    w,
                    "| {} | {} | {} |",
                    code_cell(&p.name),
                    v(&p.old_value),
                    v(&p.new_value)
                )?;
            }
            if e.is_account_disabled_noise() {
                writeln!(w)?;
                writeln!(w, "{}", t(lang, Msg::NoiseNote))?;
            }
        }
        if redacted {
            writeln!(w)?;
            writeln!(w, "*{}*", t(lang, Msg::RedactedNote))?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// JSON: the NDJSON event shape plus steps and properties

/// One JSON object per line, per event (`wire::show`).
pub fn json(w: &mut dyn Write, records: &[Record]) -> io::Result<()> {
    for r in records {
        serde_json::to_writer(&mut *w, &WireChange::new(r)).map_err(io::Error::from)?;
        w.write_all(b"\n")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_cannot_be_closed_by_the_value() {
        assert_eq!(code("abc"), "`abc`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x"), "`` `x ``");
        assert_eq!(code(""), "");
        assert_eq!(code_cell("a|b"), "`a\\|b`");
    }

    #[test]
    fn fenced_blocks_outlast_backtick_runs() {
        let mut out = Vec::new();
        fenced(&mut out, "line1\r\nhas ```` four\r\n").expect("write");
        let text = String::from_utf8(out).expect("utf8");
        assert_eq!(text, "`````text\nline1\nhas ```` four\n`````\n");
    }

    #[test]
    fn identities_show_name_upn_type_and_id() {
        let p = Party {
            id: Some("x-1".into()),
            name: Some("Brian".into()),
            kind: Some("User".into()),
            upn: Some("b@c.com".into()),
        };
        assert_eq!(
            party_text(&p, Lang::En).as_deref(),
            Some("Brian · b@c.com · User · ID x-1")
        );
        let same = Party {
            name: Some("b@c.com".into()),
            upn: Some("b@c.com".into()),
            ..Party::default()
        };
        assert_eq!(party_text(&same, Lang::En).as_deref(), Some("b@c.com"));
        assert_eq!(party_text(&Party::default(), Lang::En), None);
    }
}
