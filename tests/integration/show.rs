//! `provlog show`: golden reports for every input shape, prefix resolution, JSON shape.
//! See: issue 5.

use crate::util::*;

/// Every input shape; all fixtures hold the same 300 events, so their reports differ only
/// where a shape lacks a field (the portal's CSV has no UPNs or system ids).
const SHAPES: &[(&str, &str)] = &[
    ("portal-json", "portal-export.json"),
    ("portal-beta", "portal-export-beta.json"),
    ("graph", "graph"),
    ("diagnostic", "diagnostic.ndjson"),
    ("log-analytics", "log-analytics.csv"),
    ("portal-csv", "portal-csv"),
];

/// A create that failed on expired credentials (JSON body, retries in the reason) and an
/// update whose reason embeds a display name, with old → new properties.
const IDS: [&str; 2] = ["06c73914", "17bfa0e2"];

fn show(args: &[&str]) -> Run {
    let mut all = vec!["show"];
    all.extend_from_slice(args);
    run(&all)
}

#[test]
fn golden_reports_for_every_input_shape() {
    for (shape, path) in SHAPES {
        let file = fixture(path);
        for (format, ext) in [("table", "txt"), ("markdown", "md")] {
            let r = show(&[IDS[0], IDS[1], &file, "--format", format]).ok();
            golden(&format!("show-{shape}.{ext}"), &r.stdout);
        }
    }
}

#[test]
fn golden_redacted_markdown_and_japanese_frame() {
    let file = fixture("portal-export.json");
    let r = show(&[IDS[0], IDS[1], &file, "--format", "markdown", "--redact"]).ok();
    golden("show-portal-json-redacted.md", &r.stdout);
    let r = show(&[IDS[0], &file, "--lang", "ja"]).ok();
    golden("show-portal-json-ja.txt", &r.stdout);
    assert!(r.stdout.contains("トラブルシューティングと推奨事項"));
}

#[test]
fn every_shape_reports_the_same_change() {
    // The steps and properties come out the same whichever shape they were read from
    // (the three-CSV set joins them from their own files).
    let json = show(&[IDS[1], &fixture("portal-export.json"), "--format", "json"]).ok();
    let want = &json.ndjson()[0];
    for (shape, path) in SHAPES {
        let r = show(&[IDS[1], &fixture(path), "--format", "json"]).ok();
        let got = &r.ndjson()[0];
        for key in [
            "change_id",
            "time",
            "status",
            "error_code",
            "reason",
            "failed_step",
            "steps",
            "modified_properties",
        ] {
            assert_eq!(got[key], want[key], "{shape}: {key}");
        }
        assert_eq!(got["diagnosis"]["id"], want["diagnosis"]["id"], "{shape}");
    }
}

#[test]
fn json_is_the_ndjson_shape_plus_steps_and_properties() {
    let r = show(&[IDS[0], IDS[1], &fixture("graph"), "--format", "json"]).ok();
    let rows = r.ndjson();
    assert_eq!(rows.len(), 2);
    let analyze = run(&[
        "analyze",
        &fixture("graph"),
        "--format",
        "ndjson",
        "--change",
        IDS[0],
    ])
    .ok();
    let base = &analyze.ndjson()[0];
    let line = r.stdout.lines().next().unwrap_or("");
    let obj = rows[0].as_object().expect("object");
    let keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    let base_keys: Vec<&str> = base
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys.len(), base_keys.len() + 2, "{keys:?}");
    for k in &base_keys {
        assert_eq!(rows[0][*k], base[*k], "{k} as analyze writes it");
    }
    // The contract's order, then the two additions.
    assert!(line.starts_with("{\"change_id\":"), "{line}");
    let steps_at = line.find("\"steps\":[{").expect("steps");
    let facts_at = line.find("\"facts\":").expect("facts");
    let props_at = line.find("\"modified_properties\":").expect("properties");
    assert!(facts_at < steps_at && steps_at < props_at);
    let steps = rows[0]["steps"].as_array().expect("steps array");
    assert_eq!(steps.len(), 5);
    assert_eq!(steps[4]["name"], "EntryExportAdd");
    assert_eq!(steps[4]["type"], "export");
    assert_eq!(steps[4]["status"], "failure");
    assert_eq!(
        steps[4]["details"]["name.givenName"], "Brian",
        "details as an object"
    );
    let props = rows[1]["modified_properties"].as_array().expect("props");
    let office = props
        .iter()
        .find(|p| p["name"] == "physicalDeliveryOfficeName")
        .expect("office property");
    assert_eq!(office["old_value"], "Fukuoka Office");
    assert_eq!(office["new_value"], "Nagoya Office");
    assert!(props[0]["old_value"].is_null(), "missing values are null");
}

/// Change ids of the fixture, read with serde_json (not with provlog).
fn change_ids() -> Vec<String> {
    let v: serde_json::Value =
        serde_json::from_slice(&read_fixture("portal-export.json")).expect("fixture JSON");
    v.as_array()
        .expect("array")
        .iter()
        .filter_map(|e| e["changeId"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn a_unique_prefix_in_any_case_is_the_whole_id() {
    let file = fixture("portal-export.json");
    let full = show(&["06c73914-ed57-79f4-1905-1e2aef5cf1a2", &file]).ok();
    let prefix = show(&["06c7", &file]).ok();
    let upper = show(&["06C7391", &file]).ok();
    assert!(
        full.stdout
            .contains("Change 06c73914-ed57-79f4-1905-1e2aef5cf1a2")
    );
    assert_eq!(prefix.stdout, full.stdout);
    assert_eq!(upper.stdout, full.stdout);
    // The same change named twice is reported once.
    let twice = show(&["06c7", "06c73914", &file]).ok();
    assert_eq!(twice.stdout, full.stdout);
}

#[test]
fn an_ambiguous_prefix_lists_the_candidates_and_exits_2() {
    let ids = change_ids();
    let count = |p: &str| ids.iter().filter(|i| i.starts_with(p)).count();
    // The shortest prefix that a few changes share (all of them listed).
    let prefix = (1..8)
        .flat_map(|n| ids.iter().map(move |i| i[..n].to_owned()))
        .find(|p| (2..=10).contains(&count(p)))
        .expect("a shared prefix");
    let want: Vec<&String> = ids.iter().filter(|i| i.starts_with(&prefix)).collect();
    let r = show(&[&prefix, &fixture("portal-export.json")]).code(2);
    assert!(r.stdout.is_empty(), "nothing is reported: {}", r.stdout);
    assert!(
        r.stderr
            .contains(&format!("change id '{prefix}' is ambiguous")),
        "{}",
        r.stderr
    );
    for id in &want {
        assert!(
            r.stderr.contains(id.as_str()),
            "{id} listed in {}",
            r.stderr
        );
    }
    let listed = r.stderr.lines().filter(|l| l.starts_with("  ")).count();
    assert_eq!(listed, want.len());
    // A prefix shared by very many changes lists ten and says there are more.
    let wide = (0..16u32)
        .map(|n| format!("{n:x}"))
        .find(|p| count(p) > 10)
        .expect("a common first digit");
    let r = show(&[&wide, &fixture("portal-export.json")]).code(2);
    assert!(r.stderr.contains("more than 10 changes"), "{}", r.stderr);
    assert_eq!(r.stderr.lines().filter(|l| l.starts_with("  ")).count(), 10);
}

#[test]
fn an_unknown_prefix_says_so_and_exits_2() {
    let ids = change_ids();
    let unknown = (0..=0xffffu32)
        .map(|n| format!("{n:04x}"))
        .find(|p| !ids.iter().any(|i| i.starts_with(p.as_str())))
        .expect("an unused prefix");
    let file = fixture("portal-export.json");
    let r = show(&[&unknown, &file]).code(2);
    assert!(r.stdout.is_empty());
    assert!(
        r.stderr.contains(&format!(
            "no event in the input has a change id starting with '{unknown}'"
        )),
        "{}",
        r.stderr
    );
    // The known one is still reported; the status says something was wrong.
    let r = show(&["06c7", &unknown, &file]).code(2);
    assert!(r.stdout.contains("Change 06c73914"));
}

#[test]
fn arguments_are_ids_or_files() {
    let file = fixture("portal-export.json");
    // After `--`, everything is an input; a missing file is reported as one.
    let r = show(&["06c7", "--", &file]).ok();
    assert!(r.stdout.contains("Change 06c73914"));
    let r = show(&["06c7", "no-such-export.json"]).code(2);
    assert!(
        r.stderr
            .contains("no-such-export.json: no such file or folder"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("no event in the input"), "{}", r.stderr);
    // Only files: nothing to show.
    let r = show(&[&file]).code(2);
    assert!(r.stderr.contains("name a change id"), "{}", r.stderr);
    // Stdin works too.
    let r = run_with(
        &["show", "17bf", "-"],
        Some(&read_fixture("diagnostic.ndjson")),
    )
    .ok();
    assert!(r.stdout.contains("Change 17bfa0e2"));
}

#[test]
fn analyze_tells_how_to_show_a_listed_change() {
    let file = fixture("portal-export.json");
    let r = run(&["analyze", &file]).ok();
    // The last line; catalog texts may mention `provlog show CHANGE_ID` too.
    let hint = r
        .stdout
        .lines()
        .rev()
        .find(|l| l.contains("provlog show "))
        .expect("a hint line");
    let cmd = &hint[hint.find("provlog show ").expect("command") + "provlog show ".len()..];
    let mut words = cmd.split_whitespace();
    let id = words.next().expect("an id");
    assert_eq!(words.next(), Some(file.as_str()));
    assert!(
        r.stdout
            .lines()
            .any(|l| l.trim_start().starts_with("Change IDs:") && l.contains(id)),
        "the id is one of those listed"
    );
    let shown = show(&[id, &file]).ok();
    assert!(shown.stdout.contains(&format!("Change {id}")));
}

#[test]
fn log_text_cannot_escape_the_report() {
    let event = serde_json::json!({
        "changeId": "abcd1234-0000-0000-0000-000000000001",
        "activityDateTime": "2026-11-20T00:00:04Z",
        "provisioningAction": "update",
        "provisioningStatusInfo": {
            "status": "failure",
            "errorInformation": {
                "errorCode": "Weird|Code",
                "reason": "line one \u{1b}[31mred\n```\nclosing fence? | pipe"
            }
        },
        "provisioningSteps": [{
            "name": "Step|`x`",
            "provisioningStepType": "export",
            "status": "failure",
            "description": "a|b \u{1b}]0;title\u{7} *bold* [link](http://x)",
            "details": {"k|`": "<script>alert(1)</script>"}
        }],
        "modifiedProperties": [
            {"displayName": "department", "oldValue": "x|y", "newValue": "<b>z</b>"}
        ]
    });
    let (_dir, path) = temp_file("one.json", event.to_string().as_bytes());
    let table = show(&["abcd", &path]).ok();
    assert!(!table.stdout.contains('\u{1b}'), "{}", table.stdout);
    assert!(table.stdout.contains("\\x1b[31mred"));
    let md = show(&["abcd", &path, "--format", "markdown"]).ok();
    assert!(!md.stdout.contains('\u{1b}') && !md.stdout.contains('\u{7}'));
    // The reason's own ``` cannot close its block: the fence is longer.
    assert!(
        md.stdout
            .contains("````text\nline one \\x1b[31mred\n```\nclosing fence? | pipe\n````\n")
    );
    assert!(
        md.stdout
            .contains("| `department` | x\\|y | \\<b>z\\</b> |")
    );
    assert!(
        md.stdout
            .contains("a\\|b \\x1b\\]0;title\\x07 \\*bold\\* \\[link\\](http://x)")
    );
    // A tag is escaped (`\<script>` reads as text in Markdown): no raw `<script>` remains.
    assert!(md.stdout.contains("\\<script>"));
    assert_eq!(
        md.stdout.matches("<script").count(),
        md.stdout.matches("\\<script").count()
    );
}
