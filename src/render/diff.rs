//! The output of `provlog diff`, in every format: one row per (identity, diagnosis) with
//! a `change` of `new`, `persisting` or `resolved`.
//!
//! Kept in one module rather than spread over the per-format ones because its rows share
//! nothing with the event and group views; the conventions are theirs (wire types, in
//! `wire::diff`, with `null` for missing values, the csv crate's quoting with the formula
//! guard, sanitised text in the table and Markdown).

use std::io::{self, Write};

use comfy_table::Cell;

use super::csv::{guard, io_of};
use super::markdown::{cell, label_list};
use super::table::{header, keep_words_whole, new_table};
use super::text::{aligned_pairs, input_line, next_retry_text, retried_text};
use super::wire::diff::{WireDiff, WireDiffRow};
use super::{Style, one_line, shorten};
use crate::diff::{Change, DiffReport, DiffRow, ResolvedBy, SideSummary};
use crate::i18n::Lang;
use crate::i18n::{Label, Msg, t};
use crate::time::{format_seconds, format_time};

fn change_text(c: Change, lang: Lang) -> &'static str {
    match c {
        Change::New => t(lang, Msg::ChangeNew),
        Change::Persisting => t(lang, Msg::ChangePersisting),
        Change::Resolved => t(lang, Msg::ChangeResolved),
    }
}

fn side_text(s: &SideSummary, lang: Lang) -> String {
    let mut parts: Vec<String> = s.inputs.iter().map(|i| input_line(i, lang)).collect();
    let mut line = format!(
        "{} {} · {} {}",
        s.failures,
        t(lang, Msg::FailuresWord),
        s.successes,
        t(lang, Msg::SuccessesWord)
    );
    if let (Some(f), Some(l)) = (s.first, s.last) {
        line.push_str(&format!(
            " · {} … {}",
            format_seconds(&f),
            format_seconds(&l)
        ));
    }
    parts.push(line);
    parts.join("\n")
}

/// The summary as label/value pairs, shared by the table and Markdown.
fn summary_lines(r: &DiffReport, lang: Lang) -> Vec<(&'static str, String)> {
    let counts: Vec<String> = Change::ALL
        .iter()
        .map(|c| {
            format!(
                "{} {}",
                change_text(*c, lang),
                r.counts.get(c).copied().unwrap_or(0)
            )
        })
        .collect();
    let mut changes = counts.join(" · ");
    if r.came_and_went > 0 {
        changes.push_str(&format!(
            " ({})",
            t(lang, Msg::CameAndWent).replace("{n}", &r.came_and_went.to_string())
        ));
    }
    let mut lines = vec![
        (t(lang, Msg::OldExport), side_text(&r.old, lang)),
        (t(lang, Msg::NewExport), side_text(&r.new, lang)),
    ];
    if r.overlap > 0 {
        lines.push((
            t(lang, Msg::Overlap),
            t(lang, Msg::OverlapText).replace("{n}", &r.overlap.to_string()),
        ));
    }
    lines.push((t(lang, Msg::Changes), changes));
    lines
}

fn note(row: &DiffRow, lang: Lang) -> String {
    match row.resolved_by {
        Some(ResolvedBy::Success) => t(lang, Msg::ResolvedSuccess).replace(
            "{t}",
            &row.resolved_at
                .as_ref()
                .map(format_seconds)
                .unwrap_or_default(),
        ),
        Some(ResolvedBy::Absence) => t(lang, Msg::ResolvedAbsence).to_owned(),
        None => match (row.latest.facts.retry_count, row.latest.facts.next_retry) {
            (_, Some(n)) => next_retry_text(&format_seconds(&n), lang),
            (Some(c), None) if c > 0 => retried_text(c, lang),
            _ => String::new(),
        },
    }
}

fn counts_text(row: &DiffRow) -> String {
    format!(
        "{} ({}/{})",
        row.failures, row.old_failures, row.new_failures
    )
}

pub fn table(w: &mut dyn Write, r: &DiffReport, style: Style) -> io::Result<()> {
    let lang = style.lang;
    aligned_pairs(w, &summary_lines(r, lang))?;
    writeln!(w)?;
    if r.rows.is_empty() {
        writeln!(w, "{}", t(lang, Msg::NoChanges))?;
        return Ok(());
    }
    let mut table = new_table(&style);
    header(
        &mut table,
        &[
            t(lang, Msg::DiffChange),
            t(lang, Msg::Identity),
            t(lang, Msg::Diagnosis),
            t(lang, Msg::FailuresOldNew),
            t(lang, Msg::LastFailure),
        ],
        &style,
    );
    for row in &r.rows {
        let mut who = shorten(&one_line(&row.identity), 40);
        if let Some(id) = &row.identity_id {
            who.push('\n');
            who.push_str(&shorten(&one_line(id), 40));
        }
        // The id alone with its category: a title would make the row tall, and
        // `provlog explain ID` gives the rest.
        let diagnosis = format!(
            "{}\n{}",
            one_line(&row.diagnosis.id),
            row.diagnosis.category.label(lang)
        );
        let mut when = row
            .last_failure
            .as_ref()
            .map(format_seconds)
            .unwrap_or_default();
        let note = note(row, lang);
        if !note.is_empty() {
            when.push('\n');
            when.push_str(&note);
        }
        table.add_row(vec![
            Cell::new(change_text(row.change, lang)),
            Cell::new(who),
            Cell::new(diagnosis),
            Cell::new(counts_text(row)),
            Cell::new(when),
        ]);
    }
    // Identities, catalog ids (what `provlog explain` takes) and times stay whole.
    keep_words_whole(&mut table, &[1, 2, 4]);
    writeln!(w, "{table}")
}

pub fn markdown(w: &mut dyn Write, r: &DiffReport, style: Style) -> io::Result<()> {
    let lang = style.lang;
    writeln!(w, "# {}", t(lang, Msg::DiffTitle))?;
    writeln!(w)?;
    label_list(w, &summary_lines(r, lang))?;
    writeln!(w)?;
    if r.rows.is_empty() {
        writeln!(w, "{}", t(lang, Msg::NoChanges))?;
        return Ok(());
    }
    writeln!(
        w,
        "| {} | {} | {} | {} | {} | {} | {} |",
        t(lang, Msg::DiffChange),
        t(lang, Msg::Identity),
        t(lang, Msg::Category),
        t(lang, Msg::Diagnosis),
        t(lang, Msg::FailuresOldNew),
        t(lang, Msg::LastFailure),
        t(lang, Msg::Note),
    )?;
    writeln!(w, "|---|---|---|---|---:|---|---|")?;
    for row in &r.rows {
        writeln!(
            w,
            "| {} | {} | {} | `{}` {} | {} | {} | {} |",
            change_text(row.change, lang),
            cell(&row.identity),
            row.diagnosis.category.label(lang),
            row.diagnosis.id.replace('`', "'").replace('|', "\\|"),
            cell(&row.diagnosis.title),
            counts_text(row),
            row.last_failure
                .as_ref()
                .map(format_seconds)
                .unwrap_or_default(),
            cell(&note(row, lang)),
        )?;
    }
    Ok(())
}

pub fn json(w: &mut dyn Write, r: &DiffReport) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, &WireDiff::new(r)).map_err(io::Error::from)?;
    w.write_all(b"\n")
}

pub fn ndjson(w: &mut dyn Write, r: &DiffReport) -> io::Result<()> {
    for row in &r.rows {
        serde_json::to_writer(&mut *w, &WireDiffRow::new(row)).map_err(io::Error::from)?;
        w.write_all(b"\n")?;
    }
    Ok(())
}

pub const CSV_HEADER: &[&str] = &[
    "change",
    "identity",
    "identity_id",
    "diagnosis_id",
    "category",
    "retry",
    "title",
    "failures",
    "old_failures",
    "new_failures",
    "last_failure",
    "resolved_at",
    "resolved_by",
    "change_id",
    "cycle_id",
    "app",
    "error_code",
    "reason",
];

pub fn csv(w: &mut dyn Write, r: &DiffReport, bom: bool) -> io::Result<()> {
    if bom {
        w.write_all("\u{feff}".as_bytes())?;
    }
    let mut out = ::csv::Writer::from_writer(w);
    out.write_record(CSV_HEADER).map_err(io_of)?;
    for row in &r.rows {
        let e = &row.latest.event;
        let d = &row.diagnosis;
        let s = |o: Option<&str>| o.unwrap_or("").to_owned();
        let cells = [
            row.change.as_str().to_owned(),
            row.identity.clone(),
            s(row.identity_id.as_deref()),
            d.id.clone(),
            d.category.as_str().to_owned(),
            s(d.retry.map(|x| x.as_str())),
            d.title.clone(),
            row.failures.to_string(),
            row.old_failures.to_string(),
            row.new_failures.to_string(),
            row.last_failure
                .as_ref()
                .map(format_time)
                .unwrap_or_default(),
            row.resolved_at
                .as_ref()
                .map(format_time)
                .unwrap_or_default(),
            s(row.resolved_by.map(|x| x.as_str())),
            s(e.change_id.as_deref()),
            s(e.cycle_id.as_deref()),
            s(e.app()),
            s(e.error.code.as_deref()),
            s(e.error.reason.as_deref()),
        ];
        out.write_record(cells.iter().map(|c| guard(c).into_owned()))
            .map_err(io_of)?;
    }
    out.flush()
}
