//! `explain --csv` output: the same CSV with the diagnosis in added columns (every original
//! cell unchanged, in order), NDJSON or JSON per row, or a table or Markdown view grouped
//! by diagnosis.

use std::collections::BTreeMap;
use std::io::{self, Write};

use anyhow::Result;
use comfy_table::Cell;

use crate::classify::Diagnosis;
use crate::classify::console::{Outcome, RowResult, cell_at};
use crate::cli::FormatArg;
use crate::i18n::Lang;
use crate::i18n::{Label, Msg, t};
use crate::input::console::{Columns, ConsoleCsv, ConsoleRow};
use crate::input::decode::Decoded;
use crate::render::csv::{guard, io_of};
use crate::render::markdown::{cell, label_list};
use crate::render::table::{category_cell, header, new_table};
use crate::render::text::{aligned_pairs, more, retry_text};
use crate::render::wire::console::{Totals, WireColumns, WireDoc, WireGroup, WireRow, WireSummary};
use crate::render::wire::{WireDiagnosis, WireFacts};
use crate::render::{Style, one_line, sanitize, shorten};

/// The columns added to the CSV, in this order.
pub const ADDED: &[&str] = &["system", "category", "diagnosis_id", "title", "first_step"];

/// Most row numbers and distinct messages shown per group in the table and Markdown.
const SHOWN: usize = 12;
const SHOWN_MESSAGES: usize = 5;

// ---------------------------------------------------------------------------------------
// CSV

/// The added column names; one that an original header already uses (ignoring case) gets
/// a `provlog_` prefix, so that no column is ambiguous when the file is sorted or read back.
pub fn added_headers(headers: &[String]) -> Vec<String> {
    ADDED
        .iter()
        .map(|a| {
            if headers.iter().any(|h| h.trim().eq_ignore_ascii_case(a)) {
                format!("provlog_{a}")
            } else {
                (*a).to_owned()
            }
        })
        .collect()
}

fn added_cells(res: &RowResult) -> [String; 5] {
    match &res.diagnosis {
        None => Default::default(),
        Some(d) => [
            d.system.map(|s| s.as_str()).unwrap_or("").to_owned(),
            d.category.as_str().to_owned(),
            d.id.clone(),
            d.title.clone(),
            d.steps.first().cloned().unwrap_or_default(),
        ],
    }
}

/// The original cells go out exactly as they came in (a console export the user already
/// opens in Excel); only the added cells, which carry values captured from messages, get
/// the formula guard.
fn write_csv(
    out: &mut dyn Write,
    table: &ConsoleCsv,
    results: &[RowResult],
    bom: bool,
    crlf: bool,
) -> Result<()> {
    if bom {
        out.write_all("\u{feff}".as_bytes())?;
    }
    let mut w = csv::WriterBuilder::new()
        .terminator(if crlf {
            csv::Terminator::CRLF
        } else {
            csv::Terminator::Any(b'\n')
        })
        .from_writer(&mut *out);
    let mut head: Vec<String> = table.headers.clone();
    head.extend(added_headers(&table.headers));
    w.write_record(&head).map_err(io_of)?;
    for (row, res) in table.rows.iter().zip(results) {
        let added: Vec<String> = added_cells(res)
            .iter()
            .map(|c| guard(c).into_owned())
            .collect();
        let record = row
            .cells
            .iter()
            .map(String::as_str)
            .chain(added.iter().map(String::as_str));
        w.write_record(record).map_err(io_of)?;
    }
    w.flush()?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// NDJSON and JSON

/// A diagnosed console export, as `explain --csv` hands it over.
pub struct View<'a> {
    /// The file as named on the command line (`<stdin>` for `-`).
    pub label: &'a str,
    pub decoded: &'a Decoded,
    pub table: &'a ConsoleCsv,
    pub cols: &'a Columns,
    /// One per row of `table`, in order.
    pub results: &'a [RowResult],
}

/// Writes the view in `format`; `bom` applies to CSV.
pub fn write(
    out: &mut dyn Write,
    v: &View<'_>,
    format: FormatArg,
    bom: bool,
    style: &Style,
) -> Result<()> {
    match format {
        FormatArg::Csv => {
            // The same line ends as the input: it is "the same CSV", columns added.
            let crlf = v.decoded.text.contains("\r\n");
            write_csv(out, v.table, v.results, bom, crlf)?;
        }
        FormatArg::Ndjson => {
            for (row, res) in v.table.rows.iter().zip(v.results) {
                serde_json::to_writer(&mut *out, &wire_row(v, row, res))
                    .map_err(io::Error::from)?;
                out.write_all(b"\n")?;
            }
        }
        FormatArg::Json => write_json(out, v)?,
        FormatArg::Table => write_table(out, v, style)?,
        FormatArg::Markdown => write_markdown(out, v, style.lang)?,
        FormatArg::Html => anyhow::bail!("--format html is for analyze; use --format markdown"),
    }
    Ok(())
}

fn wire_row<'a>(v: &View<'a>, row: &'a ConsoleRow, res: &'a RowResult) -> WireRow<'a> {
    WireRow {
        row: row.row,
        outcome: res.outcome.as_str(),
        message: cell_at(row, Some(v.cols.message)),
        task: res.task.as_deref(),
        columns: WireColumns {
            headers: &v.table.headers,
            cells: &row.cells,
        },
        diagnosis: res.diagnosis.as_deref().map(WireDiagnosis::new),
        facts: WireFacts::new(&res.facts),
    }
}

fn totals(results: &[RowResult]) -> Totals {
    let mut t = Totals::default();
    for r in results {
        t.rows += 1;
        match r.outcome {
            Outcome::Diagnosed => t.diagnosed += 1,
            Outcome::Unclassified => t.unclassified += 1,
            Outcome::NoMessage => t.no_message += 1,
            Outcome::Succeeded => t.succeeded += 1,
        }
    }
    t
}

/// Rows sharing a diagnosis id.
struct Group<'a> {
    diagnosis: &'a Diagnosis,
    count: u64,
    rows: Vec<u64>,
    /// Distinct messages, in file order (at most `SHOWN_MESSAGES`).
    messages: Vec<&'a str>,
}

/// Groups by diagnosis id, largest first, then by id.
fn groups<'a>(v: &View<'a>) -> Vec<Group<'a>> {
    let mut by_id: BTreeMap<&str, Group<'a>> = BTreeMap::new();
    for (row, res) in v.table.rows.iter().zip(v.results) {
        let Some(d) = &res.diagnosis else { continue };
        let g = by_id.entry(d.id.as_str()).or_insert_with(|| Group {
            diagnosis: d,
            count: 0,
            rows: Vec::new(),
            messages: Vec::new(),
        });
        g.count += 1;
        g.rows.push(row.row);
        if let Some(m) = cell_at(row, Some(v.cols.message))
            && g.messages.len() < SHOWN_MESSAGES
            && !g.messages.contains(&m)
        {
            g.messages.push(m);
        }
    }
    let mut out: Vec<Group<'a>> = by_id.into_values().collect();
    out.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.diagnosis.id.cmp(&b.diagnosis.id))
    });
    out
}

fn header_of<'a>(v: &View<'a>, col: Option<usize>) -> Option<&'a str> {
    col.and_then(|i| v.table.headers.get(i)).map(String::as_str)
}

fn write_json(out: &mut dyn Write, v: &View<'_>) -> Result<()> {
    let groups = groups(v);
    let doc = WireDoc {
        summary: WireSummary {
            file: v.label,
            encoding: v.decoded.encoding.as_str(),
            bom: v.decoded.bom,
            message_column: header_of(v, Some(v.cols.message)).unwrap_or(""),
            job_type_column: header_of(v, v.cols.job_type),
            operation_column: header_of(v, v.cols.operation),
            service_column: header_of(v, v.cols.service),
            status_column: header_of(v, v.cols.status),
            totals: totals(v.results),
        },
        groups: groups
            .iter()
            .map(|g| WireGroup {
                id: &g.diagnosis.id,
                system: g.diagnosis.system.map(|s| s.as_str()),
                category: g.diagnosis.category.as_str(),
                title: &g.diagnosis.title,
                count: g.count,
                rows: &g.rows,
            })
            .collect(),
        rows: v
            .table
            .rows
            .iter()
            .zip(v.results)
            .map(|(row, res)| wire_row(v, row, res))
            .collect(),
    };
    serde_json::to_writer(&mut *out, &doc).map_err(io::Error::from)?;
    out.write_all(b"\n")?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Table and Markdown

fn summary_lines(v: &View<'_>, lang: Lang) -> Vec<(&'static str, String)> {
    let tot = totals(v.results);
    let mut enc = v.decoded.encoding.as_str().to_owned();
    if v.decoded.bom {
        enc.push_str(" + BOM");
    }
    let mut lines = vec![
        (
            t(lang, Msg::File),
            format!("{} ({} {enc})", one_line(v.label), t(lang, Msg::Encoding)),
        ),
        (
            t(lang, Msg::MessageColumn),
            one_line(header_of(v, Some(v.cols.message)).unwrap_or("")),
        ),
    ];
    if v.cols.job_type.is_some() || v.cols.operation.is_some() {
        lines.push((
            t(lang, Msg::TaskColumns),
            format!(
                "{} / {}",
                one_line(header_of(v, v.cols.job_type).unwrap_or("-")),
                one_line(header_of(v, v.cols.operation).unwrap_or("-"))
            ),
        ));
    }
    if let Some(s) = header_of(v, v.cols.service) {
        lines.push((t(lang, Msg::ServiceColumn), one_line(s)));
    }
    let mut parts = vec![format!("{} {}", tot.diagnosed, t(lang, Msg::Diagnosed))];
    for (n, key) in [
        (tot.unclassified, Msg::NotInCatalog),
        (tot.no_message, Msg::NoMessage),
        (tot.succeeded, Msg::Succeeded),
    ] {
        if n > 0 {
            parts.push(format!("{n} {}", t(lang, key)));
        }
    }
    lines.push((
        t(lang, Msg::Rows),
        format!("{}: {}", tot.rows, parts.join(" · ")),
    ));
    lines
}

fn row_list(rows: &[u64], lang: Lang) -> String {
    let mut s: Vec<String> = rows.iter().take(SHOWN).map(u64::to_string).collect();
    if rows.len() > SHOWN {
        s.push(more(lang, rows.len() - SHOWN));
    }
    s.join(", ")
}

fn unit(lang: Lang, n: u64) -> &'static str {
    if n == 1 {
        t(lang, Msg::RowUnitOne)
    } else {
        t(lang, Msg::RowUnit)
    }
}

fn write_table(out: &mut dyn Write, v: &View<'_>, style: &Style) -> Result<()> {
    let lang = style.lang;
    aligned_pairs(out, &summary_lines(v, lang))?;
    writeln!(out)?;
    let groups = groups(v);
    if groups.is_empty() {
        writeln!(out, "{}", t(lang, Msg::NoRows))?;
        return Ok(());
    }
    writeln!(out, "{}", t(lang, Msg::RowsByDiagnosis))?;
    let mut table = new_table(style);
    header(
        &mut table,
        &[
            "#",
            t(lang, Msg::Count),
            t(lang, Msg::Category),
            t(lang, Msg::Diagnosis),
            t(lang, Msg::Title),
            t(lang, Msg::RowNumbers),
        ],
        style,
    );
    for (i, g) in groups.iter().enumerate() {
        let d = g.diagnosis;
        table.add_row(vec![
            Cell::new(i + 1),
            Cell::new(g.count),
            category_cell(Some(d.category), style),
            Cell::new(&d.id),
            Cell::new(one_line(&d.title)),
            Cell::new(row_list(&g.rows, lang)),
        ]);
    }
    crate::render::table::keep_words_whole(&mut table, &[3]);
    writeln!(out, "{table}")?;
    for (i, g) in groups.iter().enumerate() {
        let d = g.diagnosis;
        writeln!(out)?;
        let heading = format!(
            "[{}] {} ({}) — {} {}",
            i + 1,
            one_line(&d.title),
            d.id,
            g.count,
            unit(lang, g.count)
        );
        if style.color {
            writeln!(out, "\u{1b}[1m{heading}\u{1b}[0m")?;
        } else {
            writeln!(out, "{heading}")?;
        }
        writeln!(out, "    {}", sanitize(&d.explanation))?;
        if let Some(r) = d.retry {
            writeln!(out, "    {}: {}", t(lang, Msg::Retry), retry_text(r, lang))?;
        }
        writeln!(out, "    {}:", t(lang, Msg::WhatToDo))?;
        for (k, s) in d.steps.iter().enumerate() {
            writeln!(out, "      {}. {}", k + 1, sanitize(s))?;
        }
        writeln!(
            out,
            "    {}: {}",
            t(lang, Msg::RowNumbers),
            row_list(&g.rows, lang)
        )?;
        for m in &g.messages {
            writeln!(
                out,
                "    {}: {}",
                t(lang, Msg::Message),
                shorten(&one_line(m), 200)
            )?;
        }
        for doc in &d.docs {
            writeln!(out, "    {}: {doc}", t(lang, Msg::Docs))?;
        }
    }
    Ok(())
}

fn write_markdown(out: &mut dyn Write, v: &View<'_>, lang: Lang) -> Result<()> {
    writeln!(out, "# {}", cell(v.label))?;
    writeln!(out)?;
    label_list(out, &summary_lines(v, lang))?;
    writeln!(out)?;
    let groups = groups(v);
    if groups.is_empty() {
        writeln!(out, "{}", t(lang, Msg::NoRows))?;
        return Ok(());
    }
    writeln!(
        out,
        "| # | {} | {} | {} | {} | {} |",
        t(lang, Msg::Count),
        t(lang, Msg::Category),
        t(lang, Msg::Diagnosis),
        t(lang, Msg::Title),
        t(lang, Msg::RowNumbers)
    )?;
    writeln!(out, "|---:|---:|---|---|---|---|")?;
    for (i, g) in groups.iter().enumerate() {
        let d = g.diagnosis;
        writeln!(
            out,
            "| {} | {} | {} | `{}` | {} | {} |",
            i + 1,
            g.count,
            d.category.label(lang),
            d.id,
            cell(&d.title),
            cell(&row_list(&g.rows, lang))
        )?;
    }
    for (i, g) in groups.iter().enumerate() {
        let d = g.diagnosis;
        writeln!(out)?;
        writeln!(
            out,
            "## {}. {} (`{}`, {} {})",
            i + 1,
            cell(&d.title),
            d.id,
            g.count,
            unit(lang, g.count)
        )?;
        writeln!(out)?;
        writeln!(out, "{}", cell(&d.explanation))?;
        writeln!(out)?;
        writeln!(out, "**{}:**", t(lang, Msg::WhatToDo))?;
        writeln!(out)?;
        for (k, s) in d.steps.iter().enumerate() {
            writeln!(out, "{}. {}", k + 1, cell(s))?;
        }
        writeln!(out)?;
        writeln!(
            out,
            "**{}:** {}",
            t(lang, Msg::RowNumbers),
            cell(&row_list(&g.rows, lang))
        )?;
        for m in &g.messages {
            writeln!(out)?;
            writeln!(out, "> {}", cell(&shorten(m, 300)))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn added_headers_never_collide() {
        let h = vec!["Category".to_owned(), "メッセージ".to_owned()];
        assert_eq!(
            added_headers(&h),
            vec![
                "system",
                "provlog_category",
                "diagnosis_id",
                "title",
                "first_step"
            ]
        );
    }
}
