//! `analyze --format html`: the page's structure, its charts' bars against the JSON and
//! NDJSON reports of the same input, escaping of hostile values, and self-containment.
//! (tests/browser.sh renders the same pages in Chromium.)

use std::collections::{BTreeMap, BTreeSet};

use regex::Regex;

use crate::util::*;

fn html(args: &[&str]) -> String {
    let mut a = args.to_vec();
    a.extend(["--format", "html"]);
    run(&a).ok().stdout
}

fn json(args: &[&str]) -> serde_json::Value {
    let mut a = args.to_vec();
    a.extend(["--format", "json"]);
    run(&a).ok().json()
}

fn ndjson(args: &[&str]) -> Vec<serde_json::Value> {
    let mut a = args.to_vec();
    a.extend(["--format", "ndjson"]);
    run(&a).ok().ndjson()
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The text of every `<tag>…</tag>`, inner markup removed, unescaped.
fn texts(page: &str, tag: &str) -> Vec<String> {
    let re = Regex::new(&format!(r"(?s)<{tag}[^>]*>(.*?)</{tag}>")).expect("regex");
    let strip = Regex::new(r"<[^>]*>").expect("regex");
    re.captures_iter(page)
        .map(|c| unescape(&strip.replace_all(&c[1], "")))
        .collect()
}

fn section_ids(page: &str) -> Vec<String> {
    let re = Regex::new(r#"<section[^>]* id="([^"]+)""#).expect("regex");
    re.captures_iter(page).map(|c| c[1].to_owned()).collect()
}

/// The markup of the element that opens with `id="{id}"`, up to its closing `</{tag}>`.
fn element<'a>(page: &'a str, tag: &str, id: &str) -> &'a str {
    let start = page
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no element {id}"));
    let end = page[start..]
        .find(&format!("</{tag}>"))
        .unwrap_or_else(|| panic!("{id} is not closed"));
    &page[start..start + end]
}

fn attr(markup: &str, name: &str) -> i64 {
    let re = Regex::new(&format!(r#"{name}="(-?\d+)""#)).expect("regex");
    re.captures(markup)
        .and_then(|c| c[1].parse().ok())
        .unwrap_or_else(|| panic!("no {name}"))
}

fn epoch(time: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(time)
        .expect("RFC 3339 time")
        .timestamp()
}

/// (bucket, category) pairs of the selected events that did not succeed, as the timeline
/// should stack them, from the NDJSON report.
fn timeline_segments(
    events: &[serde_json::Value],
    start: i64,
    width: i64,
) -> BTreeSet<(i64, String)> {
    events
        .iter()
        .filter(|e| e["status"] != "success" && !e["diagnosis"].is_null() && !e["time"].is_null())
        .map(|e| {
            let t = epoch(e["time"].as_str().expect("time"));
            (
                (t - start).div_euclid(width),
                e["diagnosis"]["category"]
                    .as_str()
                    .expect("category")
                    .to_owned(),
            )
        })
        .collect()
}

#[test]
fn structure_of_the_bundled_example_matches_its_json_report() {
    let file = fixture("portal-export.json");
    let page = html(&["analyze", &file]);
    let doc = json(&["analyze", &file]);
    let events = ndjson(&["analyze", &file]);

    assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(page.trim_end().ends_with("</html>"));
    // The skeleton: page title, sections in order, then one section per diagnosis group.
    assert_eq!(texts(&page, "h1"), vec!["Provisioning log report"]);
    assert_eq!(
        texts(&page, "h2"),
        vec![
            "Summary",
            "Failures over time",
            "Top diagnoses",
            "Provisioning cycles",
            "Failures by diagnosis"
        ]
    );
    let groups: Vec<&serde_json::Value> = doc["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .filter(|g| !g["diagnosis"].is_null())
        .collect();
    assert_eq!(groups.len(), 20);
    let mut want_ids: Vec<String> = ["summary", "timeline", "top", "cycles", "diagnoses"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    want_ids.extend((1..=groups.len()).map(|i| format!("d{i}")));
    assert_eq!(section_ids(&page), want_ids);
    let titles: Vec<String> = groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            format!(
                "{}.{}",
                i + 1,
                g["diagnosis"]["title"].as_str().expect("title")
            )
        })
        .collect();
    assert_eq!(texts(&page, "h3"), titles);

    // Top diagnoses: one bar per group, and every bar links to its section.
    let top = element(&page, "figure", "chart-top");
    assert_eq!(top.matches("<rect").count(), groups.len());
    assert_eq!(attr(top, "data-bars"), groups.len() as i64);
    for i in 1..=groups.len() {
        assert!(
            top.contains(&format!("href=\"#d{i}\"")),
            "bar {i} links to its section"
        );
    }

    // Failures over time: the stacked segments are the (bucket, category) pairs of the
    // failures, and the buckets cover the whole span of the export.
    let tl = element(&page, "figure", "chart-timeline");
    let (start, width, n) = (
        attr(tl, "data-bucket-start"),
        attr(tl, "data-bucket-seconds"),
        attr(tl, "data-buckets"),
    );
    let segments = timeline_segments(&events, start, width);
    assert_eq!(tl.matches("<rect").count(), segments.len());
    assert!(
        segments.len() > n as usize,
        "several categories stacked in a bucket"
    );
    let first = epoch(doc["summary"]["first_time"].as_str().expect("first"));
    let last = epoch(doc["summary"]["last_time"].as_str().expect("last"));
    assert!(start <= first && first < start + width);
    assert!(start + (n - 1) * width <= last && last < start + n * width);
    assert_eq!(
        width, 300,
        "an 81-minute export is cut into 5-minute buckets"
    );
    let legend = Regex::new(
        r#"<li><span class="swatch cat-([a-z-]+)"></span>[a-z-]+ <span class="muted">(\d+)</span>"#,
    )
    .expect("regex");
    let legend_total: u64 = legend
        .captures_iter(tl)
        .map(|c| c[2].parse::<u64>().expect("count"))
        .sum();
    assert_eq!(legend_total, events.len() as u64);

    // Cycles: one row per cycle, and together they hold every event read.
    let table = element(&page, "table", "cycles-table");
    let rows: Vec<&str> = table.split("<tr>").skip(2).collect();
    assert_eq!(
        rows.len() as u64,
        doc["summary"]["cycles"].as_u64().expect("cycles")
    );
    let first_count =
        Regex::new(r#"class="when">.*?</td><td class="n">([\d,]+)</td>"#).expect("regex");
    let total: u64 = rows
        .iter()
        .map(|r| {
            first_count.captures(r).expect("events cell")[1]
                .replace(',', "")
                .parse::<u64>()
                .expect("number")
        })
        .sum();
    assert_eq!(
        total,
        doc["summary"]["events_kept"].as_u64().expect("events")
    );

    // Each diagnosis lists every affected identity with the change ids of its events.
    let mut changes: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for e in &events {
        changes
            .entry(e["diagnosis"]["id"].as_str().expect("id").to_owned())
            .or_default()
            .insert(e["change_id"].as_str().expect("change id").to_owned());
    }
    let code = Regex::new(r"<code>([0-9a-f-]{36})</code>").expect("regex");
    for (i, g) in groups.iter().enumerate() {
        let section = element(&page, "section", &format!("d{}", i + 1));
        let id = g["key"].as_str().expect("key");
        let shown: BTreeSet<String> = code
            .captures_iter(section)
            .map(|c| c[1].to_owned())
            .collect();
        assert_eq!(shown, changes[id], "change ids of {id}");
        let steps = g["diagnosis"]["steps"].as_array().expect("steps").len();
        let list = &section[section.find("<ol>").expect("steps list")..];
        let list = &list[..list.find("</ol>").expect("end of the steps")];
        assert_eq!(
            list.matches("<li>").count(),
            steps,
            "numbered steps of {id}"
        );
        assert!(section.contains(&format!(
            "Affected identities ({})",
            g["identity_count"].as_u64().expect("count")
        )));
    }
    // Long lists (more than 8) fold away; short ones stay open.
    let largest = groups
        .iter()
        .filter_map(|g| g["identity_count"].as_u64())
        .max()
        .expect("groups");
    assert!(largest > 8, "the fixture has a long list");
    assert!(page.contains(&format!("<details><summary>Show all {largest}</summary>")));
    let smallest = groups
        .iter()
        .filter_map(|g| g["identity_count"].as_u64())
        .min()
        .expect("groups");
    assert!(!page.contains(&format!("<details><summary>Show all {smallest}</summary>")));
}

#[test]
fn the_page_is_self_contained() {
    let file = fixture("portal-export.json");
    let page = html(&["analyze", &file, "--status", "all"]);
    let doc = json(&["analyze", &file, "--status", "all"]);
    let docs: BTreeSet<String> = doc["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .flat_map(|g| {
            g["diagnosis"]["docs"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .map(|u| u.as_str().expect("url").to_owned())
        .collect();
    assert!(!docs.is_empty());
    let lower = page.to_ascii_lowercase();
    for banned in [
        "<script", "<link", "<iframe", "<object", "<embed", "<img", " src=", "url(", "@import",
    ] {
        assert!(!lower.contains(banned), "the page contains {banned}");
    }
    assert!(
        page.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';")
    );
    assert_only_our_markup(&page, "portal-export.json");
    let url = Regex::new(r#"https?://[^"<\s]+"#).expect("regex");
    let found: Vec<String> = url.find_iter(&page).map(|m| unescape(m.as_str())).collect();
    assert!(!found.is_empty());
    for u in &found {
        assert!(docs.contains(u), "{u} is not a catalog docs link");
    }
    let href = Regex::new(r#"href="([^"]*)""#).expect("regex");
    for h in href.captures_iter(&page) {
        let h = unescape(&h[1]);
        assert!(h.starts_with('#') || docs.contains(&h), "href {h}");
    }
}

const HOSTILE: &str = r#"[
{"id":"e1","activityDateTime":"2026-11-20T00:00:04Z","jobId":"job<script>alert(0)</script>",
 "cycleId":"cyc\"><img src=x onerror=alert(1)>","changeId":"chg-<b>1</b>'\"","provisioningAction":"create",
 "servicePrincipal":{"id":"sp","displayName":"App</title><script>alert(1)</script>"},
 "sourceIdentity":{"id":"u1","displayName":"<script>alert('name')</script>","identityType":"User"},
 "provisioningStatusInfo":{"status":"failure","errorInformation":{"errorCode":"Bad<Code>\u001b[31m",
   "reason":"</style><script>alert(3)</script>\u001b[2J\u202e reversed <a href=javascript:alert(4)>x</a>"}},
 "provisioningSteps":[]},
{"id":"e2","activityDateTime":"2026-11-20T00:10:04Z","cycleId":"c2","changeId":"chg-2","provisioningAction":"update",
 "servicePrincipal":{"id":"sp2","displayName":"\"><img src=x onerror=alert(5)>"},
 "sourceIdentity":{"id":"u2","displayName":"\"><img src=x onerror=alert(6)>","identityType":"User"},
 "provisioningStatusInfo":{"status":"failure","errorInformation":{"errorCode":"Hostile","reason":"x"}},
 "provisioningSteps":[]}
]"#;

const HOSTILE_CATALOG: &str = r#"
[[entry]]
id = "entra.hostile"
system = "entra"
category = "conflict"
retry = "manual"
codes = ["Hostile"]
docs = ["javascript:alert(7)", "https://example.com/\"><script>alert(8)</script>"]
examples = ["Hostile"]
[entry.en]
title = "<b>Bold</b><script>alert(9)</script>"
explanation = "</section><style>body{display:none}</style>"
steps = ["<img src=x onerror=alert(10)>"]
[entry.ja]
title = "<script>alert(11)</script>"
explanation = "x"
steps = ["y"]
"#;

/// Every tag is one of ours and whole, with quoted attributes none of which is an event
/// handler, and every link stays on the page or goes to an https address.
#[track_caller]
fn assert_only_our_markup(page: &str, label: &str) {
    const ALLOWED: &[&str] = &[
        "html", "head", "meta", "title", "style", "body", "main", "header", "footer", "h1", "h2",
        "h3", "h4", "p", "span", "b", "br", "code", "section", "div", "figure", "svg", "rect",
        "text", "line", "polyline", "ul", "ol", "li", "a", "details", "summary", "table", "thead",
        "tbody", "tr", "th", "td",
    ];
    let tag_start = Regex::new(r"</?[a-zA-Z]").expect("regex");
    let tag = Regex::new(
        r#"^</?([a-zA-Z][a-zA-Z0-9]*)((?:\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:="[^"]*")?)*)\s*/?>"#,
    )
    .expect("regex");
    let attribute = Regex::new(r"\s+([a-zA-Z_:][-a-zA-Z0-9_:.]*)").expect("regex");
    let attribute_value = Regex::new(r#"="[^"]*""#).expect("regex");
    for m in tag_start.find_iter(page) {
        let rest = &page[m.start()..];
        let c = tag.captures(rest).unwrap_or_else(|| {
            let end = rest.char_indices().nth(80).map_or(rest.len(), |(i, _)| i);
            panic!("{label}: not a whole tag: {}", &rest[..end])
        });
        let name = c[1].to_ascii_lowercase();
        assert!(ALLOWED.contains(&name.as_str()), "{label}: tag {name}");
        let names = attribute_value.replace_all(&c[2], "");
        for a in attribute.captures_iter(&names) {
            assert!(
                !a[1].to_ascii_lowercase().starts_with("on"),
                "{label}: attribute {} on {name}",
                &a[1]
            );
        }
    }
    let href = Regex::new(r#"href="([^"]*)""#).expect("regex");
    for h in href.captures_iter(page) {
        assert!(
            h[1].starts_with('#') || h[1].starts_with("https://"),
            "{label}: href {}",
            &h[1]
        );
    }
}

#[test]
fn hostile_names_reasons_and_catalog_text_stay_text() {
    let (dir, export) = temp_file("hostile.json", HOSTILE.as_bytes());
    let (dir2, catalog) = temp_file("hostile.toml", HOSTILE_CATALOG.as_bytes());
    for extra in [
        &["--status", "all"][..],
        &["--group-by", "app"],
        &["--group-by", "none"],
    ] {
        let mut args = vec!["--catalog", &catalog, "analyze", &export];
        args.extend_from_slice(extra);
        let page = html(&args);
        let label = format!("{extra:?}");
        let lower = page.to_ascii_lowercase();
        assert!(!lower.contains("<script"), "{label}: a script element");
        assert!(!lower.contains("<img"), "{label}: an img element");
        assert!(!lower.contains("<b>bold"), "{label}: catalog markup");
        assert!(!page.contains('\u{1b}') && !page.contains('\u{202e}'));
        // The values are there, as text.
        assert!(
            page.contains("&lt;img src=x onerror=alert(6)&gt;"),
            "{label}"
        );
        assert_only_our_markup(&page, &label);
    }
    let page = html(&["--catalog", &catalog, "analyze", &export]);
    // The terminal escapes are shown, not sent.
    assert!(page.contains("\\x1b[2J"));
    assert!(page.contains("&lt;/style&gt;&lt;script&gt;alert(3)&lt;/script&gt;"));
    assert!(page.contains("&lt;b&gt;Bold&lt;/b&gt;"));
    // The javascript: docs entry is shown as text, never as a link.
    assert!(page.contains("javascript:alert(7)") && !page.contains("href=\"javascript"));
    drop((dir, dir2));
}

#[test]
fn japanese_labels_and_catalog_texts() {
    let file = fixture("portal-export.json");
    let page = html(&["--lang", "ja", "analyze", &file]);
    let doc = json(&["--lang", "ja", "analyze", &file]);
    assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"ja\">"));
    assert_eq!(
        texts(&page, "h2"),
        vec![
            "概要",
            "失敗の推移",
            "主な診断",
            "プロビジョニング サイクル",
            "診断別の失敗"
        ]
    );
    let first = &doc["groups"][0]["diagnosis"];
    assert!(texts(&page, "h3")[0].ends_with(first["title"].as_str().expect("title")));
    let text = unescape(&page);
    for step in first["steps"].as_array().expect("steps") {
        assert!(text.contains(step.as_str().expect("step")), "{step}");
    }
}

#[test]
fn other_groupings_and_an_empty_selection() {
    let file = fixture("portal-export.json");
    let page = html(&["analyze", &file, "--group-by", "app"]);
    let doc = json(&["analyze", &file, "--group-by", "app"]);
    let n = doc["groups"].as_array().expect("groups").len();
    assert!(section_ids(&page).contains(&"groups".to_owned()));
    assert!(!section_ids(&page).contains(&"diagnoses".to_owned()));
    let top = element(&page, "figure", "chart-top");
    assert_eq!(top.matches("<rect").count(), n);
    for i in 1..=n {
        assert!(top.contains(&format!("href=\"#g{i}\"")));
        assert!(page.contains(&format!("<tr id=\"g{i}\">")));
    }

    let page = html(&["analyze", &file, "--group-by", "none"]);
    let events = element(&page, "section", "events");
    assert_eq!(events.matches("<tr>").count() - 1, 90);

    let page = html(&["analyze", &file, "--code", "NoSuchCode"]);
    assert!(page.contains("No events match."));
    assert!(!page.contains("<svg"));
    assert!(page.trim_end().ends_with("</html>"));
}
