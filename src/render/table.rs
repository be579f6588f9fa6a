//! The default view: a summary, one row per group, then each group's steps once.

use std::io::{self, Write};

use comfy_table::{Cell, Color, ContentArrangement, Table, presets};

use super::{Style, one_line, shorten};
use crate::catalog::{Category, Lang, Retry};
use crate::cycles::{Check, CycleStats, RiskReason, Warning};
use crate::i18n::{Label, t};
use crate::report::{Group, GroupKey, NO_ATTRIBUTE, Priority, Report, Summary};
use crate::time::format_seconds;

/// Width used when not writing to a terminal, so saved output is stable.
const FIXED_WIDTH: u16 = 120;

/// The summary as label/value pairs, shared with the Markdown view.
/// One input in a summary: its name, shape, events, and what went wrong with it.
pub fn input_line(i: &crate::report::InputSummary, lang: Lang) -> String {
    let mut text = format!(
        "{} ({}): {} {}",
        one_line(&i.label),
        i.format.map(|f| f.describe()).unwrap_or("?"),
        i.events,
        t(lang, "events")
    );
    if i.rejected > 0 {
        text.push_str(&format!(", {} {}", i.rejected, t(lang, "rejected")));
    }
    if let Some(e) = &i.error {
        text.push_str(&format!(" — {}: {}", t(lang, "file_failed"), one_line(e)));
    }
    text
}

pub fn summary_lines(s: &Summary, lang: Lang) -> Vec<(&'static str, String)> {
    let mut lines = Vec::new();
    let inputs: Vec<String> = s.inputs.iter().map(|i| input_line(i, lang)).collect();
    lines.push((t(lang, "inputs"), inputs.join("\n")));
    let mut read = format!("{}", s.read);
    if s.rejected > 0 {
        read.push_str(&format!(" ({} {})", s.rejected, t(lang, "rejected")));
    }
    if s.damaged > 0 {
        read.push_str(&format!(" ({} {})", s.damaged, t(lang, "damaged")));
    }
    lines.push((t(lang, "events_read"), read));
    if let (Some(first), Some(last)) = (s.first, s.last) {
        lines.push((
            t(lang, "time_span"),
            format!(
                "{} … {} ({} {})",
                format_seconds(&first),
                format_seconds(&last),
                t(lang, "newest"),
                format_seconds(&last)
            ),
        ));
    }
    let statuses: Vec<String> = s
        .by_status
        .iter()
        .map(|(k, v)| format!("{} {v}", k.label(lang)))
        .collect();
    lines.push((t(lang, "by_status"), statuses.join(" · ")));
    let actions: Vec<String> = s
        .by_action
        .iter()
        .map(|(k, v)| {
            if *k == crate::event::Action::Update && s.noise > 0 {
                format!("{} {v} ({} {})", k.label(lang), s.noise, t(lang, "noise"))
            } else {
                format!("{} {v}", k.label(lang))
            }
        })
        .collect();
    lines.push((t(lang, "by_action"), actions.join(" · ")));
    if !s.apps.is_empty() {
        let apps: Vec<String> = s.apps.iter().map(|a| one_line(a)).collect();
        lines.push((
            t(lang, "apps"),
            format!("{} ({} {})", apps.join(", "), s.cycles, t(lang, "cycles")),
        ));
    }
    lines.push((
        t(lang, "selected"),
        format!("{} {}", s.selected, t(lang, "events")),
    ));
    lines
}

fn check_text(c: Check, lang: Lang) -> &'static str {
    match c {
        Check::Credentials => t(lang, "check_credentials"),
        Check::TargetUrl => t(lang, "check_target_url"),
        Check::AdminConsent => t(lang, "check_admin_consent"),
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
    let time = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.as_ref()
            .map(format_seconds)
            .unwrap_or_else(|| "?".to_owned())
    };
    let mut first = format!(
        "{}: {}",
        t(lang, "warn_head").replace("{job}", &job),
        t(lang, "warn_cycle")
            .replace("{cycle}", &one_line(&c.cycle_id))
            .replace("{first}", &time(c.first))
            .replace("{last}", &time(c.last))
            .replace("{failures}", &c.failures().to_string())
            .replace("{events}", &c.events.to_string())
            .replace("{share}", &percent(c.failures(), c.events).to_string())
    );
    if w.reasons.contains(&RiskReason::MostlyConfig) {
        first.push_str(t(lang, "warn_sep"));
        first.push_str(
            &t(lang, "warn_config")
                .replace("{n}", &c.config_failures().to_string())
                .replace("{failures}", &c.failures().to_string()),
        );
    }
    first.push_str(t(lang, "warn_end"));
    if w.cycles_at_risk > 1 {
        first.push_str(t(lang, "sentence_sep"));
        first.push_str(
            &t(lang, "warn_more_cycles")
                .replace("{n}", &w.cycles_at_risk.to_string())
                .replace("{m}", &w.cycles.to_string()),
        );
    }
    first.push_str(t(lang, "sentence_sep"));
    first.push_str(t(lang, "warn_why"));
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
            t(lang, "warn_check"),
            checks.join(t(lang, "list_sep"))
        ),
        format!("{}: {}", t(lang, "warn_entries"), entries.join(", ")),
    ]
}

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
    writeln!(w, "{on}{}{off}", t(lang, "warnings"))?;
    for warning in &s.warnings {
        for (i, line) in warning_lines(warning, lang).iter().enumerate() {
            let lead = if i == 0 { "  ! " } else { "    " };
            writeln!(w, "{lead}{line}")?;
        }
    }
    writeln!(w)
}

/// The priority of a group, with the next retry time for one that will retry. `cell` gives
/// the compact form for a table cell: the detail on a second line, the time to the second.
pub fn priority_text(g: &Group, lang: Lang, cell: bool) -> String {
    let sep = if cell { "\n" } else { " " };
    match g.priority {
        None => String::new(),
        Some(Priority::NeedsAction) => {
            let mut s = t(lang, "priority_needs_action").to_owned();
            if g.persistent_identities > 0 {
                s.push_str(&format!(
                    "{sep}({} {})",
                    g.persistent_identities,
                    t(lang, "persistent")
                ));
            }
            s
        }
        Some(Priority::WillRetry) => match g.next_retry {
            Some(n) if cell => format!(
                "{}\n{}",
                t(lang, "priority_will_retry"),
                n.format("%Y-%m-%dT%H:%M:%SZ")
            ),
            Some(n) => format!(
                "{} ({} {})",
                t(lang, "priority_will_retry"),
                t(lang, "next_retry"),
                format_seconds(&n)
            ),
            None => t(lang, "priority_will_retry").to_owned(),
        },
        Some(Priority::Informational) => t(lang, "priority_informational").to_owned(),
    }
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

pub fn retry_text(r: Retry, lang: Lang) -> &'static str {
    match r {
        Retry::Automatic => t(lang, "retry_automatic"),
        Retry::NextCycle => t(lang, "retry_next_cycle"),
        Retry::Manual => t(lang, "retry_manual"),
        Retry::None => t(lang, "retry_none"),
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
    let lines = summary_lines(&r.summary, lang);
    let label_width = lines
        .iter()
        .map(|(l, _)| unicode_width(l))
        .max()
        .unwrap_or(0);
    for (label, value) in &lines {
        for (i, v) in value.split('\n').enumerate() {
            let l = if i == 0 { *label } else { "" };
            let pad = label_width - unicode_width(l);
            writeln!(w, "{l}{}  {v}", " ".repeat(pad))?;
        }
    }
    writeln!(w)?;
    warnings_block(w, &r.summary, &style)?;
    if r.summary.selected == 0 {
        writeln!(w, "{}", no_events_text(&r.summary, lang))?;
        return Ok(());
    }
    match r.group_by {
        GroupKey::None => events_table(w, r, &style),
        GroupKey::Cycle => {
            writeln!(w, "{}", t(lang, "groups_by_cycle"))?;
            cycle_table(w, &r.groups, &style)
        }
        GroupKey::Attribute => {
            writeln!(w, "{}", t(lang, "groups_by_attribute"))?;
            if !r.groups.is_empty() {
                attribute_table(w, &r.groups, &style)?;
            }
            if r.outside_view > 0 {
                writeln!(
                    w,
                    "{}",
                    t(lang, "outside_view").replace("{n}", &r.outside_view.to_string())
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
                t(lang, "groups_by"),
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
                writeln!(w, "{}", t(lang, "draft_hint"))?;
            }
            Ok(())
        }
    }
}

/// The heading of the diagnosis view, after what `--status` selected: failures (and
/// warnings), skipped events, or events.
pub fn diagnosis_heading(s: &Summary) -> &'static str {
    use crate::event::Status;
    let failures = |st: &Status| matches!(st, Status::Failure | Status::Warning);
    if !s.statuses.is_empty() && s.statuses.iter().all(failures) {
        "groups_by_diagnosis"
    } else if s.statuses == [Status::Skipped] {
        "groups_by_diagnosis_skipped"
    } else {
        "groups_by_diagnosis_events"
    }
}

/// "No events match.", and when a time window was given, the window and where the input's
/// events lie, so that `--since 24h` on an older export says why it found nothing.
pub fn no_events_text(s: &Summary, lang: Lang) -> String {
    let mut text = t(lang, "no_events").to_owned();
    if let Some((since, until)) = s.window {
        let time = |t: Option<chrono::DateTime<chrono::Utc>>, none: &'static str| {
            t.map(|t| format_seconds(&t))
                .unwrap_or_else(|| self::t(lang, none).to_owned())
        };
        text.push_str(t(lang, "sentence_sep"));
        text.push_str(
            &t(lang, "no_events_window")
                .replace("{since}", &time(since, "window_start"))
                .replace("{until}", &time(until, "window_now"))
                .replace("{first}", &time(s.first, "no_times"))
                .replace("{last}", &time(s.last, "no_times")),
        );
    }
    text
}

pub fn unicode_width(s: &str) -> usize {
    // East Asian wide characters take two columns in a terminal.
    s.chars()
        .map(|c| if (c as u32) >= 0x1100 { 2 } else { 1 })
        .sum()
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
        let n = (g.identity_count - shown).to_string();
        ids.push(t(lang, "more_n").replace("{n}", &n));
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
            t(lang, "priority"),
            t(lang, "count"),
            t(lang, "category"),
            t(lang, "diagnosis"),
            t(lang, "identities"),
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
        t(lang, "event")
    } else {
        t(lang, "events")
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
        writeln!(w, "    {}: {}", t(lang, "cause"), one_line(&line))?;
    }
    writeln!(w, "    {}", one_line(&d.explanation))?;
    if g.priority.is_some() {
        writeln!(
            w,
            "    {}: {}",
            t(lang, "priority"),
            priority_text(g, lang, false)
        )?;
    }
    if g.persistent_identities > 0 {
        writeln!(
            w,
            "    {}",
            t(lang, "persistent_text")
                .replace("{n}", &g.persistent_identities.to_string())
                .replace("{m}", &g.identity_count.to_string())
        )?;
    }
    if let Some(r) = d.retry {
        let mut retry = format!("    {}: {}", t(lang, "retry"), retry_text(r, lang));
        if let Some(m) = g.max_retry.filter(|m| *m > 0) {
            retry.push_str(&format!(
                "; {} {m} {}",
                t(lang, "retried"),
                t(lang, "times")
            ));
        }
        if let Some(next) = g.next_retry {
            retry.push_str(&format!(
                "; {} {}",
                t(lang, "next_retry"),
                format_seconds(&next)
            ));
        }
        writeln!(w, "{retry}")?;
    }
    writeln!(w, "    {}:", t(lang, "what_to_do"))?;
    for (i, s) in d.steps.iter().enumerate() {
        writeln!(w, "      {}. {}", i + 1, one_line(s))?;
    }
    if !g.change_ids.is_empty() {
        let ids: Vec<String> = g.change_ids.iter().map(|c| one_line(c)).collect();
        writeln!(w, "    {}: {}", t(lang, "change_ids"), ids.join(", "))?;
    }
    for doc in &d.docs {
        writeln!(w, "    {}: {}", t(lang, "docs"), doc)?;
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
        t(lang, "show_hint"),
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
            t(lang, "count"),
            t(lang, "category"),
            t(lang, "diagnosis"),
            t(lang, "template"),
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
        t(lang, "key"),
        t(lang, "priority"),
        t(lang, "count"),
        t(lang, "category"),
        t(lang, "diagnosis"),
    ];
    if identities {
        head.push(t(lang, "identities"));
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
        let n = (top.len() - TOP_DIAGNOSES).to_string();
        lines.push(t(lang, "more_n").replace("{n}", &n));
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

fn cycle_table(w: &mut dyn Write, groups: &[Group], style: &Style) -> io::Result<()> {
    let lang = style.lang;
    let mut table = new_table(style);
    header(
        &mut table,
        &[
            t(lang, "cycle"),
            t(lang, "time_span"),
            t(lang, "events_col"),
            t(lang, "action"),
            t(lang, "status"),
            t(lang, "top_diagnoses"),
            t(lang, "selected"),
        ],
        style,
    );
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
            id.push_str(&format!("\n! {}", t(lang, "at_risk")));
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

/// The attribute view's name for a group key.
pub fn attribute_name(key: &str, lang: Lang) -> String {
    if key == NO_ATTRIBUTE {
        t(lang, "not_named").to_owned()
    } else {
        one_line(key)
    }
}

fn attribute_table(w: &mut dyn Write, groups: &[Group], style: &Style) -> io::Result<()> {
    let lang = style.lang;
    let mut table = new_table(style);
    header(
        &mut table,
        &[
            t(lang, "attribute"),
            t(lang, "identity"),
            t(lang, "offending_value"),
            t(lang, "diagnosis"),
            t(lang, "count"),
            t(lang, "detail"),
        ],
        style,
    );
    for g in groups {
        for (i, r) in g.attribute_rows.iter().enumerate() {
            let name = if i == 0 {
                format!(
                    "{}\n({} {})",
                    attribute_name(&g.key, lang),
                    g.count,
                    t(lang, "events")
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
            t(lang, "time"),
            t(lang, "status"),
            t(lang, "action"),
            t(lang, "app"),
            t(lang, "identity"),
            t(lang, "code"),
            t(lang, "diagnosis"),
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
