//! The summary: one card per headline number (events, failures, success rate, time span,
//! newest event, apps, cycles, diagnoses), then notes on noise and rejected records.

use super::markup::{Html, Part, html};
use super::{count_of, human_duration, num, tf, when};
use crate::event::Status;
use crate::i18n::Lang;
use crate::i18n::{Msg, t};
use crate::report::Report;
use crate::report::activity::Activity;

/// One card. `class` colours the value (`bad`, `good` or none); a `small` value is a date or
/// duration rather than a count.
fn card(out: &mut Html, class: &str, label: &str, value: impl Part, small: bool, sub: impl Part) {
    html!(
        out,
        "<div class=\"card {}\"><div class=\"label\">{}</div><div class=\"value{}\">{}</div><div class=\"sub\">{}</div></div>\n",
        class,
        label,
        if small { " small" } else { "" },
        value,
        sub
    );
}

pub(super) fn section(out: &mut Html, r: &Report, a: &Activity, lang: Lang) {
    let s = &r.summary;
    let count = |st: Status| s.by_status.get(&st).copied().unwrap_or(0);
    let (ok, failed, warned) = (
        count(Status::Success),
        count(Status::Failure),
        count(Status::Warning),
    );
    html!(
        out,
        "<section id=\"summary\">\n<h2>{}</h2>\n<div class=\"cards\">\n",
        t(lang, Msg::HtmlSummary)
    );
    card(
        out,
        "",
        t(lang, Msg::HtmlEvents),
        num(s.read),
        false,
        tf(lang, Msg::HtmlSelectedN, &[("n", &num(s.selected))]),
    );
    let failed_sub = if warned > 0 {
        tf(lang, Msg::HtmlWarningsN, &[("n", &num(warned))])
    } else if s.read > 0 {
        tf(
            lang,
            Msg::HtmlOfEvents,
            &[(
                "n",
                &format!("{:.0}%", failed as f64 * 100.0 / s.read as f64),
            )],
        )
    } else {
        String::new()
    };
    card(
        out,
        if failed > 0 { "bad" } else { "" },
        t(lang, Msg::HtmlFailures),
        num(failed),
        false,
        failed_sub,
    );
    let attempts = ok + failed;
    let (rate, rate_class) = if attempts > 0 {
        let pct = ok as f64 * 100.0 / attempts as f64;
        let class = if pct >= 95.0 {
            "good"
        } else if pct < 80.0 {
            "bad"
        } else {
            ""
        };
        (format!("{pct:.1}%"), class)
    } else {
        ("—".to_owned(), "")
    };
    card(
        out,
        rate_class,
        t(lang, Msg::HtmlSuccessRate),
        rate,
        false,
        tf(
            lang,
            Msg::HtmlSuccessNote,
            &[("n", &num(ok)), ("m", &num(attempts))],
        ),
    );
    match (s.first, s.last) {
        (Some(first), Some(last)) => {
            card(
                out,
                "",
                t(lang, Msg::TimeSpan),
                human_duration((last - first).num_seconds(), lang),
                true,
                html!("{} →<br>{} UTC", when(&first), when(&last)),
            );
            card(
                out,
                "",
                t(lang, Msg::HtmlNewest),
                last.format("%Y-%m-%d").to_string(),
                true,
                format!("{} UTC", last.format("%H:%M:%S")),
            );
        }
        _ => {
            card(out, "", t(lang, Msg::TimeSpan), "—", false, "");
            card(out, "", t(lang, Msg::HtmlNewest), "—", false, "");
        }
    }
    let mut apps_sub = s
        .apps
        .iter()
        .take(3)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    if s.apps.len() > 3 {
        apps_sub.push(' ');
        apps_sub.push_str(&tf(
            lang,
            Msg::HtmlMoreN,
            &[("n", &num(s.apps.len() as u64 - 3))],
        ));
    }
    card(
        out,
        "",
        t(lang, Msg::Apps),
        num(s.apps.len() as u64),
        false,
        apps_sub,
    );
    card(out, "", t(lang, Msg::HtmlCycles), num(s.cycles), false, "");
    let known = if a.unclassified > 0 {
        count_of(lang, Msg::HtmlUnclassifiedN, a.unclassified)
    } else if a.diagnosis_count() > 0 {
        t(lang, Msg::HtmlAllKnown).to_owned()
    } else {
        String::new()
    };
    card(
        out,
        "",
        t(lang, Msg::HtmlDiagnoses),
        num(a.diagnosis_count() as u64),
        false,
        known,
    );
    html!(out, "</div>\n");
    if s.noise > 0 {
        html!(
            out,
            "<p class=\"note\" style=\"margin-top:10px\">{}</p>\n",
            tf(lang, Msg::HtmlNoiseN, &[("n", &num(s.noise))])
        );
    }
    if s.rejected > 0 {
        html!(
            out,
            "<p class=\"alert\">{}</p>\n",
            tf(lang, Msg::HtmlRejectedN, &[("n", &num(s.rejected))])
        );
    }
    html!(out, "</section>\n");
}
