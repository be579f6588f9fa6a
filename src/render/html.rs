//! `--format html`: one self-contained page to attach to a ticket or an e-mail.
//!
//! Inline CSS only (with print rules), no script, no external fonts, images or styles, and a
//! Content-Security-Policy that forbids loading anything, so the page opens from a mail
//! attachment with no network. The charts come from `render::chart` as inline SVG.
//!
//! Every value from the input (and from the catalog, which a user may extend) goes through
//! [`escape`] before it is written; the only URLs in the page are the catalog's docs links,
//! and only `http(s)` ones become links.

use std::collections::BTreeMap;
use std::io::{self, Write};

use chrono::{DateTime, Utc};

use super::chart::{self, category_rgb};
use super::table::retry_text;
use super::{Style, one_line, sanitize, shorten};
use crate::catalog::{Category, Lang};
use crate::event::{Action, Status};
use crate::i18n::{Label, t};
use crate::report::activity::{Activity, CycleStats};
use crate::report::{Group, GroupKey, Report};

/// Most bars in the top-diagnoses chart; the rest are still listed in full below it.
pub const TOP_BARS: usize = 20;
/// Most cycles in the cycles table.
pub const MAX_CYCLES: usize = 200;
/// Affected identities listed openly; longer lists fold into `<details>`.
const OPEN_IDENTITIES: usize = 8;
/// Most rows of the event list (`--group-by none`).
const MAX_EVENT_ROWS: usize = 5000;

/// Text made safe for HTML text and for quoted attribute values: control characters are
/// first made visible (as in the terminal views), then `& < > " '` become references.
pub fn escape(s: &str) -> String {
    let s = sanitize(s);
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A label with `{n}`, `{m}` or `{x}` filled in.
fn tf(lang: Lang, key: &'static str, fill: &[(&str, &str)]) -> String {
    let mut s = t(lang, key).to_owned();
    for (k, v) in fill {
        s = s.replace(&format!("{{{k}}}"), v);
    }
    s
}

/// A count with its noun: `key` holds the plural form, `{key}1` the singular one.
fn count_of(lang: Lang, key: &'static str, n: u64) -> String {
    let key = if n == 1 {
        match key {
            "html_events_n" => "html_events_n1",
            "html_identities_n" => "html_identities_n1",
            "html_unclassified_n" => "html_unclassified_n1",
            other => other,
        }
    } else {
        key
    };
    tf(lang, key, &[("n", &num(n))])
}

/// The length of a timeline bucket, as in "per 5 min" or "per day".
fn bucket_words(secs: i64, lang: Lang) -> String {
    match secs {
        3600 => t(lang, "html_per_hour").to_owned(),
        86_400 => t(lang, "html_per_day").to_owned(),
        604_800 => t(lang, "html_per_week").to_owned(),
        _ => human_duration(secs, lang),
    }
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
pub fn human_duration(secs: i64, lang: Lang) -> String {
    let secs = secs.max(0);
    let units = [
        (86_400, t(lang, "html_unit_d")),
        (3600, t(lang, "html_unit_h")),
        (60, t(lang, "html_unit_min")),
        (1, t(lang, "html_unit_s")),
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

/// A catalog docs URL: a link when it is http(s), plain text otherwise (a `javascript:`
/// URL in a user's catalog stays inert).
fn doc_link(url: &str) -> String {
    let lower = url.trim().to_ascii_lowercase();
    let linkable = (lower.starts_with("https://") || lower.starts_with("http://"))
        && !url.chars().any(|c| c.is_whitespace() || c.is_control());
    if linkable {
        format!(
            "<a href=\"{0}\" rel=\"noreferrer\">{0}</a>",
            escape(url.trim())
        )
    } else {
        escape(url)
    }
}

fn hex((r, g, b): (u8, u8, u8)) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// Dark or white text, whichever reads better on this background.
fn text_on((r, g, b): (u8, u8, u8)) -> &'static str {
    let l = 0.299 * f64::from(r) + 0.587 * f64::from(g) + 0.114 * f64::from(b);
    if l > 150.0 { "#1f2328" } else { "#ffffff" }
}

fn badge(c: Category, lang: Lang) -> String {
    format!(
        "<span class=\"badge cat-{}\">{}</span>",
        escape(c.as_str()),
        escape(c.label(lang))
    )
}

const CSS: &str = r#"
:root{--ink:#1f2328;--muted:#5b6470;--line:#dfe3e8;--bg:#f5f6f8;--accent:#2f6fd0;--bad:#c62828;--good:#2e7d32;color-scheme:light}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue","Noto Sans","Noto Sans CJK JP","Hiragino Sans","Yu Gothic UI",Meiryo,sans-serif}
main{max-width:1200px;margin:0 auto;padding:28px 24px 40px}
header h1{font-size:26px;line-height:1.25;margin:0 0 6px}
header p{margin:2px 0;color:var(--muted);font-size:13.5px}
h2{font-size:19px;margin:34px 0 4px}
.note{color:var(--muted);font-size:13.5px;margin:0 0 12px}
.alert{border:1px solid #f0b4b4;background:#fdecec;color:#8a1c1c;border-radius:8px;padding:8px 12px;margin:12px 0 0;font-size:14px}
.cards{display:grid;grid-template-columns:repeat(4,minmax(0,1fr));gap:12px;margin-top:12px}
@media (max-width:720px){.cards{grid-template-columns:repeat(2,minmax(0,1fr))}}
.card{background:#fff;border:1px solid var(--line);border-radius:10px;padding:12px 14px;min-width:0}
.card .label{font-size:12.5px;color:var(--muted);font-weight:600}
.card .value{font-size:26px;font-weight:700;line-height:1.2;margin-top:4px;font-variant-numeric:tabular-nums;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.card .value.small{font-size:17px;line-height:1.55;margin-top:6px}
.card .sub{font-size:12.5px;color:var(--muted);margin-top:2px;overflow-wrap:anywhere}
.card.bad .value{color:var(--bad)}
.card.good .value{color:var(--good)}
.panel{background:#fff;border:1px solid var(--line);border-radius:10px;padding:14px 16px}
figure{margin:0}
svg{display:block;width:100%;height:auto}
.legend{display:flex;flex-wrap:wrap;gap:4px 18px;margin:10px 0 0;padding:0;list-style:none;font-size:13px}
.legend li{white-space:nowrap}
.swatch{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:6px;vertical-align:-1px;background:var(--c)}
.barchart{position:relative}
.barchart a.row{position:absolute;left:0;right:0;display:flex;align-items:center;text-decoration:none;color:var(--ink);border-radius:6px}
.barchart a.row:hover,.barchart a.row:focus{background:rgba(47,111,208,.08)}
.barchart .l{padding:0 12px 0 4px;text-align:right;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;font-size:13.5px}
.barchart .l b{font-weight:600;color:var(--muted);margin-right:6px}
table{border-collapse:collapse;width:100%;font-size:13.5px;background:#fff}
th,td{text-align:left;padding:6px 9px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-weight:600;color:var(--muted);background:#f9fafb;position:sticky;top:0;white-space:nowrap}
.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.zero{color:#c3c8ce}
td.hot{color:var(--bad);font-weight:600}
td.when{white-space:nowrap}
#cycles-table th,#cycles-table td{padding:6px 7px}
#cycles-table td:last-child{min-width:12em}
tr:last-child td{border-bottom:none}
.scroll{max-height:34em;overflow:auto;border:1px solid var(--line);border-radius:10px;background:#fff}
.boxed{border:1px solid var(--line);border-radius:10px;overflow:hidden}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:12.5px}
.ids{overflow-wrap:anywhere}
.badge{display:inline-block;padding:0 8px;border-radius:999px;font-size:12px;line-height:19px;font-weight:600;background:var(--c);color:var(--on);white-space:nowrap}
.diag{background:#fff;border:1px solid var(--line);border-left:5px solid var(--c);border-radius:10px;padding:14px 18px;margin:14px 0}
.diag h3{margin:0 0 6px;font-size:17px;line-height:1.35}
.diag .rank{color:var(--muted);font-weight:600;margin-right:6px}
.meta{color:var(--muted);font-size:13px;margin:0 0 10px}
.meta .badge{margin-right:6px}
.diag h4{font-size:14px;margin:14px 0 4px}
.diag ol{margin:4px 0;padding-left:24px}
.diag li{margin:3px 0}
.diag p{margin:6px 0}
.muted{color:var(--muted)}
.reasons{margin:4px 0;padding-left:20px}
.reasons code{white-space:normal;overflow-wrap:anywhere}
.diag p.docs{display:flex;gap:8px;font-size:14px}
details>summary{cursor:pointer;color:var(--accent);font-size:13.5px;margin:6px 0}
footer{margin-top:40px;color:var(--muted);font-size:12.5px}
@media print{
@page{size:A4;margin:12mm}
body{background:#fff;font-size:10pt}
main{max-width:none;padding:0}
h2{break-after:avoid}
.card,.panel,figure,tr{break-inside:avoid}
.scroll{max-height:none;overflow:visible}
th{position:static;white-space:normal}
a{color:inherit;text-decoration:none}
details>summary,.preview{display:none}
details::details-content{content-visibility:visible;display:contents}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
"#;

fn category_css() -> String {
    let mut s = String::new();
    for c in Category::ALL {
        let rgb = category_rgb(*c);
        s.push_str(&format!(
            ".cat-{}{{--c:{};--on:{}}}\n",
            c.as_str(),
            hex(rgb),
            text_on(rgb)
        ));
    }
    s
}

pub fn render(w: &mut dyn Write, r: &Report, a: &Activity, style: Style) -> io::Result<()> {
    let lang = style.lang;
    let title = t(lang, "report_title");
    writeln!(w, "<!DOCTYPE html>")?;
    writeln!(w, "<html lang=\"{}\">", lang.code())?;
    writeln!(w, "<head>")?;
    writeln!(w, "<meta charset=\"utf-8\">")?;
    writeln!(
        w,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    )?;
    // Nothing may be loaded or run: a report opened from an attachment stays offline, and
    // even markup slipping past the escaping could not execute.
    writeln!(
        w,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'\">"
    )?;
    writeln!(w, "<meta name=\"referrer\" content=\"no-referrer\">")?;
    let files: Vec<String> = r.summary.inputs.iter().map(|i| i.label.clone()).collect();
    writeln!(
        w,
        "<title>{} — {}</title>",
        escape(title),
        escape(&files.join(", "))
    )?;
    writeln!(w, "<style>{CSS}{}</style>", category_css())?;
    writeln!(w, "</head>")?;
    writeln!(w, "<body>")?;
    writeln!(w, "<main>")?;
    header(w, r, lang)?;
    summary(w, r, a, lang)?;
    let ranks = diagnosis_ranks(r);
    if r.summary.selected == 0 {
        writeln!(
            w,
            "<p class=\"note\">{}</p>",
            escape(&super::table::no_events_text(&r.summary, lang))
        )?;
    } else {
        timeline(w, r, a, lang)?;
        top_chart(w, r, lang)?;
    }
    cycles(w, r, a, &ranks, lang)?;
    if r.summary.selected > 0 {
        match r.group_by {
            GroupKey::Diagnosis => diagnoses(w, r, a, lang)?,
            GroupKey::None => events(w, r, lang)?,
            _ => groups(w, r, lang)?,
        }
    }
    writeln!(
        w,
        "<footer>{}</footer>",
        escape(&tf(
            lang,
            "html_generated",
            &[("x", env!("CARGO_PKG_VERSION"))]
        ))
    )?;
    writeln!(w, "</main>")?;
    writeln!(w, "</body>")?;
    writeln!(w, "</html>")
}

fn header(w: &mut dyn Write, r: &Report, lang: Lang) -> io::Result<()> {
    writeln!(w, "<header>")?;
    writeln!(w, "<h1>{}</h1>", escape(t(lang, "report_title")))?;
    for i in &r.summary.inputs {
        let mut line = format!(
            "<span class=\"mono\">{}</span> · {} · {}",
            escape(&i.label),
            escape(i.format.map(|f| f.describe()).unwrap_or("?")),
            escape(&count_of(lang, "html_events_n", i.events))
        );
        if i.rejected > 0 {
            line.push_str(&format!(
                " · {} {}",
                num(i.rejected),
                escape(t(lang, "rejected"))
            ));
        }
        writeln!(w, "<p>{line}</p>")?;
        if let Some(e) = &i.error {
            writeln!(
                w,
                "<p class=\"alert\">{}: {} — {}</p>",
                escape(&i.label),
                escape(t(lang, "file_failed")),
                escape(e)
            )?;
        }
    }
    writeln!(w, "</header>")
}

fn card(
    w: &mut dyn Write,
    class: &str,
    label: &str,
    value: &str,
    small: bool,
    sub: &str,
) -> io::Result<()> {
    writeln!(
        w,
        "<div class=\"card {class}\"><div class=\"label\">{label}</div><div class=\"value{}\">{value}</div><div class=\"sub\">{sub}</div></div>",
        if small { " small" } else { "" }
    )
}

fn summary(w: &mut dyn Write, r: &Report, a: &Activity, lang: Lang) -> io::Result<()> {
    let s = &r.summary;
    let count = |st: Status| s.by_status.get(&st).copied().unwrap_or(0);
    let (ok, failed, warned) = (
        count(Status::Success),
        count(Status::Failure),
        count(Status::Warning),
    );
    writeln!(w, "<section id=\"summary\">")?;
    writeln!(w, "<h2>{}</h2>", escape(t(lang, "html_summary")))?;
    writeln!(w, "<div class=\"cards\">")?;
    card(
        w,
        "",
        &escape(t(lang, "html_events")),
        &num(s.read),
        false,
        &escape(&tf(lang, "html_selected_n", &[("n", &num(s.selected))])),
    )?;
    let failed_sub = if warned > 0 {
        tf(lang, "html_warnings_n", &[("n", &num(warned))])
    } else if s.read > 0 {
        tf(
            lang,
            "html_of_events",
            &[(
                "n",
                &format!("{:.0}%", failed as f64 * 100.0 / s.read as f64),
            )],
        )
    } else {
        String::new()
    };
    card(
        w,
        if failed > 0 { "bad" } else { "" },
        &escape(t(lang, "html_failures")),
        &num(failed),
        false,
        &escape(&failed_sub),
    )?;
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
        w,
        rate_class,
        &escape(t(lang, "html_success_rate")),
        &rate,
        false,
        &escape(&tf(
            lang,
            "html_success_note",
            &[("n", &num(ok)), ("m", &num(attempts))],
        )),
    )?;
    match (s.first, s.last) {
        (Some(first), Some(last)) => {
            card(
                w,
                "",
                &escape(t(lang, "time_span")),
                &escape(&human_duration((last - first).num_seconds(), lang)),
                true,
                &format!("{} →<br>{} UTC", when(&first), when(&last)),
            )?;
            card(
                w,
                "",
                &escape(t(lang, "html_newest")),
                &escape(&last.format("%Y-%m-%d").to_string()),
                true,
                &format!("{} UTC", last.format("%H:%M:%S")),
            )?;
        }
        _ => {
            card(w, "", &escape(t(lang, "time_span")), "—", false, "")?;
            card(w, "", &escape(t(lang, "html_newest")), "—", false, "")?;
        }
    }
    let apps: Vec<&str> = s.apps.iter().map(String::as_str).collect();
    let mut apps_sub = apps
        .iter()
        .take(3)
        .map(|a| escape(a))
        .collect::<Vec<_>>()
        .join(", ");
    if apps.len() > 3 {
        apps_sub.push_str(&format!(
            " {}",
            escape(&tf(
                lang,
                "html_more_n",
                &[("n", &num(apps.len() as u64 - 3))]
            ))
        ));
    }
    card(
        w,
        "",
        &escape(t(lang, "apps")),
        &num(apps.len() as u64),
        false,
        &apps_sub,
    )?;
    card(
        w,
        "",
        &escape(t(lang, "html_cycles")),
        &num(s.cycles),
        false,
        "",
    )?;
    let known = if a.unclassified > 0 {
        count_of(lang, "html_unclassified_n", a.unclassified)
    } else if a.diagnosis_count() > 0 {
        t(lang, "html_all_known").to_owned()
    } else {
        String::new()
    };
    card(
        w,
        "",
        &escape(t(lang, "html_diagnoses")),
        &num(a.diagnosis_count() as u64),
        false,
        &escape(&known),
    )?;
    writeln!(w, "</div>")?;
    if s.noise > 0 {
        writeln!(
            w,
            "<p class=\"note\" style=\"margin-top:10px\">{}</p>",
            escape(&tf(lang, "html_noise_n", &[("n", &num(s.noise))]))
        )?;
    }
    if s.rejected > 0 {
        writeln!(
            w,
            "<p class=\"alert\">{}</p>",
            escape(&tf(lang, "html_rejected_n", &[("n", &num(s.rejected))]))
        )?;
    }
    writeln!(w, "</section>")
}

fn timeline(w: &mut dyn Write, r: &Report, a: &Activity, lang: Lang) -> io::Result<()> {
    let Some(tl) = a.timeline(r.summary.first, r.summary.last) else {
        return Ok(());
    };
    let svg = chart::timeline(&tl)?;
    writeln!(w, "<section id=\"timeline\">")?;
    writeln!(w, "<h2>{}</h2>", escape(t(lang, "html_timeline")))?;
    writeln!(
        w,
        "<p class=\"note\">{}</p>",
        escape(&tf(
            lang,
            "html_timeline_note",
            &[("x", &bucket_words(tl.width, lang))]
        ))
    )?;
    writeln!(
        w,
        "<figure class=\"panel\" id=\"chart-timeline\" data-bars=\"{}\" data-bucket-start=\"{}\" data-bucket-seconds=\"{}\" data-buckets=\"{}\">",
        svg.bars,
        tl.start.timestamp(),
        tl.width,
        tl.buckets.len()
    )?;
    w.write_all(svg.markup.as_bytes())?;
    writeln!(w, "<ul class=\"legend\">")?;
    for (c, n) in tl.categories() {
        writeln!(
            w,
            "<li><span class=\"swatch cat-{}\"></span>{} <span class=\"muted\">{}</span></li>",
            c.as_str(),
            escape(c.label(lang)),
            num(n)
        )?;
    }
    writeln!(w, "</ul>")?;
    writeln!(w, "</figure>")?;
    if a.untimed > 0 {
        writeln!(
            w,
            "<p class=\"note\">{}</p>",
            escape(&tf(lang, "html_untimed_n", &[("n", &num(a.untimed))]))
        )?;
    }
    // The same numbers as a table, for screen readers and for anyone who wants them.
    let cats: Vec<Category> = tl.categories().into_keys().collect();
    writeln!(
        w,
        "<details><summary>{}</summary><div class=\"scroll\"><table>",
        escape(t(lang, "html_numbers"))
    )?;
    write!(w, "<tr><th>{}</th>", escape(t(lang, "html_bucket_start")))?;
    for c in &cats {
        write!(w, "<th class=\"n\">{}</th>", escape(c.label(lang)))?;
    }
    writeln!(
        w,
        "<th class=\"n\">{}</th></tr>",
        escape(t(lang, "html_total"))
    )?;
    for (i, b) in tl.buckets.iter().enumerate() {
        let total: u64 = b.values().sum();
        if total == 0 {
            continue;
        }
        write!(
            w,
            "<tr><td class=\"mono\">{}</td>",
            when(&tl.bucket_start(i))
        )?;
        for c in &cats {
            let n = b.get(c).copied().unwrap_or(0);
            write!(w, "{}", num_cell(n, false))?;
        }
        writeln!(w, "<td class=\"n\">{}</td></tr>", num(total))?;
    }
    writeln!(w, "</table></div></details>")?;
    writeln!(w, "</section>")
}

fn num_cell(n: u64, hot: bool) -> String {
    let class = if n == 0 {
        "n zero"
    } else if hot {
        "n hot"
    } else {
        "n"
    };
    format!("<td class=\"{class}\">{}</td>", num(n))
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

fn top_chart(w: &mut dyn Write, r: &Report, lang: Lang) -> io::Result<()> {
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
    let (svg, boxes) = chart::bars(&rows)?;
    let by_diagnosis = r.group_by == GroupKey::Diagnosis;
    writeln!(w, "<section id=\"top\">")?;
    if by_diagnosis {
        writeln!(w, "<h2>{}</h2>", escape(t(lang, "html_top")))?;
        writeln!(
            w,
            "<p class=\"note\">{}</p>",
            escape(t(lang, "html_top_note"))
        )?;
    } else {
        writeln!(w, "<h2>{}</h2>", escape(t(lang, "html_top_groups")))?;
        writeln!(
            w,
            "<p class=\"note\">{}</p>",
            escape(&tf(
                lang,
                "html_top_groups_note",
                &[("x", super::json::group_by_name(r.group_by))]
            ))
        )?;
    }
    writeln!(
        w,
        "<figure class=\"panel\" id=\"chart-top\" data-bars=\"{}\"><div class=\"barchart\">",
        svg.bars
    )?;
    w.write_all(svg.markup.as_bytes())?;
    let label_pct = f64::from(chart::BAR_LABEL_WIDTH) * 100.0 / f64::from(chart::BARS_WIDTH);
    for (i, (g, b)) in shown.iter().zip(&boxes).enumerate() {
        let (text, full) = match (&g.diagnosis, by_diagnosis) {
            (Some(d), true) => (d.title.clone(), format!("{} ({})", d.title, d.id)),
            _ => (g.key.clone(), g.key.clone()),
        };
        let anchor = if by_diagnosis { "d" } else { "g" };
        writeln!(
            w,
            "<a class=\"row\" href=\"#{anchor}{}\" style=\"top:{:.3}%;height:{:.3}%\" title=\"{}\"><span class=\"l\" style=\"width:{label_pct:.2}%\"><b>{}</b>{}</span></a>",
            i + 1,
            b.top,
            b.height,
            escape(&full),
            i + 1,
            escape(&text)
        )?;
    }
    writeln!(w, "</div>")?;
    writeln!(w, "</figure>")?;
    if groups.len() > shown.len() {
        writeln!(
            w,
            "<p class=\"note\">{}</p>",
            escape(&tf(
                lang,
                "html_more_groups_n",
                &[("n", &num((groups.len() - shown.len()) as u64))]
            ))
        )?;
    }
    writeln!(w, "</section>")
}

fn cycles(
    w: &mut dyn Write,
    r: &Report,
    a: &Activity,
    ranks: &BTreeMap<String, usize>,
    lang: Lang,
) -> io::Result<()> {
    let all = a.cycles();
    if all.is_empty() {
        return Ok(());
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
    writeln!(w, "<section id=\"cycles\">")?;
    writeln!(w, "<h2>{}</h2>", escape(t(lang, "html_cycles_title")))?;
    writeln!(
        w,
        "<p class=\"note\">{}</p>",
        escape(t(lang, "html_cycles_note"))
    )?;
    writeln!(w, "<div class=\"scroll\"><table id=\"cycles-table\">")?;
    write!(
        w,
        "<thead><tr><th>{}</th><th>{}</th><th>{}<br><span class=\"muted\">{}</span></th><th class=\"n\">{}</th>",
        escape(t(lang, "html_cycle")),
        escape(t(lang, "app")),
        escape(t(lang, "html_start")),
        escape(t(lang, "html_duration")),
        escape(t(lang, "html_events")),
    )?;
    for x in &actions {
        write!(w, "<th class=\"n\">{}</th>", escape(x.label(lang)))?;
    }
    for x in &statuses {
        write!(w, "<th class=\"n\">{}</th>", escape(x.label(lang)))?;
    }
    writeln!(
        w,
        "<th>{}</th></tr></thead><tbody>",
        escape(t(lang, "html_top_diagnosis"))
    )?;
    for c in all.iter().take(MAX_CYCLES) {
        cycle_row(w, c, a, ranks, &actions, &statuses, lang)?;
    }
    writeln!(w, "</tbody></table></div>")?;
    if all.len() > MAX_CYCLES {
        writeln!(
            w,
            "<p class=\"note\">{}</p>",
            escape(&tf(
                lang,
                "html_older_cycles_n",
                &[("n", &num((all.len() - MAX_CYCLES) as u64))]
            ))
        )?;
    }
    writeln!(w, "</section>")
}

fn cycle_row(
    w: &mut dyn Write,
    c: &CycleStats,
    a: &Activity,
    ranks: &BTreeMap<String, usize>,
    actions: &[Action],
    statuses: &[Status],
    lang: Lang,
) -> io::Result<()> {
    let id = if c.id.is_empty() {
        escape(t(lang, "html_no_cycle"))
    } else {
        let short: String = c.id.chars().take(8).collect();
        format!(
            "<span class=\"mono\" title=\"{}\">{}</span>",
            escape(&c.id),
            escape(&short)
        )
    };
    let start = c.first.as_ref().map(short_when).unwrap_or_default();
    let duration = match (c.first, c.last) {
        (Some(f), Some(l)) => human_duration((l - f).num_seconds(), lang),
        _ => String::new(),
    };
    write!(
        w,
        "<tr><td>{id}</td><td>{}</td><td class=\"when\"><span class=\"mono\">{}</span><br><span class=\"muted\">{}</span></td><td class=\"n\">{}</td>",
        escape(c.app.as_deref().unwrap_or("")),
        escape(&start),
        escape(&duration),
        num(c.events)
    )?;
    for x in actions {
        write!(
            w,
            "{}",
            num_cell(c.by_action.get(x).copied().unwrap_or(0), false)
        )?;
    }
    for x in statuses {
        let hot = matches!(x, Status::Failure);
        write!(
            w,
            "{}",
            num_cell(c.by_status.get(x).copied().unwrap_or(0), hot)
        )?;
    }
    let top = match c.top_diagnosis() {
        Some((id, n)) => {
            let title = escape(a.title(id).unwrap_or(id));
            let label = match ranks.get(id) {
                Some(rank) => format!("<a href=\"#d{rank}\">{title}</a>"),
                None => title,
            };
            format!("{label} <span class=\"muted\">×{}</span>", num(n))
        }
        None => String::new(),
    };
    writeln!(w, "<td>{top}</td></tr>")
}

fn group_meta(g: &Group, lang: Lang) -> String {
    let mut parts = vec![
        escape(&count_of(lang, "html_events_n", g.count)),
        escape(&count_of(lang, "html_identities_n", g.identity_count)),
    ];
    if let (Some(f), Some(l)) = (g.first, g.last) {
        parts.push(format!(
            "{} → {} UTC",
            escape(&when(&f)),
            escape(&l.format("%H:%M:%S").to_string())
        ));
    }
    if !g.codes.is_empty() {
        let mut codes: Vec<(&String, &u64)> = g.codes.iter().collect();
        codes.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        let shown: Vec<String> = codes
            .iter()
            .take(5)
            .map(|(c, n)| format!("<code>{}</code> ×{}", escape(c), num(**n)))
            .collect();
        parts.push(format!(
            "{}: {}",
            escape(t(lang, "html_codes")),
            shown.join(", ")
        ));
    }
    parts.join(" · ")
}

fn diagnoses(w: &mut dyn Write, r: &Report, a: &Activity, lang: Lang) -> io::Result<()> {
    writeln!(w, "<section id=\"diagnoses\">")?;
    writeln!(
        w,
        "<h2>{}</h2>",
        escape(t(lang, super::table::diagnosis_heading(&r.summary)))
    )?;
    for (i, g) in shown_groups(r).iter().enumerate() {
        let Some(d) = &g.diagnosis else { continue };
        let cat = g.category().unwrap_or(d.category);
        writeln!(
            w,
            "<section class=\"diag cat-{}\" id=\"d{}\">",
            cat.as_str(),
            i + 1
        )?;
        writeln!(
            w,
            "<h3><span class=\"rank\">{}.</span>{}</h3>",
            i + 1,
            escape(&d.title)
        )?;
        writeln!(
            w,
            "<p class=\"meta\">{} <code>{}</code> · {}</p>",
            badge(cat, lang),
            escape(&d.id),
            group_meta(g, lang)
        )?;
        if let Some(line) = d.cause_line() {
            writeln!(
                w,
                "<p><b>{}:</b> {}</p>",
                escape(t(lang, "cause")),
                escape(&line)
            )?;
        }
        writeln!(w, "<p>{}</p>", escape(&d.explanation))?;
        if let Some(retry) = d.retry {
            let mut line = retry_text(retry, lang).to_owned();
            if let Some(m) = g.max_retry.filter(|m| *m > 0) {
                line.push_str(&format!(
                    "; {} {m} {}",
                    t(lang, "retried"),
                    t(lang, "times")
                ));
            }
            if let Some(n) = g.next_retry {
                line.push_str(&format!("; {} {} UTC", t(lang, "next_retry"), when(&n)));
            }
            writeln!(
                w,
                "<p><b>{}:</b> {}</p>",
                escape(t(lang, "retry")),
                escape(&line)
            )?;
        }
        writeln!(w, "<h4>{}</h4>", escape(t(lang, "what_to_do")))?;
        writeln!(w, "<ol>")?;
        for s in &d.steps {
            writeln!(w, "<li>{}</li>", escape(s))?;
        }
        writeln!(w, "</ol>")?;
        if !d.docs.is_empty() {
            let links: Vec<String> = d.docs.iter().map(|u| doc_link(u)).collect();
            writeln!(
                w,
                "<p class=\"docs\"><b>{}:</b><span class=\"ids\">{}</span></p>",
                escape(t(lang, "docs")),
                links.join("<br>")
            )?;
        }
        if d.is_unclassified() && !a.unclassified_reasons().is_empty() {
            writeln!(w, "<h4>{}</h4>", escape(t(lang, "html_reasons")))?;
            writeln!(w, "<ul class=\"reasons\">")?;
            for reason in a.unclassified_reasons() {
                writeln!(
                    w,
                    "<li><code>{}</code></li>",
                    escape(&shorten(&one_line(reason), 400))
                )?;
            }
            writeln!(w, "</ul>")?;
        }
        affected(w, g, a.affected(&d.id), lang)?;
        writeln!(w, "</section>")?;
    }
    writeln!(w, "</section>")
}

fn affected(
    w: &mut dyn Write,
    g: &Group,
    a: Option<&crate::report::activity::Affected>,
    lang: Lang,
) -> io::Result<()> {
    let Some(a) = a else { return Ok(()) };
    let rows = a.sorted();
    if rows.is_empty() {
        return Ok(());
    }
    let name = |who: &str| {
        if who.is_empty() {
            escape(t(lang, "html_none"))
        } else {
            escape(who)
        }
    };
    writeln!(
        w,
        "<h4>{}</h4>",
        escape(&tf(
            lang,
            "html_affected_n",
            &[("n", &num(g.identity_count))]
        ))
    )?;
    let folded = rows.len() > OPEN_IDENTITIES;
    if folded {
        let first: Vec<String> = rows.iter().take(3).map(|(who, _)| name(who)).collect();
        writeln!(
            w,
            "<p class=\"preview\">{} {}</p>",
            first.join(", "),
            escape(&tf(
                lang,
                "html_and_more_n",
                &[("n", &num(rows.len() as u64 - 3))]
            ))
        )?;
        writeln!(
            w,
            "<details><summary>{}</summary>",
            escape(&tf(
                lang,
                "html_show_all_n",
                &[("n", &num(rows.len() as u64))]
            ))
        )?;
    }
    writeln!(w, "<div class=\"boxed\"><table class=\"affected\">")?;
    writeln!(
        w,
        "<thead><tr><th>{}</th><th class=\"n\">{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        escape(t(lang, "identity")),
        escape(t(lang, "count")),
        escape(t(lang, "html_last_event")),
        escape(t(lang, "change_ids"))
    )?;
    for (who, s) in &rows {
        let mut ids: Vec<String> = s
            .change_ids
            .iter()
            .map(|c| format!("<code>{}</code>", escape(c)))
            .collect();
        if s.more_changes > 0 {
            ids.push(escape(&tf(
                lang,
                "html_more_n",
                &[("n", &num(s.more_changes))],
            )));
        }
        writeln!(
            w,
            "<tr><td class=\"ids\">{}</td><td class=\"n\">{}</td><td class=\"mono\">{}</td><td class=\"ids\">{}</td></tr>",
            name(who),
            num(s.events),
            s.last.as_ref().map(short_when).unwrap_or_default(),
            ids.join("<br>")
        )?;
    }
    writeln!(w, "</tbody></table></div>")?;
    if folded {
        writeln!(w, "</details>")?;
    }
    if a.dropped_events > 0 {
        writeln!(
            w,
            "<p class=\"note\">{}</p>",
            escape(&tf(
                lang,
                "html_dropped_n",
                &[("n", &num(a.dropped_events))]
            ))
        )?;
    }
    Ok(())
}

/// Groups by something other than the diagnosis: one table row per group.
fn groups(w: &mut dyn Write, r: &Report, lang: Lang) -> io::Result<()> {
    writeln!(w, "<section id=\"groups\">")?;
    writeln!(
        w,
        "<h2>{} {}</h2>",
        escape(t(lang, "groups_by")),
        escape(super::json::group_by_name(r.group_by))
    )?;
    writeln!(w, "<div class=\"boxed\"><table>")?;
    writeln!(
        w,
        "<thead><tr><th class=\"n\">#</th><th>{}</th><th class=\"n\">{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        escape(t(lang, "key")),
        escape(t(lang, "count")),
        escape(t(lang, "category")),
        escape(t(lang, "diagnosis")),
        escape(t(lang, "identities"))
    )?;
    for (i, g) in shown_groups(r).iter().enumerate() {
        let mut ids: Vec<String> = g.identities.iter().map(|x| escape(x)).collect();
        if g.identity_count > g.identities.len() as u64 {
            ids.push(escape(&tf(
                lang,
                "html_more_n",
                &[("n", &num(g.identity_count - g.identities.len() as u64))],
            )));
        }
        writeln!(
            w,
            "<tr id=\"g{0}\"><td class=\"n\">{0}</td><td class=\"ids\">{1}</td><td class=\"n\">{2}</td><td>{3}</td><td>{4}</td><td class=\"ids\">{5}</td></tr>",
            i + 1,
            escape(&g.key),
            num(g.count),
            g.category().map(|c| badge(c, lang)).unwrap_or_default(),
            g.diagnosis
                .as_ref()
                .map(|d| escape(&d.title))
                .unwrap_or_default(),
            ids.join("<br>")
        )?;
    }
    writeln!(w, "</tbody></table></div>")?;
    writeln!(w, "</section>")
}

/// `--group-by none`: the selected events themselves.
fn events(w: &mut dyn Write, r: &Report, lang: Lang) -> io::Result<()> {
    writeln!(w, "<section id=\"events\">")?;
    writeln!(w, "<h2>{}</h2>", escape(t(lang, "html_all_events")))?;
    writeln!(w, "<div class=\"scroll\"><table>")?;
    writeln!(
        w,
        "<thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        escape(t(lang, "time")),
        escape(t(lang, "status")),
        escape(t(lang, "app")),
        escape(t(lang, "identity")),
        escape(t(lang, "code")),
        escape(t(lang, "diagnosis"))
    )?;
    for rec in r.records.iter().take(MAX_EVENT_ROWS) {
        let e = &rec.event;
        writeln!(
            w,
            "<tr><td class=\"mono\">{}</td><td>{}</td><td>{}</td><td class=\"ids\">{}</td><td><code>{}</code></td><td>{}</td></tr>",
            e.time.as_ref().map(short_when).unwrap_or_default(),
            escape(e.status().label(lang)),
            escape(e.app().unwrap_or("")),
            escape(e.identity().unwrap_or("")),
            escape(e.error.code.as_deref().unwrap_or("")),
            rec.diagnosis
                .as_ref()
                .map(|d| format!("{} {}", badge(d.category, lang), escape(&d.title)))
                .unwrap_or_default()
        )?;
    }
    writeln!(w, "</tbody></table></div>")?;
    if r.records.len() > MAX_EVENT_ROWS {
        writeln!(
            w,
            "<p class=\"note\">{}</p>",
            escape(&tf(
                lang,
                "html_rows_cut_n",
                &[("n", &num((r.records.len() - MAX_EVENT_ROWS) as u64))]
            ))
        )?;
    }
    writeln!(w, "</section>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_leaves_no_markup_and_shows_control_characters() {
        assert_eq!(
            escape("<script>alert('x')</script>"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
        );
        assert_eq!(
            escape("\"><img src=x onerror=alert(1)>"),
            "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"
        );
        assert_eq!(escape("a & b"), "a &amp; b");
        assert_eq!(escape("\u{1b}[31mred\u{202e}"), "\\x1b[31mred\\u{202e}");
        assert_eq!(escape("佐藤 太郎"), "佐藤 太郎");
        for hostile in ["<", ">", "\"", "'", "&lt;"] {
            let e = escape(hostile);
            assert!(!e.contains(['<', '>', '"', '\'']), "{hostile} -> {e}");
        }
    }

    #[test]
    fn only_http_docs_become_links() {
        assert_eq!(
            doc_link("https://learn.microsoft.com/x?a=1&b=2"),
            "<a href=\"https://learn.microsoft.com/x?a=1&amp;b=2\" rel=\"noreferrer\">https://learn.microsoft.com/x?a=1&amp;b=2</a>"
        );
        assert_eq!(doc_link("javascript:alert(1)"), "javascript:alert(1)");
        assert_eq!(
            doc_link("https://x\" onmouseover=\"y"),
            "https://x&quot; onmouseover=&quot;y"
        );
    }

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
    fn every_label_is_translated() {
        // Every `html_*` key this module's source names; one missing from i18n comes back
        // unchanged from `t` and fails here.
        let src = include_str!("html.rs");
        let mut keys = std::collections::BTreeSet::new();
        for part in src.split("\"html_").skip(1) {
            let end = part.find('"').unwrap_or(0);
            let suffix = &part[..end];
            if !suffix.is_empty()
                && suffix
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            {
                keys.insert(format!("html_{suffix}"));
            }
        }
        assert!(keys.len() > 30, "{keys:?}");
        for k in keys {
            let k: &'static str = Box::leak(k.into_boxed_str());
            assert_ne!(t(Lang::En, k), k, "no English for {k}");
            assert_ne!(t(Lang::Ja, k), k, "no Japanese for {k}");
        }
    }
}
