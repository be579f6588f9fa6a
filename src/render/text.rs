//! The words the human formats share: table, Markdown and HTML format these sentences and
//! labels, they do not rebuild them.
//!
//! Everything here is plain text in the user's language, with log values already
//! flattened and neutralised (`one_line`); each format then escapes it for itself (a
//! Markdown cell, an HTML element). Words that only one renderer uses stay with it (the
//! summary of `diff` in `diff.rs`, of `explain --csv` in `console.rs`).

use std::io::{self, Write};

use chrono::{DateTime, Utc};

use super::{one_line, sanitize};
use crate::catalog::Retry;
use crate::cycles::{Check, CycleStats, RiskReason, Warning};
use crate::i18n::{Label, Lang, Msg, t};
use crate::report::{Group, InputSummary, NO_ATTRIBUTE, Priority, Summary};
use crate::time::format_seconds;

/// Columns a string takes in a terminal: East Asian wide characters take two.
pub fn unicode_width(s: &str) -> usize {
    s.chars()
        .map(|c| if (c as u32) >= 0x1100 { 2 } else { 1 })
        .sum()
}

/// The aligned label/value block of the terminal views: every value starts two columns
/// after the widest label, and a value's further lines continue under it. Labels wider
/// than `max_label` (SCIM URNs) are left out of that width and push only their own value.
/// A row with no lines writes nothing. Labels and lines are written sanitised.
pub fn aligned(
    w: &mut dyn Write,
    indent: &str,
    max_label: usize,
    rows: &[(&str, Vec<&str>)],
) -> io::Result<()> {
    let width = rows
        .iter()
        .map(|(l, _)| unicode_width(l))
        .filter(|n| *n <= max_label)
        .max()
        .unwrap_or(0);
    for (label, lines) in rows {
        let pad = " ".repeat(width.saturating_sub(unicode_width(label)));
        for (i, line) in lines.iter().enumerate() {
            let line = sanitize(line);
            if i == 0 {
                writeln!(w, "{indent}{}{pad}  {line}", sanitize(label))?;
            } else {
                writeln!(w, "{indent}{}  {line}", " ".repeat(width))?;
            }
        }
    }
    Ok(())
}

/// `aligned` over label/value pairs whose values hold their lines separated by `\n`.
pub fn aligned_pairs(w: &mut dyn Write, rows: &[(&str, String)]) -> io::Result<()> {
    let rows: Vec<(&str, Vec<&str>)> = rows
        .iter()
        .map(|(l, v)| (*l, v.split('\n').collect()))
        .collect();
    aligned(w, "", usize::MAX, &rows)
}

/// "+N more".
pub fn more(lang: Lang, n: impl ToString) -> String {
    t(lang, Msg::MoreN).replace("{n}", &n.to_string())
}

// ---------------------------------------------------------------------------------------
// Retry and priority

pub fn retry_text(r: Retry, lang: Lang) -> &'static str {
    match r {
        Retry::Automatic => t(lang, Msg::RetryAutomatic),
        Retry::NextCycle => t(lang, Msg::RetryNextCycle),
        Retry::Manual => t(lang, Msg::RetryManual),
        Retry::None => t(lang, Msg::RetryNone),
    }
}

/// "retried N times".
pub fn retried_text(n: u32, lang: Lang) -> String {
    format!("{} {n} {}", t(lang, Msg::Retried), t(lang, Msg::Times))
}

/// "next retry TIME", the time written as the format writes times.
pub fn next_retry_text(when: &str, lang: Lang) -> String {
    format!("{} {when}", t(lang, Msg::NextRetry))
}

/// The retry line of a group: how the entry retries, how often the events were retried,
/// and when next. `when` writes the time as the format writes times.
pub fn retry_line(
    r: Retry,
    max_retry: Option<u32>,
    next_retry: Option<DateTime<Utc>>,
    lang: Lang,
    when: impl Fn(&DateTime<Utc>) -> String,
) -> String {
    let mut line = retry_text(r, lang).to_owned();
    if let Some(m) = max_retry.filter(|m| *m > 0) {
        line.push_str("; ");
        line.push_str(&retried_text(m, lang));
    }
    if let Some(n) = next_retry {
        line.push_str("; ");
        line.push_str(&next_retry_text(&when(&n), lang));
    }
    line
}

/// The priority of a group, with the next retry time for one that will retry. `cell` gives
/// the compact form for a table cell: the detail on a second line, the time to the second.
pub fn priority_text(g: &Group, lang: Lang, cell: bool) -> String {
    let sep = if cell { "\n" } else { " " };
    match g.priority {
        None => String::new(),
        Some(Priority::NeedsAction) => {
            let mut s = t(lang, Msg::PriorityNeedsAction).to_owned();
            if g.persistent_identities > 0 {
                s.push_str(&format!(
                    "{sep}({} {})",
                    g.persistent_identities,
                    t(lang, Msg::Persistent)
                ));
            }
            s
        }
        Some(Priority::WillRetry) => match g.next_retry {
            Some(n) if cell => format!(
                "{}\n{}",
                t(lang, Msg::PriorityWillRetry),
                n.format("%Y-%m-%dT%H:%M:%SZ")
            ),
            Some(n) => format!(
                "{} ({})",
                t(lang, Msg::PriorityWillRetry),
                next_retry_text(&format_seconds(&n), lang)
            ),
            None => t(lang, Msg::PriorityWillRetry).to_owned(),
        },
        Some(Priority::Informational) => t(lang, Msg::PriorityInformational).to_owned(),
    }
}

/// "N of the M identities have failed in several cycles", for a group with persistent
/// identities.
pub fn persistent_text(g: &Group, lang: Lang) -> String {
    t(lang, Msg::PersistentText)
        .replace("{n}", &g.persistent_identities.to_string())
        .replace("{m}", &g.identity_count.to_string())
}

// ---------------------------------------------------------------------------------------
// The summary of `analyze`

/// One input in a summary: its name, shape, events, and what went wrong with it.
pub fn input_line(i: &InputSummary, lang: Lang) -> String {
    let mut text = format!(
        "{} ({}): {} {}",
        one_line(&i.label),
        i.format.map(|f| f.describe()).unwrap_or("?"),
        i.events,
        t(lang, Msg::Events)
    );
    if i.rejected > 0 {
        text.push_str(&format!(", {} {}", i.rejected, t(lang, Msg::Rejected)));
    }
    if let Some(e) = &i.error {
        text.push_str(&format!(" — {}: {}", t(lang, Msg::FileFailed), one_line(e)));
    }
    text
}

/// The summary as label/value pairs; a value of several lines (the inputs) has them
/// separated by `\n`.
pub fn summary_lines(s: &Summary, lang: Lang) -> Vec<(&'static str, String)> {
    let mut lines = Vec::new();
    let inputs: Vec<String> = s.inputs.iter().map(|i| input_line(i, lang)).collect();
    lines.push((t(lang, Msg::Inputs), inputs.join("\n")));
    let mut read = format!("{}", s.read);
    if s.rejected > 0 {
        read.push_str(&format!(" ({} {})", s.rejected, t(lang, Msg::Rejected)));
    }
    if s.damaged > 0 {
        read.push_str(&format!(" ({} {})", s.damaged, t(lang, Msg::Damaged)));
    }
    lines.push((t(lang, Msg::EventsRead), read));
    if let (Some(first), Some(last)) = (s.first, s.last) {
        lines.push((
            t(lang, Msg::TimeSpan),
            format!(
                "{} … {} ({} {})",
                format_seconds(&first),
                format_seconds(&last),
                t(lang, Msg::Newest),
                format_seconds(&last)
            ),
        ));
    }
    let statuses: Vec<String> = s
        .by_status
        .iter()
        .map(|(k, v)| format!("{} {v}", k.label(lang)))
        .collect();
    lines.push((t(lang, Msg::ByStatus), statuses.join(" · ")));
    let actions: Vec<String> = s
        .by_action
        .iter()
        .map(|(k, v)| {
            if *k == crate::event::Action::Update && s.noise > 0 {
                format!(
                    "{} {v} ({} {})",
                    k.label(lang),
                    s.noise,
                    t(lang, Msg::Noise)
                )
            } else {
                format!("{} {v}", k.label(lang))
            }
        })
        .collect();
    lines.push((t(lang, Msg::ByAction), actions.join(" · ")));
    if !s.apps.is_empty() {
        let apps: Vec<String> = s.apps.iter().map(|a| one_line(a)).collect();
        lines.push((
            t(lang, Msg::Apps),
            format!(
                "{} ({} {})",
                apps.join(", "),
                s.cycles,
                t(lang, Msg::Cycles)
            ),
        ));
    }
    lines.push((
        t(lang, Msg::Selected),
        format!("{} {}", s.selected, t(lang, Msg::Events)),
    ));
    lines
}

/// The heading of the diagnosis view (an `i18n` key), after what `--status` selected:
/// failures (and warnings), skipped events, or events.
pub fn diagnosis_heading(s: &Summary) -> Msg {
    use crate::event::Status;
    let failures = |st: &Status| matches!(st, Status::Failure | Status::Warning);
    if !s.statuses.is_empty() && s.statuses.iter().all(failures) {
        Msg::GroupsByDiagnosis
    } else if s.statuses == [Status::Skipped] {
        Msg::GroupsByDiagnosisSkipped
    } else {
        Msg::GroupsByDiagnosisEvents
    }
}

/// "No events match.", and when a time window was given, the window and where the input's
/// events lie, so that `--since 24h` on an older export says why it found nothing.
pub fn no_events_text(s: &Summary, lang: Lang) -> String {
    let mut text = t(lang, Msg::NoEvents).to_owned();
    if let Some((since, until)) = s.window {
        let time = |t: Option<DateTime<Utc>>, none: Msg| {
            t.map(|t| format_seconds(&t))
                .unwrap_or_else(|| self::t(lang, none).to_owned())
        };
        text.push_str(t(lang, Msg::SentenceSep));
        text.push_str(
            &t(lang, Msg::NoEventsWindow)
                .replace("{since}", &time(since, Msg::WindowStart))
                .replace("{until}", &time(until, Msg::WindowNow))
                .replace("{first}", &time(s.first, Msg::NoTimes))
                .replace("{last}", &time(s.last, Msg::NoTimes)),
        );
    }
    text
}

// ---------------------------------------------------------------------------------------
// Quarantine warnings

fn check_text(c: Check, lang: Lang) -> &'static str {
    match c {
        Check::Credentials => t(lang, Msg::CheckCredentials),
        Check::TargetUrl => t(lang, Msg::CheckTargetUrl),
        Check::AdminConsent => t(lang, Msg::CheckAdminConsent),
    }
}

/// A whole percent, rounded down.
pub fn percent(part: u64, whole: u64) -> u64 {
    (part * 100).checked_div(whole).unwrap_or(0)
}

/// One quarantine warning as lines of text: the finding, what to check first, the entries.
/// Log values in it (job, app and cycle ids) are flattened and neutralised.
pub fn warning_lines(w: &Warning, lang: Lang) -> Vec<String> {
    let c = &w.latest;
    let mut job = one_line(&w.job_id);
    if let Some(app) = &w.app {
        job.push_str(&format!(" ({})", one_line(app)));
    }
    let time = |t: Option<DateTime<Utc>>| {
        t.as_ref()
            .map(format_seconds)
            .unwrap_or_else(|| "?".to_owned())
    };
    let mut first = format!(
        "{}: {}",
        t(lang, Msg::WarnHead).replace("{job}", &job),
        t(lang, Msg::WarnCycle)
            .replace("{cycle}", &one_line(&c.cycle_id))
            .replace("{first}", &time(c.first))
            .replace("{last}", &time(c.last))
            .replace("{failures}", &c.failures().to_string())
            .replace("{events}", &c.events.to_string())
            .replace("{share}", &percent(c.failures(), c.events).to_string())
    );
    if w.reasons.contains(&RiskReason::MostlyConfig) {
        first.push_str(t(lang, Msg::WarnSep));
        first.push_str(
            &t(lang, Msg::WarnConfig)
                .replace("{n}", &c.config_failures().to_string())
                .replace("{failures}", &c.failures().to_string()),
        );
    }
    first.push_str(t(lang, Msg::WarnEnd));
    if w.cycles_at_risk > 1 {
        first.push_str(t(lang, Msg::SentenceSep));
        first.push_str(
            &t(lang, Msg::WarnMoreCycles)
                .replace("{n}", &w.cycles_at_risk.to_string())
                .replace("{m}", &w.cycles.to_string()),
        );
    }
    first.push_str(t(lang, Msg::SentenceSep));
    first.push_str(t(lang, Msg::WarnWhy));
    let checks: Vec<&str> = w.checks.iter().map(|c| check_text(*c, lang)).collect();
    let entries: Vec<String> = w
        .entries
        .iter()
        .map(|(id, cat, n)| format!("{} ({}, {n})", one_line(id), cat.label(lang)))
        .collect();
    vec![
        first,
        format!(
            "{}: {}",
            t(lang, Msg::WarnCheck),
            checks.join(t(lang, Msg::ListSep))
        ),
        format!("{}: {}", t(lang, Msg::WarnEntries), entries.join(", ")),
    ]
}

// ---------------------------------------------------------------------------------------
// Group views

/// How many of a group's diagnoses a view that groups by something else lists.
pub const TOP_DIAGNOSES: usize = 3;

/// A group's most frequent diagnoses, one a line with their counts, then "+N more": a
/// group of one app or identity often fails in several ways.
pub fn diagnoses_text(g: &Group, lang: Lang, sep: &str) -> String {
    let top = g.top_diagnoses();
    if let [(d, _)] = top.as_slice() {
        return one_line(&d.title);
    }
    let mut lines: Vec<String> = top
        .iter()
        .take(TOP_DIAGNOSES)
        .map(|(d, n)| format!("{} ×{n}", one_line(&d.title)))
        .collect();
    if top.len() > TOP_DIAGNOSES {
        lines.push(more(lang, top.len() - TOP_DIAGNOSES));
    }
    lines.join(sep)
}

/// `name n · name n` over a count map.
pub fn counts_line<K: Copy>(
    m: &std::collections::BTreeMap<K, u64>,
    name: impl Fn(K) -> &'static str,
    sep: &str,
) -> String {
    m.iter()
        .map(|(k, v)| format!("{} {v}", name(*k)))
        .collect::<Vec<_>>()
        .join(sep)
}

/// The columns of the cycle view (`--group-by cycle`), as the table and Markdown head them.
pub fn cycle_columns(lang: Lang) -> [&'static str; 7] {
    [
        t(lang, Msg::Cycle),
        t(lang, Msg::TimeSpan),
        t(lang, Msg::EventsCol),
        t(lang, Msg::Action),
        t(lang, Msg::Status),
        t(lang, Msg::TopDiagnoses),
        t(lang, Msg::Selected),
    ]
}

/// The columns of the attribute view (`--group-by attribute`).
pub fn attribute_columns(lang: Lang) -> [&'static str; 6] {
    [
        t(lang, Msg::Attribute),
        t(lang, Msg::Identity),
        t(lang, Msg::OffendingValue),
        t(lang, Msg::Diagnosis),
        t(lang, Msg::Count),
        t(lang, Msg::Detail),
    ]
}

/// The cells of one cycle of the cycle view: span, by action, by status, top diagnoses.
pub fn cycle_cells(c: &CycleStats, lang: Lang, sep: &str) -> [String; 4] {
    let span = match (c.first, c.last) {
        (Some(f), Some(l)) => format!("{} … {}", format_seconds(&f), format_seconds(&l)),
        _ => String::new(),
    };
    let top: Vec<String> = c
        .top_diagnoses(crate::cycles::TOP)
        .iter()
        .map(|(id, _, n)| format!("{} ×{n}", one_line(id)))
        .collect();
    [
        span,
        counts_line(&c.by_action, |a| a.label(lang), sep),
        counts_line(&c.by_status, |s| s.label(lang), sep),
        top.join(sep),
    ]
}

/// The attribute view's name for a group key.
pub fn attribute_name(key: &str, lang: Lang) -> String {
    if key == NO_ATTRIBUTE {
        t(lang, Msg::NotNamed).to_owned()
    } else {
        one_line(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_line_says_how_often_and_when_next() {
        let next = crate::time::parse_time("2026-11-20T01:00:00Z").expect("time");
        assert_eq!(
            retry_line(Retry::Automatic, None, None, Lang::En, format_seconds),
            retry_text(Retry::Automatic, Lang::En)
        );
        let line = retry_line(Retry::Automatic, Some(0), Some(next), Lang::En, |n| {
            format!("{} UTC", n.format("%H:%M"))
        });
        assert!(line.ends_with("; next retry 01:00 UTC"), "{line}");
        let line = retry_line(Retry::Automatic, Some(3), None, Lang::En, format_seconds);
        assert!(line.ends_with("; retried up to 3 times"), "{line}");
    }

    #[test]
    fn aligned_values_start_in_one_column() {
        let mut out = Vec::new();
        let rows = [
            ("ab", vec!["1"]),
            ("abcd", vec!["2", "3"]),
            ("skipped", vec![]),
            ("a-very-long-label", vec!["4"]),
        ];
        aligned(&mut out, "  ", 8, &rows).expect("in memory");
        assert_eq!(
            String::from_utf8(out).expect("utf8"),
            "  ab       1\n  abcd     2\n           3\n  a-very-long-label  4\n"
        );
    }
}
