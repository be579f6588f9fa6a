//! The cycles table: one row per provisioning cycle (newest first, at most [`MAX_CYCLES`]),
//! with its start, duration, counts by action and status, and its top diagnosis linked to
//! that diagnosis's section.

use std::collections::BTreeMap;

use super::markup::{Html, html};
use super::{human_duration, num, num_cell, short_when, tf};
use crate::event::{Action, Status};
use crate::i18n::Lang;
use crate::i18n::{Label, Msg, t};
use crate::report::Report;
use crate::report::activity::{Activity, CycleStats};

/// Most cycles in the cycles table.
const MAX_CYCLES: usize = 200;

/// `ranks`: the section number of each diagnosis (empty unless grouped by diagnosis).
pub(super) fn section(
    out: &mut Html,
    r: &Report,
    a: &Activity,
    ranks: &BTreeMap<String, usize>,
    lang: Lang,
) {
    let all = a.cycles();
    if all.is_empty() {
        return;
    }
    let actions: Vec<Action> = Action::ALL
        .iter()
        .copied()
        .filter(|x| r.summary.by_action.contains_key(x))
        .collect();
    let statuses: Vec<Status> = Status::ALL
        .iter()
        .copied()
        .filter(|x| r.summary.by_status.contains_key(x))
        .collect();
    html!(
        out,
        "<section id=\"cycles\">\n<h2>{}</h2>\n<p class=\"note\">{}</p>\n<div class=\"scroll\"><table id=\"cycles-table\">\n",
        t(lang, Msg::HtmlCyclesTitle),
        t(lang, Msg::HtmlCyclesNote)
    );
    html!(
        out,
        "<thead><tr><th>{}</th><th>{}</th><th>{}<br><span class=\"muted\">{}</span></th><th class=\"n\">{}</th>",
        t(lang, Msg::HtmlCycle),
        t(lang, Msg::App),
        t(lang, Msg::HtmlStart),
        t(lang, Msg::HtmlDuration),
        t(lang, Msg::HtmlEvents),
    );
    for x in &actions {
        html!(out, "<th class=\"n\">{}</th>", x.label(lang));
    }
    for x in &statuses {
        html!(out, "<th class=\"n\">{}</th>", x.label(lang));
    }
    html!(
        out,
        "<th>{}</th></tr></thead><tbody>\n",
        t(lang, Msg::HtmlTopDiagnosis)
    );
    for c in all.iter().take(MAX_CYCLES) {
        row(out, c, a, ranks, &actions, &statuses, lang);
    }
    html!(out, "</tbody></table></div>\n");
    if all.len() > MAX_CYCLES {
        html!(
            out,
            "<p class=\"note\">{}</p>\n",
            tf(
                lang,
                Msg::HtmlOlderCyclesN,
                &[("n", &num((all.len() - MAX_CYCLES) as u64))]
            )
        );
    }
    html!(out, "</section>\n");
}

fn row(
    out: &mut Html,
    c: &CycleStats,
    a: &Activity,
    ranks: &BTreeMap<String, usize>,
    actions: &[Action],
    statuses: &[Status],
    lang: Lang,
) {
    let id = if c.id.is_empty() {
        Html::text(t(lang, Msg::HtmlNoCycle))
    } else {
        let short: String = c.id.chars().take(8).collect();
        html!("<span class=\"mono\" title=\"{}\">{}</span>", c.id, short)
    };
    let start = c.first.as_ref().map(short_when).unwrap_or_default();
    let duration = match (c.first, c.last) {
        (Some(f), Some(l)) => human_duration((l - f).num_seconds(), lang),
        _ => String::new(),
    };
    html!(
        out,
        "<tr><td>{}</td><td>{}</td><td class=\"when\"><span class=\"mono\">{}</span><br><span class=\"muted\">{}</span></td><td class=\"n\">{}</td>",
        id,
        c.app.as_deref(),
        start,
        duration,
        num(c.events)
    );
    for x in actions {
        num_cell(out, c.by_action.get(x).copied().unwrap_or(0), false);
    }
    for x in statuses {
        let hot = matches!(x, Status::Failure);
        num_cell(out, c.by_status.get(x).copied().unwrap_or(0), hot);
    }
    html!(out, "<td>");
    if let Some((id, n)) = c.top_diagnosis() {
        let title = a.title(id).unwrap_or(id);
        match ranks.get(id) {
            Some(rank) => html!(out, "<a href=\"#d{}\">{}</a>", rank, title),
            None => html!(out, "{}", title),
        }
        html!(out, " <span class=\"muted\">×{}</span>", num(n));
    }
    html!(out, "</td></tr>\n");
}
