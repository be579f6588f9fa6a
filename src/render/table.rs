//! The default view: a summary, one row per group, then each group's steps once.

use std::io::{self, Write};

use comfy_table::{Cell, Color, ContentArrangement, Table, presets};

use super::text::{
    aligned_pairs, attribute_columns, attribute_name, cycle_cells, cycle_columns, diagnoses_text,
    diagnosis_heading, more, no_events_text, persistent_text, priority_text, retry_line,
    summary_lines, unicode_width, warning_lines,
};
use super::{Style, one_line, shorten};
use crate::catalog::Category;
use crate::i18n::{Label, Lang, Msg, t};
use crate::report::{Group, GroupKey, Priority, Report, Summary};
use crate::time::format_seconds;

/// Width used when not writing to a terminal, so saved output is stable.
const FIXED_WIDTH: u16 = 120;

fn warnings_block(w: &mut dyn Write, s: &Summary, style: &Style) -> io::Result<()> {
    if s.warnings.is_empty() {
        return Ok(());
    }
    let lang = style.lang;
    let (on, off) = if style.color {
        ("\u{1b}[1;31m", "\u{1b}[0m")
    } else {
        ("", "")
    };
    writeln!(w, "{on}{}{off}", t(lang, Msg::Warnings))?;
    for warning in &s.warnings {
        for (i, line) in warning_lines(warning, lang).iter().enumerate() {
            let lead = if i == 0 { "  ! " } else { "    " };
            writeln!(w, "{lead}{line}")?;
        }
    }
    writeln!(w)
}

fn category_color(c: Category) -> Color {
    match c {
        Category::Auth | Category::Permission => Color::Red,
        Category::License | Category::Limit => Color::Magenta,
        Category::Conflict | Category::InvalidData | Category::NotFound => Color::Yellow,
        Category::TargetConfig => Color::Cyan,
        Category::Throttling | Category::Transient | Category::Internal => Color::Blue,
        Category::Scoping => Color::Green,
        Category::Unclassified => Color::Grey,
    }
}

pub(crate) fn new_table(style: &Style) -> Table {
    let mut table = Table::new();
    table
        .load_style(if style.ascii {
            presets::ASCII_FULL_CONDENSED
        } else {
            presets::UTF8_FULL_CONDENSED
        })
        .set_content_arrangement(ContentArrangement::Dynamic);
    match style.width {
        Some(w) => {
            table.set_width(w);
        }
        None => {
            table.set_width(FIXED_WIDTH);
        }
    }
    if style.color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    table
}

pub(crate) fn header(table: &mut Table, names: &[&str], style: &Style) {
    table.set_header(names.iter().map(|n| {
        let c = Cell::new(n);
        if style.color {
            c.add_attribute(comfy_table::Attribute::Bold)
        } else {
            c
        }
    }));
}

pub fn render(w: &mut dyn Write, r: &Report, style: Style) -> io::Result<()> {
    let lang = style.lang;
    aligned_pairs(w, &summary_lines(&r.summary, lang))?;
    writeln!(w)?;
    warnings_block(w, &r.summary, &style)?;
    if r.summary.selected == 0 {
        writeln!(w, "{}", no_events_text(&r.summary, lang))?;
        return Ok(());
    }
    match r.group_by {
        GroupKey::None => events_table(w, r, &style),
        GroupKey::Cycle => {
            writeln!(w, "{}", t(lang, Msg::GroupsByCycle))?;
            cycle_table(w, &r.groups, &style)
        }
        GroupKey::Attribute => {
            writeln!(w, "{}", t(lang, Msg::GroupsByAttribute))?;
            if !r.groups.is_empty() {
                attribute_table(w, &r.groups, &style)?;
            }
            if r.outside_view > 0 {
                writeln!(
                    w,
                    "{}",
                    t(lang, Msg::OutsideView).replace("{n}", &r.outside_view.to_string())
                )?;
            }
            Ok(())
        }
        GroupKey::Diagnosis => {
            writeln!(w, "{}", t(lang, diagnosis_heading(&r.summary)))?;
            diagnosis_table(w, &r.groups, &style)?;
            for (i, g) in r.groups.iter().enumerate() {
                group_detail(w, i + 1, g, &style)?;
            }
            show_hint(w, r, lang)
        }
        other => {
            writeln!(
                w,
                "{} {}",
                t(lang, Msg::GroupsBy),
                super::json::group_by_name(other)
            )?;
            if other == GroupKey::Template {
                template_table(w, &r.groups, &style)?;
            } else {
                key_table(w, &r.groups, other, &style)?;
            }
            if other == GroupKey::Template
                && r.groups
                    .iter()
                    .any(|g| g.diagnosis.as_ref().is_some_and(|d| d.is_unclassified()))
            {
                writeln!(w, "{}", t(lang, Msg::DraftHint))?;
            }
            Ok(())
        }
    }
}

pub(crate) fn category_cell(c: Option<Category>, style: &Style) -> Cell {
    match c {
        Some(c) => {
            let cell = Cell::new(c.label(style.lang));
            if style.color {
                cell.fg(category_color(c))
            } else {
                cell
            }
        }
        None => Cell::new(""),
    }
}

fn identities_text(g: &Group, lang: Lang) -> String {
    let mut ids: Vec<String> = g
        .identities
        .iter()
        .map(|i| shorten(&one_line(i), 32))
        .collect();
    let shown = ids.len() as u64;
    if g.identity_count > shown {
        ids.push(more(lang, g.identity_count - shown));
    }
    ids.join("\n")
}

fn diagnosis_table(w: &mut dyn Write, groups: &[Group], style: &Style) -> io::Result<()> {
    let lang = style.lang;
    let mut table = new_table(style);
    header(
        &mut table,
        &[
            "#",
            t(lang, Msg::Priority),
            t(lang, Msg::Count),
            t(lang, Msg::Category),
            t(lang, Msg::Diagnosis),
            t(lang, Msg::Identities),
        ],
        style,
    );
    for (i, g) in groups.iter().enumerate() {
        // The title reads first; the id (what `--code` and the catalog take) under it.
        let mut diag = match &g.diagnosis {
            Some(d) => format!("{}\n{}", one_line(&d.title), d.id),
            None => one_line(&g.key),
        };
        // Nothing in the catalog: the raw code is what the reader needs to see.
        if g.diagnosis.as_ref().is_some_and(|d| d.is_unclassified())
            && let Some(code) = g.top_code()
        {
            diag.push_str(&format!(" ({})", shorten(&one_line(code), 48)));
        }
        table.add_row(vec![
            Cell::new(i + 1),
            priority_cell(g, style),
            Cell::new(g.count),
            category_cell(g.category(), style),
            Cell::new(diag),
            Cell::new(identities_text(g, lang)),
        ]);
    }
    keep_words_whole(&mut table, &[4, 5]);
    writeln!(w, "{table}")
}

/// Widest word comfy-table may keep whole in a column; a longer one wraps anyway, so that
/// one log value cannot push a table far past the terminal.
const MAX_WHOLE_WORD: u16 = 40;

/// Makes the given columns at least as wide as their longest word (up to
/// `MAX_WHOLE_WORD`), so that ids, UPNs, codes and change ids are never cut in the middle
/// (which breaks copy and paste); the prose columns take the wrapping instead.
pub(crate) fn keep_words_whole(table: &mut Table, columns: &[usize]) {
    use comfy_table::{ColumnConstraint, Width};
    for &c in columns {
        let widest = table
            .row_iter()
            .filter_map(|r| r.cell_iter().nth(c))
            .flat_map(|cell| {
                cell.content()
                    .split_whitespace()
                    .map(unicode_width)
                    .collect::<Vec<_>>()
            })
            .max()
            .unwrap_or(0);
        // The constraint counts the cell padding (one space each side) too.
        let width = u16::try_from(widest)
            .unwrap_or(u16::MAX)
            .min(MAX_WHOLE_WORD)
            .saturating_add(2);
        if let Some(col) = table.column_mut(c) {
            col.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(width)));
        }
    }
}

fn priority_cell(g: &Group, style: &Style) -> Cell {
    let cell = Cell::new(priority_text(g, style.lang, true));
    match (style.color, g.priority) {
        (true, Some(Priority::NeedsAction)) => cell.fg(Color::Red),
        (true, Some(Priority::WillRetry)) => cell.fg(Color::Blue),
        (true, Some(Priority::Informational)) => cell.fg(Color::Green),
        _ => cell,
    }
}

fn group_detail(w: &mut dyn Write, n: usize, g: &Group, style: &Style) -> io::Result<()> {
    let lang = style.lang;
    let Some(d) = &g.diagnosis else {
        return Ok(());
    };
    writeln!(w)?;
    let unit = if g.count == 1 {
        t(lang, Msg::Event)
    } else {
        t(lang, Msg::Events)
    };
    let heading = format!(
        "[{n}] {} ({}) — {} {unit}",
        one_line(&d.title),
        d.id,
        g.count
    );
    if style.color {
        writeln!(w, "\u{1b}[1m{heading}\u{1b}[0m")?;
    } else {
        writeln!(w, "{heading}")?;
    }
    if let Some(line) = d.cause_line() {
        writeln!(w, "    {}: {}", t(lang, Msg::Cause), one_line(&line))?;
    }
    writeln!(w, "    {}", one_line(&d.explanation))?;
    if g.priority.is_some() {
        writeln!(
            w,
            "    {}: {}",
            t(lang, Msg::Priority),
            priority_text(g, lang, false)
        )?;
    }
    if g.persistent_identities > 0 {
        writeln!(w, "    {}", persistent_text(g, lang))?;
    }
    if let Some(r) = d.retry {
        writeln!(
            w,
            "    {}: {}",
            t(lang, Msg::Retry),
            retry_line(r, g.max_retry, g.next_retry, lang, format_seconds)
        )?;
    }
    writeln!(w, "    {}:", t(lang, Msg::WhatToDo))?;
    for (i, s) in d.steps.iter().enumerate() {
        writeln!(w, "      {}. {}", i + 1, one_line(s))?;
    }
    if !g.change_ids.is_empty() {
        let ids: Vec<String> = g.change_ids.iter().map(|c| one_line(c)).collect();
        writeln!(w, "    {}: {}", t(lang, Msg::ChangeIds), ids.join(", "))?;
    }
    for doc in &d.docs {
        writeln!(w, "    {}: {}", t(lang, Msg::Docs), doc)?;
    }
    Ok(())
}

/// Tells how to get the full report of one of the changes listed, with a real id.
fn show_hint(w: &mut dyn Write, r: &Report, lang: Lang) -> io::Result<()> {
    let Some(id) = r.groups.iter().find_map(|g| g.change_ids.first()) else {
        return Ok(());
    };
    // The input's name when it can be pasted into a shell as it is.
    let file = match r.summary.inputs.as_slice() {
        [one]
            if !one.label.is_empty()
                && one
                    .label
                    .chars()
                    .all(|c| c.is_alphanumeric() || "/._-+:@\\".contains(c)) =>
        {
            one.label.clone()
        }
        _ => "FILE".to_owned(),
    };
    writeln!(w)?;
    writeln!(
        w,
        "{}: provlog show {} {file}",
        t(lang, Msg::ShowHint),
        one_line(id)
    )
}

/// The template view: how often each message shape occurs, and what it was diagnosed as;
/// the template gets the room.
fn template_table(w: &mut dyn Write, groups: &[Group], style: &Style) -> io::Result<()> {
    let lang = style.lang;
    let mut table = new_table(style);
    header(
        &mut table,
        &[
            t(lang, Msg::Count),
            t(lang, Msg::Category),
            t(lang, Msg::Diagnosis),
            t(lang, Msg::Template),
        ],
        style,
    );
    for g in groups {
        table.add_row(vec![
            Cell::new(g.count),
            category_cell(g.category(), style),
            Cell::new(
                g.diagnosis
                    .as_ref()
                    .map(|d| d.id.as_str())
                    .unwrap_or_default(),
            ),
            Cell::new(shorten(&one_line(&g.key), 300)),
        ]);
    }
    keep_words_whole(&mut table, &[2]);
    writeln!(w, "{table}")
}

/// The views by code, app, identity or step: each group's most frequent diagnoses. The
/// code of the events is in the key (by code) or behind each diagnosis (`provlog show`,
/// JSON), not in a column of its own: long Entra codes would leave no room for the rest.
fn key_table(w: &mut dyn Write, groups: &[Group], by: GroupKey, style: &Style) -> io::Result<()> {
    let lang = style.lang;
    // Grouped by identity, the key is the identity.
    let identities = by != GroupKey::Identity;
    let mut table = new_table(style);
    let mut head = vec![
        t(lang, Msg::Key),
        t(lang, Msg::Priority),
        t(lang, Msg::Count),
        t(lang, Msg::Category),
        t(lang, Msg::Diagnosis),
    ];
    if identities {
        head.push(t(lang, Msg::Identities));
    }
    header(&mut table, &head, style);
    for g in groups {
        let mut row = vec![
            Cell::new(shorten(&one_line(&g.key), usize::from(MAX_WHOLE_WORD))),
            priority_cell(g, style),
            Cell::new(g.count),
            category_cell(g.category(), style),
            Cell::new(diagnoses_text(g, lang, "\n")),
        ];
        if identities {
            row.push(Cell::new(identities_text(g, lang)));
        }
        table.add_row(row);
    }
    keep_words_whole(&mut table, &[0, 5]);
    writeln!(w, "{table}")
}

fn cycle_table(w: &mut dyn Write, groups: &[Group], style: &Style) -> io::Result<()> {
    let lang = style.lang;
    let mut table = new_table(style);
    header(&mut table, &cycle_columns(lang), style);
    for g in groups {
        let mut id = one_line(&g.key);
        let Some(c) = &g.cycle else {
            table.add_row(vec![
                Cell::new(id),
                Cell::new(""),
                Cell::new(""),
                Cell::new(""),
                Cell::new(""),
                Cell::new(""),
                Cell::new(g.count),
            ]);
            continue;
        };
        id.push('\n');
        id.push_str(&shorten(&one_line(&c.job_id), 40));
        if !c.risks().is_empty() {
            id.push_str(&format!("\n! {}", t(lang, Msg::AtRisk)));
        }
        let [span, actions, statuses, top] = cycle_cells(c, lang, "\n");
        table.add_row(vec![
            Cell::new(id),
            Cell::new(span.replace(" … ", "\n")),
            Cell::new(c.events),
            Cell::new(actions),
            Cell::new(statuses),
            Cell::new(top),
            Cell::new(g.count),
        ]);
    }
    keep_words_whole(&mut table, &[0, 1, 5]);
    writeln!(w, "{table}")
}

fn attribute_table(w: &mut dyn Write, groups: &[Group], style: &Style) -> io::Result<()> {
    let lang = style.lang;
    let mut table = new_table(style);
    header(&mut table, &attribute_columns(lang), style);
    for g in groups {
        for (i, r) in g.attribute_rows.iter().enumerate() {
            let name = if i == 0 {
                format!(
                    "{}\n({} {})",
                    attribute_name(&g.key, lang),
                    g.count,
                    t(lang, Msg::Events)
                )
            } else {
                String::new()
            };
            table.add_row(vec![
                Cell::new(name),
                Cell::new(shorten(&one_line(&r.identity), 40)),
                Cell::new(
                    r.value
                        .as_deref()
                        .map(|v| shorten(&one_line(v), 40))
                        .unwrap_or_default(),
                ),
                Cell::new(one_line(&r.diagnosis)),
                Cell::new(r.count),
                Cell::new(
                    r.detail
                        .as_deref()
                        .map(|d| shorten(&one_line(d), 80))
                        .unwrap_or_default(),
                ),
            ]);
        }
    }
    keep_words_whole(&mut table, &[1, 3]);
    writeln!(w, "{table}")
}

fn events_table(w: &mut dyn Write, r: &Report, style: &Style) -> io::Result<()> {
    let lang = style.lang;
    let mut table = new_table(style);
    header(
        &mut table,
        &[
            t(lang, Msg::Time),
            t(lang, Msg::Status),
            t(lang, Msg::Action),
            t(lang, Msg::App),
            t(lang, Msg::Identity),
            t(lang, Msg::Code),
            t(lang, Msg::Diagnosis),
        ],
        style,
    );
    for rec in &r.records {
        let e = &rec.event;
        table.add_row(vec![
            Cell::new(e.time.as_ref().map(format_seconds).unwrap_or_default()),
            Cell::new(e.status().label(lang)),
            Cell::new(e.action().label(lang)),
            Cell::new(
                e.app()
                    .map(|a| shorten(&one_line(a), 60))
                    .unwrap_or_default(),
            ),
            Cell::new(
                e.identity()
                    .map(|i| shorten(&one_line(i), 40))
                    .unwrap_or_default(),
            ),
            Cell::new(
                e.error
                    .code
                    .as_deref()
                    .map(|c| shorten(&one_line(c), 60))
                    .unwrap_or_default(),
            ),
            Cell::new(
                rec.diagnosis
                    .as_ref()
                    .map(|d| d.id.clone())
                    .unwrap_or_default(),
            ),
        ]);
    }
    keep_words_whole(&mut table, &[4, 5, 6]);
    writeln!(w, "{table}")
}
