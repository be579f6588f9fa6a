//! The findings, as `--group-by` asks: one section per diagnosis (what happened, why, what
//! to do, the docs, and every affected identity with its change ids), or for other
//! groupings one table row per group, or with `--group-by none` the events themselves.

use super::markup::{Html, html};
use super::{badge, count_of, num, short_when, shown_groups, tf, when};
use crate::i18n::Lang;
use crate::i18n::{Label, Msg, t};
use crate::render::text::retry_line;
use crate::render::{one_line, shorten};
use crate::report::activity::{Activity, Affected};
use crate::report::{Group, Report};

/// Affected identities listed openly; longer lists fold into `<details>`.
const OPEN_IDENTITIES: usize = 8;
/// Most rows of the event list (`--group-by none`).
const MAX_EVENT_ROWS: usize = 5000;

/// A catalog docs URL: a link when it is http(s), plain text otherwise (a `javascript:`
/// URL in a user's catalog stays inert).
fn doc_link(url: &str) -> Html {
    let lower = url.trim().to_ascii_lowercase();
    let linkable = (lower.starts_with("https://") || lower.starts_with("http://"))
        && !url.chars().any(|c| c.is_whitespace() || c.is_control());
    if linkable {
        html!(
            "<a href=\"{}\" rel=\"noreferrer\">{}</a>",
            url.trim(),
            url.trim()
        )
    } else {
        Html::text(url)
    }
}

/// The line under a diagnosis's title: events, identities, time span and top codes.
fn group_meta(g: &Group, lang: Lang) -> Html {
    let mut parts = vec![
        Html::text(&count_of(lang, Msg::HtmlEventsN, g.count)),
        Html::text(&count_of(lang, Msg::HtmlIdentitiesN, g.identity_count)),
    ];
    if let (Some(f), Some(l)) = (g.first, g.last) {
        parts.push(html!(
            "{} → {} UTC",
            when(&f),
            l.format("%H:%M:%S").to_string()
        ));
    }
    if !g.codes.is_empty() {
        let mut codes: Vec<(&String, &u64)> = g.codes.iter().collect();
        codes.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        let shown = codes
            .iter()
            .take(5)
            .map(|(c, n)| html!("<code>{}</code> ×{}", c, num(**n)));
        parts.push(html!(
            "{}: {}",
            t(lang, Msg::HtmlCodes),
            Html::join(shown, &html!(", "))
        ));
    }
    Html::join(parts, &html!(" · "))
}

/// `--group-by diagnosis`: one section per diagnosis, numbered as in the top chart.
pub(super) fn section(out: &mut Html, r: &Report, a: &Activity, lang: Lang) {
    html!(
        out,
        "<section id=\"diagnoses\">\n<h2>{}</h2>\n",
        t(lang, crate::render::text::diagnosis_heading(&r.summary))
    );
    for (i, g) in shown_groups(r).iter().enumerate() {
        let Some(d) = &g.diagnosis else { continue };
        let cat = g.category().unwrap_or(d.category);
        html!(
            out,
            "<section class=\"diag cat-{}\" id=\"d{}\">\n<h3><span class=\"rank\">{}.</span>{}</h3>\n",
            cat.as_str(),
            i + 1,
            i + 1,
            d.title
        );
        html!(
            out,
            "<p class=\"meta\">{} <code>{}</code> · {}</p>\n",
            badge(cat, lang),
            d.id,
            group_meta(g, lang)
        );
        if let Some(line) = d.cause_line() {
            html!(out, "<p><b>{}:</b> {}</p>\n", t(lang, Msg::Cause), line);
        }
        html!(out, "<p>{}</p>\n", d.explanation);
        if let Some(retry) = d.retry {
            let line = retry_line(retry, g.max_retry, g.next_retry, lang, |n| {
                format!("{} UTC", when(n))
            });
            html!(out, "<p><b>{}:</b> {}</p>\n", t(lang, Msg::Retry), line);
        }
        html!(out, "<h4>{}</h4>\n<ol>\n", t(lang, Msg::WhatToDo));
        for s in &d.steps {
            html!(out, "<li>{}</li>\n", s);
        }
        html!(out, "</ol>\n");
        if !d.docs.is_empty() {
            let links = d.docs.iter().map(|u| doc_link(u));
            html!(
                out,
                "<p class=\"docs\"><b>{}:</b><span class=\"ids\">{}</span></p>\n",
                t(lang, Msg::Docs),
                Html::join(links, &html!("<br>"))
            );
        }
        if d.is_unclassified() && !a.unclassified_reasons().is_empty() {
            html!(
                out,
                "<h4>{}</h4>\n<ul class=\"reasons\">\n",
                t(lang, Msg::HtmlReasons)
            );
            for reason in a.unclassified_reasons() {
                html!(
                    out,
                    "<li><code>{}</code></li>\n",
                    shorten(&one_line(reason), 400)
                );
            }
            html!(out, "</ul>\n");
        }
        if let Some(affected) = a.affected(&d.id) {
            identities(out, g, affected, lang);
        }
        html!(out, "</section>\n");
    }
    html!(out, "</section>\n");
}

/// The identities a diagnosis affected, with their change ids; folded when there are many.
fn identities(out: &mut Html, g: &Group, a: &Affected, lang: Lang) {
    let rows = a.sorted();
    if rows.is_empty() {
        return;
    }
    let name = |who: &str| -> String {
        if who.is_empty() {
            t(lang, Msg::HtmlNone).to_owned()
        } else {
            who.to_owned()
        }
    };
    html!(
        out,
        "<h4>{}</h4>\n",
        tf(lang, Msg::HtmlAffectedN, &[("n", &num(g.identity_count))])
    );
    let folded = rows.len() > OPEN_IDENTITIES;
    if folded {
        let first: Vec<String> = rows.iter().take(3).map(|(who, _)| name(who)).collect();
        html!(
            out,
            "<p class=\"preview\">{} {}</p>\n<details><summary>{}</summary>\n",
            first.join(", "),
            tf(
                lang,
                Msg::HtmlAndMoreN,
                &[("n", &num(rows.len() as u64 - 3))]
            ),
            tf(lang, Msg::HtmlShowAllN, &[("n", &num(rows.len() as u64))])
        );
    }
    html!(
        out,
        "<div class=\"boxed\"><table class=\"affected\">\n<thead><tr><th>{}</th><th class=\"n\">{}</th><th>{}</th><th>{}</th></tr></thead><tbody>\n",
        t(lang, Msg::Identity),
        t(lang, Msg::Count),
        t(lang, Msg::HtmlLastEvent),
        t(lang, Msg::ChangeIds)
    );
    for (who, s) in &rows {
        let mut ids: Vec<Html> = s
            .change_ids
            .iter()
            .map(|c| html!("<code>{}</code>", c))
            .collect();
        if s.more_changes > 0 {
            ids.push(Html::text(&tf(
                lang,
                Msg::HtmlMoreN,
                &[("n", &num(s.more_changes))],
            )));
        }
        html!(
            out,
            "<tr><td class=\"ids\">{}</td><td class=\"n\">{}</td><td class=\"mono\">{}</td><td class=\"ids\">{}</td></tr>\n",
            name(who),
            num(s.events),
            s.last.as_ref().map(short_when),
            Html::join(ids, &html!("<br>"))
        );
    }
    html!(out, "</tbody></table></div>\n");
    if folded {
        html!(out, "</details>\n");
    }
    if a.dropped_events > 0 {
        html!(
            out,
            "<p class=\"note\">{}</p>\n",
            tf(lang, Msg::HtmlDroppedN, &[("n", &num(a.dropped_events))])
        );
    }
}

/// Groups by something other than the diagnosis: one table row per group.
pub(super) fn groups(out: &mut Html, r: &Report, lang: Lang) {
    html!(
        out,
        "<section id=\"groups\">\n<h2>{} {}</h2>\n<div class=\"boxed\"><table>\n",
        t(lang, Msg::GroupsBy),
        crate::render::json::group_by_name(r.group_by)
    );
    html!(
        out,
        "<thead><tr><th class=\"n\">#</th><th>{}</th><th class=\"n\">{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>\n",
        t(lang, Msg::Key),
        t(lang, Msg::Count),
        t(lang, Msg::Category),
        t(lang, Msg::Diagnosis),
        t(lang, Msg::Identities)
    );
    for (i, g) in shown_groups(r).iter().enumerate() {
        let mut ids: Vec<Html> = g.identities.iter().map(|x| Html::text(x)).collect();
        if g.identity_count > g.identities.len() as u64 {
            ids.push(Html::text(&tf(
                lang,
                Msg::HtmlMoreN,
                &[("n", &num(g.identity_count - g.identities.len() as u64))],
            )));
        }
        html!(
            out,
            "<tr id=\"g{}\"><td class=\"n\">{}</td><td class=\"ids\">{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td><td class=\"ids\">{}</td></tr>\n",
            i + 1,
            i + 1,
            g.key,
            num(g.count),
            g.category().map(|c| badge(c, lang)),
            g.diagnosis.as_ref().map(|d| d.title.as_str()),
            Html::join(ids, &html!("<br>"))
        );
    }
    html!(out, "</tbody></table></div>\n</section>\n");
}

/// `--group-by none`: the selected events themselves.
pub(super) fn events(out: &mut Html, r: &Report, lang: Lang) {
    html!(
        out,
        "<section id=\"events\">\n<h2>{}</h2>\n<div class=\"scroll\"><table>\n",
        t(lang, Msg::HtmlAllEvents)
    );
    html!(
        out,
        "<thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>\n",
        t(lang, Msg::Time),
        t(lang, Msg::Status),
        t(lang, Msg::App),
        t(lang, Msg::Identity),
        t(lang, Msg::Code),
        t(lang, Msg::Diagnosis)
    );
    for rec in r.records.iter().take(MAX_EVENT_ROWS) {
        let e = &rec.event;
        html!(
            out,
            "<tr><td class=\"mono\">{}</td><td>{}</td><td>{}</td><td class=\"ids\">{}</td><td><code>{}</code></td><td>{}</td></tr>\n",
            e.time.as_ref().map(short_when),
            e.status().label(lang),
            e.app(),
            e.identity(),
            e.error.code.as_deref(),
            rec.diagnosis
                .as_ref()
                .map(|d| html!("{} {}", badge(d.category, lang), d.title))
        );
    }
    html!(out, "</tbody></table></div>\n");
    if r.records.len() > MAX_EVENT_ROWS {
        html!(
            out,
            "<p class=\"note\">{}</p>\n",
            tf(
                lang,
                Msg::HtmlRowsCutN,
                &[("n", &num((r.records.len() - MAX_EVENT_ROWS) as u64))]
            )
        );
    }
    html!(out, "</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_docs_become_links() {
        assert_eq!(
            doc_link("https://learn.microsoft.com/x?a=1&b=2").as_str(),
            "<a href=\"https://learn.microsoft.com/x?a=1&amp;b=2\" rel=\"noreferrer\">https://learn.microsoft.com/x?a=1&amp;b=2</a>"
        );
        assert_eq!(
            doc_link("javascript:alert(1)").as_str(),
            "javascript:alert(1)"
        );
        assert_eq!(
            doc_link("https://x\" onmouseover=\"y").as_str(),
            "https://x&quot; onmouseover=&quot;y"
        );
    }
}
