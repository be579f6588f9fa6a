//! The two charts: failures over time by category, and the top groups as bars that link to
//! their sections. `render::chart` draws the SVG; the labels from the logs and the catalog
//! are laid over it here as HTML, and each chart's numbers are also given as text.

use std::io;

use super::markup::{Html, html};
use super::{num, num_cell, shown_groups, tf, when};
use crate::catalog::Category;
use crate::i18n::{Label, Lang, Msg, t};
use crate::render::chart;
use crate::report::activity::Activity;
use crate::report::{GroupKey, Report};

/// Most bars in the top-diagnoses chart; the rest are still listed in full below it.
const TOP_BARS: usize = 20;

/// The length of a timeline bucket, as in "per 5 min" or "per day".
fn bucket_words(secs: i64, lang: Lang) -> String {
    match secs {
        3600 => t(lang, Msg::HtmlPerHour).to_owned(),
        86_400 => t(lang, Msg::HtmlPerDay).to_owned(),
        604_800 => t(lang, Msg::HtmlPerWeek).to_owned(),
        _ => super::human_duration(secs, lang),
    }
}

/// An SVG from `render::chart`, as markup.
fn svg(svg: chart::Svg) -> Html {
    // Trusted: plotters draws only what `render::chart` gives it, which is bars, counts and
    // times provlog computed; no text from the input or a catalog reaches a chart.
    Html::trusted(svg.markup)
}

pub(super) fn timeline(out: &mut Html, r: &Report, a: &Activity, lang: Lang) -> io::Result<()> {
    let Some(tl) = a.timeline(r.summary.first, r.summary.last) else {
        return Ok(());
    };
    let drawn = chart::timeline(&tl)?;
    html!(
        out,
        "<section id=\"timeline\">\n<h2>{}</h2>\n<p class=\"note\">{}</p>\n",
        t(lang, Msg::HtmlTimeline),
        tf(
            lang,
            Msg::HtmlTimelineNote,
            &[("x", &bucket_words(tl.width, lang))]
        )
    );
    html!(
        out,
        "<figure class=\"panel\" id=\"chart-timeline\" data-bars=\"{}\" data-bucket-start=\"{}\" data-bucket-seconds=\"{}\" data-buckets=\"{}\">\n",
        drawn.bars,
        tl.start.timestamp(),
        tl.width,
        tl.buckets.len()
    );
    html!(out, "{}<ul class=\"legend\">\n", svg(drawn));
    for (c, n) in tl.categories() {
        html!(
            out,
            "<li><span class=\"swatch cat-{}\"></span>{} <span class=\"muted\">{}</span></li>\n",
            c.as_str(),
            c.label(lang),
            num(n)
        );
    }
    html!(out, "</ul>\n</figure>\n");
    if a.untimed > 0 {
        html!(
            out,
            "<p class=\"note\">{}</p>\n",
            tf(lang, Msg::HtmlUntimedN, &[("n", &num(a.untimed))])
        );
    }
    // The same numbers as a table, for screen readers and for anyone who wants them.
    let cats: Vec<Category> = tl.categories().into_keys().collect();
    html!(
        out,
        "<details><summary>{}</summary><div class=\"scroll\"><table>\n<tr><th>{}</th>",
        t(lang, Msg::HtmlNumbers),
        t(lang, Msg::HtmlBucketStart)
    );
    for c in &cats {
        html!(out, "<th class=\"n\">{}</th>", c.label(lang));
    }
    html!(
        out,
        "<th class=\"n\">{}</th></tr>\n",
        t(lang, Msg::HtmlTotal)
    );
    for (i, b) in tl.buckets.iter().enumerate() {
        let total: u64 = b.values().sum();
        if total == 0 {
            continue;
        }
        html!(
            out,
            "<tr><td class=\"mono\">{}</td>",
            when(&tl.bucket_start(i))
        );
        for c in &cats {
            num_cell(out, b.get(c).copied().unwrap_or(0), false);
        }
        html!(out, "<td class=\"n\">{}</td></tr>\n", num(total));
    }
    html!(out, "</table></div></details>\n</section>\n");
    Ok(())
}

/// The largest groups as bars, each row a link to its group's section or table row.
pub(super) fn top(out: &mut Html, r: &Report, lang: Lang) -> io::Result<()> {
    if r.group_by == GroupKey::None {
        return Ok(());
    }
    let groups = shown_groups(r);
    if groups.is_empty() {
        return Ok(());
    }
    let shown = &groups[..groups.len().min(TOP_BARS)];
    let rows: Vec<(u64, Category)> = shown
        .iter()
        .map(|g| (g.count, g.category().unwrap_or(Category::Unclassified)))
        .collect();
    let (drawn, boxes) = chart::bars(&rows)?;
    let bars = drawn.bars;
    let by_diagnosis = r.group_by == GroupKey::Diagnosis;
    html!(out, "<section id=\"top\">\n");
    if by_diagnosis {
        html!(
            out,
            "<h2>{}</h2>\n<p class=\"note\">{}</p>\n",
            t(lang, Msg::HtmlTop),
            t(lang, Msg::HtmlTopNote)
        );
    } else {
        html!(
            out,
            "<h2>{}</h2>\n<p class=\"note\">{}</p>\n",
            t(lang, Msg::HtmlTopGroups),
            tf(
                lang,
                Msg::HtmlTopGroupsNote,
                &[("x", crate::render::json::group_by_name(r.group_by))]
            )
        );
    }
    html!(
        out,
        "<figure class=\"panel\" id=\"chart-top\" data-bars=\"{}\"><div class=\"barchart\">\n{}",
        bars,
        svg(drawn)
    );
    let label_pct = f64::from(chart::BAR_LABEL_WIDTH) * 100.0 / f64::from(chart::BARS_WIDTH);
    let label_width = format!("{label_pct:.2}");
    for (i, (g, b)) in shown.iter().zip(&boxes).enumerate() {
        let (text, full) = match (&g.diagnosis, by_diagnosis) {
            (Some(d), true) => (d.title.clone(), format!("{} ({})", d.title, d.id)),
            _ => (g.key.clone(), g.key.clone()),
        };
        html!(
            out,
            "<a class=\"row\" href=\"#{}{}\" style=\"top:{}%;height:{}%\" title=\"{}\"><span class=\"l\" style=\"width:{}%\"><b>{}</b>{}</span></a>\n",
            if by_diagnosis { "d" } else { "g" },
            i + 1,
            format!("{:.3}", b.top),
            format!("{:.3}", b.height),
            full,
            label_width,
            i + 1,
            text
        );
    }
    html!(out, "</div>\n</figure>\n");
    if groups.len() > shown.len() {
        html!(
            out,
            "<p class=\"note\">{}</p>\n",
            tf(
                lang,
                Msg::HtmlMoreGroupsN,
                &[("n", &num((groups.len() - shown.len()) as u64))]
            )
        );
    }
    html!(out, "</section>\n");
    Ok(())
}
