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

use serde::Serialize;
use serde::ser::SerializeMap;

use super::markdown::cell;
use super::table::{retry_text, unicode_width};
use super::wire::WireEvent;
use super::{Style, one_line, sanitize};
use crate::catalog::Lang;
use crate::classify::Diagnosis;
use crate::event::{Event, Party, Status, Step};
use crate::i18n::{Label, t};
use crate::reason::Facts;
use crate::report::Record;
use crate::time::format_seconds;

// ---------------------------------------------------------------------------------------
// What every form shows, as plain (unescaped) text

/// The Summary tab: label key (for `i18n::t`) and value, in the portal's order. Values are
/// raw log text.
fn summary_rows(e: &Event, lang: Lang) -> Vec<(&'static str, String)> {
    let mut rows = Vec::new();
    let mut push = |key: &'static str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.trim().is_empty()) {
            rows.push((key, v));
        }
    };
    push("time_utc", e.time.as_ref().map(format_seconds));
    push("status", e.status.map(|s| s.label(lang).to_owned()));
    push("action", e.action.map(|a| a.label(lang).to_owned()));
    push("app", system_text(&e.service_principal));
    push("job_id", e.job_id.clone());
    push("cycle_id", e.cycle_id.clone());
    push("change_id", e.change_id.clone());
    push("event_id", e.id.clone());
    push("tenant_id", e.tenant_id.clone());
    push("duration", e.duration_ms.map(|d| format!("{d} ms")));
    push("initiated_by", party_text(&e.initiated_by, lang));
    push("source_system", system_text(&e.source_system));
    push("source_identity", party_text(&e.source_identity, lang));
    push("target_system", system_text(&e.target_system));
    push("target_identity", party_text(&e.target_identity, lang));
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
        parts.push(format!("{} {id}", t(lang, "id")));
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
        rows.push((t(lang, "error_code"), c.to_owned()));
    }
    if let Some(c) = e.error.category.as_deref().filter(|c| !c.is_empty()) {
        rows.push((t(lang, "error_category"), c.to_owned()));
    }
    rows
}

/// Parsed facts: the fixed ones under readable labels, then the rest by name.
fn fact_rows(f: &Facts, lang: Lang) -> Vec<(String, String)> {
    let mut rows = Vec::new();
    if let Some(s) = f.http_status {
        rows.push((t(lang, "http_status").to_owned(), s.to_string()));
    }
    if let Some(n) = f.retry_count {
        rows.push((t(lang, "retry_count").to_owned(), n.to_string()));
    }
    if let Some(n) = &f.next_retry {
        rows.push((t(lang, "next_retry_at").to_owned(), format_seconds(n)));
    }
    if let Some(c) = &f.target_error_code {
        rows.push((t(lang, "target_error_code").to_owned(), c.clone()));
    }
    if let Some(r) = &f.request_id {
        rows.push((t(lang, "request_id").to_owned(), r.clone()));
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
        t(lang, "category"),
        d.category.label(lang)
    )];
    if let Some(s) = d.system {
        parts.push(format!("{}: {}", t(lang, "system"), s.as_str()));
    }
    if let Some(r) = d.retry {
        parts.push(format!("{}: {}", t(lang, "retry"), retry_text(r, lang)));
    }
    if let Some(m) = d.matched_by {
        parts.push(format!("{}: {}", t(lang, "matched_by"), m.as_str()));
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

/// Label/value lines with the values aligned; a multi-line value continues under itself.
fn aligned(w: &mut dyn Write, indent: &str, rows: &[(String, String)]) -> io::Result<()> {
    let width = rows
        .iter()
        .map(|(l, _)| unicode_width(l))
        .filter(|n| *n <= MAX_LABEL_WIDTH)
        .max()
        .unwrap_or(0);
    for (label, value) in rows {
        let pad = " ".repeat(width.saturating_sub(unicode_width(label)));
        let mut first = true;
        for line in lines(value) {
            let line = sanitize(line.trim_end());
            if first {
                writeln!(w, "{indent}{}{pad}  {line}", sanitize(label))?;
                first = false;
            } else {
                writeln!(w, "{indent}{}  {line}", " ".repeat(width))?;
            }
        }
    }
    Ok(())
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
                &format!("{} {}", t(lang, "change"), one_line(change))
            )
        )?;
        writeln!(w, "{}", one_line(&headline(e, lang)))?;
        if let Some(d) = &rec.diagnosis {
            writeln!(
                w,
                "{}: {} ({})",
                t(lang, "diagnosis"),
                one_line(&d.title),
                d.id
            )?;
        }

        writeln!(w)?;
        writeln!(w, "{}", bold(&style, t(lang, "summary_tab")))?;
        let rows: Vec<(String, String)> = summary_rows(e, lang)
            .into_iter()
            .map(|(k, v)| (t(lang, k).to_owned(), v))
            .collect();
        aligned(w, "  ", &rows)?;

        writeln!(w)?;
        writeln!(w, "{}", bold(&style, t(lang, "troubleshooting")))?;
        let mut rows = owned(error_rows(e, lang));
        if let Some(r) = &e.error.reason {
            rows.push((t(lang, "reason").to_owned(), r.clone()));
        }
        if let Some(r) = &e.error.additional_details {
            rows.push((t(lang, "additional_details").to_owned(), r.clone()));
        }
        if let Some(r) = &e.error.recommended_action {
            rows.push((t(lang, "recommended_action").to_owned(), r.clone()));
        }
        if rows.is_empty() {
            writeln!(w, "  {}", t(lang, "no_error"))?;
        } else {
            aligned(w, "  ", &rows)?;
        }
        let facts = fact_rows(&rec.facts, lang);
        if !facts.is_empty() {
            writeln!(w, "  {}:", t(lang, "facts"))?;
            aligned(w, "    ", &facts)?;
        }
        if let Some(d) = &rec.diagnosis {
            writeln!(
                w,
                "  {}: {} ({})",
                t(lang, "diagnosis"),
                sanitize(&d.title),
                d.id
            )?;
            writeln!(w, "    {}", diagnosis_line(d, lang))?;
            if let Some(line) = d.cause_line() {
                writeln!(w, "    {}: {}", t(lang, "cause"), sanitize(&line))?;
            }
            writeln!(w, "    {}", sanitize(&d.explanation))?;
            writeln!(w, "    {}:", t(lang, "what_to_do"))?;
            for (k, s) in d.steps.iter().enumerate() {
                writeln!(w, "      {}. {}", k + 1, sanitize(s))?;
            }
            for doc in &d.docs {
                writeln!(w, "    {}: {}", t(lang, "docs"), sanitize(doc))?;
            }
        }

        writeln!(w)?;
        writeln!(w, "{}", bold(&style, t(lang, "steps")))?;
        if e.steps.is_empty() {
            writeln!(w, "  {}", t(lang, "no_steps"))?;
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
                aligned(w, "        ", &rows)?;
            }
        }

        writeln!(w)?;
        writeln!(w, "{}", bold(&style, t(lang, "modified_properties")))?;
        if e.modified_properties.is_empty() {
            writeln!(w, "  {}", t(lang, "no_properties"))?;
        } else {
            let none = t(lang, "none");
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
            aligned(w, "  ", &rows)?;
            if e.is_account_disabled_noise() {
                writeln!(w, "  {}", t(lang, "noise_note"))?;
            }
        }
        if redacted {
            writeln!(w)?;
            writeln!(w, "{}", t(lang, "redacted_note"))?;
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
fn md_value(key: &str, v: &str) -> String {
    match key {
        "job_id" | "cycle_id" | "change_id" | "event_id" | "tenant_id" => code_cell(v),
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
            t(lang, "change"),
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
                t(lang, "diagnosis"),
                cell(&d.title),
                code(&d.id)
            )?;
        }

        writeln!(w)?;
        writeln!(w, "### {}", t(lang, "summary_tab"))?;
        writeln!(w)?;
        writeln!(w, "| {} | {} |", t(lang, "field"), t(lang, "value"))?;
        writeln!(w, "|---|---|")?;
        for (key, value) in summary_rows(e, lang) {
            writeln!(w, "| {} | {} |", t(lang, key), md_value(key, &value))?;
        }

        writeln!(w)?;
        writeln!(w, "### {}", t(lang, "troubleshooting"))?;
        writeln!(w)?;
        let rows = error_rows(e, lang);
        let has_error = !rows.is_empty()
            || e.error.reason.is_some()
            || e.error.additional_details.is_some()
            || e.error.recommended_action.is_some();
        if !has_error {
            writeln!(w, "{}", t(lang, "no_error"))?;
            writeln!(w)?;
        }
        for (label, value) in rows {
            writeln!(w, "- **{label}:** {}", code(&value))?;
        }
        if let Some(r) = &e.error.recommended_action {
            writeln!(w, "- **{}:** {}", t(lang, "recommended_action"), cell(r))?;
        }
        if let Some(r) = &e.error.reason {
            writeln!(w)?;
            writeln!(w, "**{}:**", t(lang, "reason"))?;
            writeln!(w)?;
            fenced(w, r)?;
        }
        if let Some(r) = &e.error.additional_details {
            writeln!(w)?;
            writeln!(w, "**{}:**", t(lang, "additional_details"))?;
            writeln!(w)?;
            fenced(w, r)?;
        }
        let facts = fact_rows(&rec.facts, lang);
        if !facts.is_empty() {
            writeln!(w)?;
            writeln!(w, "**{}:**", t(lang, "facts"))?;
            writeln!(w)?;
            writeln!(w, "| {} | {} |", t(lang, "fact"), t(lang, "value"))?;
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
                t(lang, "diagnosis"),
                cell(&d.title),
                code(&d.id)
            )?;
            writeln!(w)?;
            writeln!(w, "{}", cell(&diagnosis_line(d, lang)))?;
            writeln!(w)?;
            if let Some(line) = d.cause_line() {
                writeln!(w, "**{}:** {}", t(lang, "cause"), cell(&line))?;
                writeln!(w)?;
            }
            writeln!(w, "{}", cell(&d.explanation))?;
            writeln!(w)?;
            writeln!(w, "**{}:**", t(lang, "what_to_do"))?;
            writeln!(w)?;
            for (k, s) in d.steps.iter().enumerate() {
                writeln!(w, "{}. {}", k + 1, cell(s))?;
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

        writeln!(w)?;
        writeln!(w, "### {}", t(lang, "steps"))?;
        writeln!(w)?;
        if e.steps.is_empty() {
            writeln!(w, "{}", t(lang, "no_steps"))?;
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
        writeln!(w, "### {}", t(lang, "modified_properties"))?;
        writeln!(w)?;
        if e.modified_properties.is_empty() {
            writeln!(w, "{}", t(lang, "no_properties"))?;
        } else {
            writeln!(
                w,
                "| {} | {} | {} |",
                t(lang, "property"),
                t(lang, "old_value"),
                t(lang, "new_value")
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
                writeln!(w, "{}", t(lang, "noise_note"))?;
            }
        }
        if redacted {
            writeln!(w)?;
            writeln!(w, "*{}*", t(lang, "redacted_note"))?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// JSON: the NDJSON event shape plus steps and properties

/// `details` in the order the export gives them.
struct Details<'a>(&'a [(String, String)]);

impl Serialize for Details<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

#[derive(Serialize)]
struct WireStep<'a> {
    name: Option<&'a str>,
    #[serde(rename = "type")]
    step_type: &'static str,
    status: &'static str,
    description: Option<&'a str>,
    details: Details<'a>,
}

#[derive(Serialize)]
struct WireProperty<'a> {
    name: &'a str,
    old_value: Option<&'a str>,
    new_value: Option<&'a str>,
}

#[derive(Serialize)]
struct WireChange<'a> {
    #[serde(flatten)]
    event: WireEvent<'a>,
    steps: Vec<WireStep<'a>>,
    modified_properties: Vec<WireProperty<'a>>,
}

/// One JSON object per line, per event.
pub fn json(w: &mut dyn Write, records: &[Record]) -> io::Result<()> {
    for r in records {
        let e = &r.event;
        let doc = WireChange {
            event: WireEvent::new(r),
            steps: e
                .steps
                .iter()
                .map(|s| WireStep {
                    name: s.name.as_deref(),
                    step_type: s.step_type.as_str(),
                    status: s.status.as_str(),
                    description: s.description.as_deref(),
                    details: Details(&s.details),
                })
                .collect(),
            modified_properties: e
                .modified_properties
                .iter()
                .map(|p| WireProperty {
                    name: &p.name,
                    old_value: p.old_value.as_deref(),
                    new_value: p.new_value.as_deref(),
                })
                .collect(),
        };
        serde_json::to_writer(&mut *w, &doc).map_err(io::Error::from)?;
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
