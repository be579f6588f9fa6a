//! `--format html`: one self-contained page to attach to a ticket or an e-mail.
//!
//! Inline CSS only (with print rules), no script, no external fonts, images or styles, and a
//! Content-Security-Policy that forbids loading anything, so the page opens from a mail
//! attachment with no network. The charts come from `render::chart` as inline SVG.
//!
//! The page is built as `markup::Html`, so every value from the input (and from the
//! catalog, which a user may extend) is escaped by construction; the only URLs in the page
//! are the catalog's docs links, and only `http(s)` ones become links.
//!
//! This file is the page: its head, header and footer, the order of the parts, and the
//! helpers they share. The parts: `summary` (the cards), `charts` (failures over time, top
//! groups), `cycles` (the cycles table) and `diagnoses` (one section per diagnosis, or the
//! groups or events table for other groupings). The stylesheet is `report.css`.

mod charts;
mod cycles;
mod diagnoses;
mod markup;
mod summary;

use std::collections::BTreeMap;
use std::io::{self, Write};

use chrono::{DateTime, Utc};

use self::markup::{Html, html};
use super::Style;
use super::chart::category_rgb;
use crate::catalog::Category;
use crate::i18n::{Label, Lang, Msg, t};
use crate::report::activity::Activity;
use crate::report::{Group, GroupKey, Report};

/// The stylesheet, apart from the category colours (made from `render::chart`'s palette by
/// [`category_rules`]).
const CSS: &str = include_str!("report.css");

pub fn render(w: &mut dyn Write, r: &Report, a: &Activity, style: Style) -> io::Result<()> {
    let lang = style.lang;
    let mut page = Html::new();
    head(&mut page, r, lang);
    html!(page, "<body>\n<main>\n");
    header(&mut page, r, lang);
    summary::section(&mut page, r, a, lang);
    let ranks = diagnosis_ranks(r);
    if r.summary.selected == 0 {
        html!(
            page,
            "<p class=\"note\">{}</p>\n",
            super::text::no_events_text(&r.summary, lang)
        );
    } else {
        charts::timeline(&mut page, r, a, lang)?;
        charts::top(&mut page, r, lang)?;
    }
    cycles::section(&mut page, r, a, &ranks, lang);
    if r.summary.selected > 0 {
        match r.group_by {
            GroupKey::Diagnosis => diagnoses::section(&mut page, r, a, lang),
            GroupKey::None => diagnoses::events(&mut page, r, lang),
            _ => diagnoses::groups(&mut page, r, lang),
        }
    }
    html!(
        page,
        "<footer>{}</footer>\n</main>\n</body>\n</html>\n",
        tf(
            lang,
            Msg::HtmlGenerated,
            &[("x", env!("CARGO_PKG_VERSION"))]
        )
    );
    w.write_all(page.as_str().as_bytes())
}

fn head(out: &mut Html, r: &Report, lang: Lang) {
    html!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n",
        lang.code()
    );
    html!(
        out,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    );
    // Nothing may be loaded or run: a report opened from an attachment stays offline, and
    // even markup slipping past the escaping could not execute.
    html!(
        out,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'\">\n"
    );
    html!(out, "<meta name=\"referrer\" content=\"no-referrer\">\n");
    let files: Vec<&str> = r.summary.inputs.iter().map(|i| i.label.as_str()).collect();
    html!(
        out,
        "<title>{} — {}</title>\n",
        t(lang, Msg::ReportTitle),
        files.join(", ")
    );
    // Trusted: report.css is part of the program, and holds no `</style` (tested).
    let css = Html::trusted(CSS);
    html!(
        out,
        "<style>\n{}{}</style>\n</head>\n",
        css,
        category_rules()
    );
}

/// One rule per category: its colour, and the text colour that reads on it.
fn category_rules() -> Html {
    let mut out = Html::new();
    for c in Category::ALL {
        let rgb = category_rgb(*c);
        // Category ids and colours: nothing in them for the escaping to change.
        html!(
            out,
            ".cat-{}{--c:{};--on:{}}\n",
            c.as_str(),
            hex(rgb),
            text_on(rgb)
        );
    }
    out
}

fn header(out: &mut Html, r: &Report, lang: Lang) {
    html!(out, "<header>\n<h1>{}</h1>\n", t(lang, Msg::ReportTitle));
    for i in &r.summary.inputs {
        html!(
            out,
            "<p><span class=\"mono\">{}</span> · {} · {}",
            i.label,
            i.format.map(|f| f.describe()).unwrap_or("?"),
            count_of(lang, Msg::HtmlEventsN, i.events)
        );
        if i.rejected > 0 {
            html!(out, " · {} {}", num(i.rejected), t(lang, Msg::Rejected));
        }
        html!(out, "</p>\n");
        if let Some(e) = &i.error {
            html!(
                out,
                "<p class=\"alert\">{}: {} — {}</p>\n",
                i.label,
                t(lang, Msg::FileFailed),
                e
            );
        }
    }
    html!(out, "</header>\n");
}

/// A label with `{n}`, `{m}` or `{x}` filled in.
fn tf(lang: Lang, key: Msg, fill: &[(&str, &str)]) -> String {
    let mut s = t(lang, key).to_owned();
    for (k, v) in fill {
        s = s.replace(&format!("{{{k}}}"), v);
    }
    s
}

/// A count with its noun: `key` holds the plural form, `{key}1` the singular one.
fn count_of(lang: Lang, key: Msg, n: u64) -> String {
    let key = if n == 1 {
        match key {
            Msg::HtmlEventsN => Msg::HtmlEventsN1,
            Msg::HtmlIdentitiesN => Msg::HtmlIdentitiesN1,
            Msg::HtmlUnclassifiedN => Msg::HtmlUnclassifiedN1,
            other => other,
        }
    } else {
        key
    };
    tf(lang, key, &[("n", &num(n))])
}

/// `1234567` as `1,234,567`.
fn num(n: u64) -> String {
    let d = n.to_string();
    let mut out = String::with_capacity(d.len() + d.len() / 3);
    for (i, c) in d.chars().enumerate() {
        if i > 0 && (d.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A duration in the two largest units: `1 h 21 min`, `3 d 4 h`, `40 s`.
fn human_duration(secs: i64, lang: Lang) -> String {
    let secs = secs.max(0);
    let units = [
        (86_400, t(lang, Msg::HtmlUnitD)),
        (3600, t(lang, Msg::HtmlUnitH)),
        (60, t(lang, Msg::HtmlUnitMin)),
        (1, t(lang, Msg::HtmlUnitS)),
    ];
    let mut parts = Vec::new();
    let mut rest = secs;
    for (size, name) in units {
        let n = rest / size;
        if n > 0 || (parts.is_empty() && size == 1) {
            parts.push(format!("{n} {name}"));
            rest -= n * size;
        } else if !parts.is_empty() {
            // Stop at the first empty unit after a filled one: "2 d 5 min" would read oddly.
            break;
        }
        if parts.len() == 2 {
            break;
        }
    }
    parts.join(" ")
}

fn when(t: &DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

fn short_when(t: &DateTime<Utc>) -> String {
    t.format("%m-%d %H:%M:%S").to_string()
}

fn hex((r, g, b): (u8, u8, u8)) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// Dark or white text, whichever reads better on this background.
fn text_on((r, g, b): (u8, u8, u8)) -> &'static str {
    let l = 0.299 * f64::from(r) + 0.587 * f64::from(g) + 0.114 * f64::from(b);
    if l > 150.0 { "#1f2328" } else { "#ffffff" }
}

fn badge(c: Category, lang: Lang) -> Html {
    html!(
        "<span class=\"badge cat-{}\">{}</span>",
        c.as_str(),
        c.label(lang)
    )
}

/// A count cell: grey when zero, red when `hot` (failures).
fn num_cell(out: &mut Html, n: u64, hot: bool) {
    let class = if n == 0 {
        "n zero"
    } else if hot {
        "n hot"
    } else {
        "n"
    };
    html!(out, "<td class=\"{}\">{}</td>", class, num(n));
}

/// The rank (1-based, in report order) of every group that has a diagnosis, by id.
fn diagnosis_ranks(r: &Report) -> BTreeMap<String, usize> {
    if r.group_by != GroupKey::Diagnosis {
        return BTreeMap::new();
    }
    r.groups
        .iter()
        .filter_map(|g| g.diagnosis.as_ref())
        .enumerate()
        .map(|(i, d)| (d.id.clone(), i + 1))
        .collect()
}

/// The groups a chart shows and the sections list: with diagnosis grouping only the ones
/// that carry a diagnosis (successes have none).
fn shown_groups(r: &Report) -> Vec<&Group> {
    r.groups
        .iter()
        .filter(|g| r.group_by != GroupKey::Diagnosis || g.diagnosis.is_some())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_durations_read_naturally() {
        assert_eq!(num(0), "0");
        assert_eq!(num(999), "999");
        assert_eq!(num(1000), "1,000");
        assert_eq!(num(1234567), "1,234,567");
        assert_eq!(human_duration(4866, Lang::En), "1 h 21 min");
        assert_eq!(human_duration(4866, Lang::Ja), "1 時間 21 分");
        assert_eq!(human_duration(300, Lang::En), "5 min");
        assert_eq!(human_duration(0, Lang::En), "0 s");
        assert_eq!(human_duration(2 * 86_400 + 300, Lang::En), "2 d");
        assert_eq!(human_duration(30 * 86_400 + 7200, Lang::En), "30 d 2 h");
    }

    #[test]
    fn the_stylesheet_stays_inside_its_element() {
        // It goes into the page unescaped (`Html::trusted`): it must not end the <style>.
        assert!(!CSS.to_ascii_lowercase().contains("</"));
        assert!(!category_rules().as_str().contains('<'));
    }
}
