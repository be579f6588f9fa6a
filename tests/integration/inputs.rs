//! Every input shape is read, and the same events come out of each.

use crate::util::*;

const SHAPES: &[&str] = &[
    "portal-export.json",
    "portal-export-beta.json",
    "graph",
    "diagnostic.ndjson",
    "log-analytics.csv",
    "portal-csv",
];

fn all_events(path: &str) -> Vec<(String, serde_json::Value)> {
    let r = run(&["analyze", path, "--status", "all", "--format", "ndjson"]).ok();
    by_change(r.ndjson())
}

#[test]
fn every_shape_gives_the_same_events() {
    let reference = all_events(&fixture(SHAPES[0]));
    assert_eq!(reference.len(), 300);
    // The fixture really exercises the reader: failures with codes, skips, several apps.
    let failures = reference
        .iter()
        .filter(|(_, e)| e["status"] == "failure")
        .count();
    assert!(failures > 50, "{failures} failures");
    for shape in &SHAPES[1..] {
        let got = all_events(&fixture(shape));
        assert_eq!(got.len(), reference.len(), "{shape}: event count");
        for ((id_a, a), (id_b, b)) in reference.iter().zip(&got) {
            assert_eq!(id_a, id_b, "{shape}: change ids differ");
            assert_eq!(a, b, "{shape}: event {id_a} differs");
        }
    }
}

#[test]
fn shapes_are_named_in_the_summary() {
    let cases = [
        ("portal-export.json", "JSON array (portal download)"),
        ("graph", "Graph API page(s)"),
        ("diagnostic.ndjson", "Azure Monitor diagnostic NDJSON"),
        (
            "log-analytics.csv",
            "Log Analytics CSV (AADProvisioningLogs)",
        ),
        ("portal-csv", "portal CSV set"),
    ];
    for (shape, name) in cases {
        let r = run(&["analyze", &fixture(shape), "--format", "json"]).ok();
        let doc = r.json();
        let formats: Vec<&str> = doc["summary"]["inputs"]
            .as_array()
            .expect("inputs")
            .iter()
            .filter_map(|i| i["format"].as_str())
            .collect();
        assert!(formats.iter().all(|f| *f == name), "{shape}: {formats:?}");
    }
}

#[test]
fn naming_one_file_of_the_csv_set_finds_its_siblings() {
    let dir = fixture("portal-csv");
    let events = std::fs::read_dir(&dir)
        .expect("dir")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .find(|p| {
            let n = p
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .to_string();
            n.starts_with("ProvisioningLogs_2") && n.ends_with(".csv")
        })
        .expect("the events file");
    let by_file = all_events(&events.display().to_string());
    let by_dir = all_events(&dir);
    assert_eq!(by_file, by_dir);
    // Steps and modified properties were joined: failures have a failed step.
    assert!(
        by_file
            .iter()
            .any(|(_, e)| e["status"] == "failure" && e["failed_step"].is_string())
    );
}

#[test]
fn a_missing_steps_file_is_a_note_not_an_error() {
    let dir = tempfile::tempdir().expect("tmp");
    for entry in std::fs::read_dir(fixture("portal-csv")).expect("dir") {
        let p = entry.expect("entry").path();
        let name = p.file_name().expect("name").to_string_lossy().to_string();
        if !name.contains("ProvisioningSteps") {
            std::fs::copy(&p, dir.path().join(&name)).expect("copy");
        }
    }
    let r = run(&[
        "analyze",
        &dir.path().display().to_string(),
        "--format",
        "ndjson",
    ])
    .ok();
    assert!(
        r.stderr.contains("no ProvisioningSteps file"),
        "{}",
        r.stderr
    );
    assert!(!r.ndjson().is_empty());
}

#[test]
fn utf16_and_bom_inputs_read_like_utf8() {
    let text = String::from_utf8(read_fixture("portal-export.json")).expect("utf-8 fixture");
    let want = all_events(&fixture("portal-export.json"));
    let mut le = vec![0xFF, 0xFE];
    le.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
    let mut be = vec![0xFE, 0xFF];
    be.extend(text.encode_utf16().flat_map(|u| u.to_be_bytes()));
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend(text.as_bytes());
    for (name, bytes) in [("le.json", le), ("be.json", be), ("bom.json", bom)] {
        let (_d, path) = temp_file(name, &bytes);
        assert_eq!(all_events(&path), want, "{name}");
    }
}

#[test]
fn stdin_is_read_with_a_dash_and_without_files() {
    let bytes = read_fixture("diagnostic.ndjson");
    let want = all_events(&fixture("diagnostic.ndjson"));
    for args in [
        vec!["analyze", "-", "--status", "all", "--format", "ndjson"],
        vec!["analyze", "--status", "all", "--format", "ndjson"],
    ] {
        let r = run_with(&args, Some(&bytes)).ok();
        assert_eq!(by_change(r.ndjson()), want);
    }
}

#[test]
fn crlf_pretty_and_single_event_json_are_read() {
    // One event object, pretty-printed with CRLF, as copied from Graph Explorer.
    let text = String::from_utf8(read_fixture("portal-export.json")).expect("utf-8");
    let events: Vec<serde_json::Value> = serde_json::from_str(&text).expect("array");
    let failing = events
        .iter()
        .find(|e| e["provisioningStatusInfo"]["status"] == "failure")
        .expect("a failure");
    let pretty = serde_json::to_string_pretty(failing)
        .expect("json")
        .replace('\n', "\r\n");
    let (_d, path) = temp_file("one.json", pretty.as_bytes());
    let r = run(&["analyze", &path, "--format", "ndjson"]).ok();
    let rows = r.ndjson();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["change_id"], failing["changeId"]);
}

#[test]
fn several_page_files_and_concatenated_pages_agree() {
    let dir = fixture("graph");
    let mut pages: Vec<String> = std::fs::read_dir(&dir)
        .expect("dir")
        .map(|e| e.expect("entry").path().display().to_string())
        .collect();
    pages.sort();
    assert_eq!(pages.len(), 2);
    let mut args = vec!["analyze", "--status", "all", "--format", "ndjson"];
    args.extend(pages.iter().map(String::as_str));
    let files = by_change(run(&args).ok().ndjson());
    let mut joined = Vec::new();
    for p in &pages {
        joined.extend(std::fs::read(p).expect("page"));
        joined.push(b'\n');
    }
    let (_d, path) = temp_file("pages.json", &joined);
    let concatenated = all_events(&path);
    assert_eq!(files, concatenated);
    assert_eq!(files.len(), 300);
}

#[test]
fn log_analytics_json_export_reads_like_the_csv() {
    // The Log Analytics JSON export holds the same rows as its CSV export: PascalCase
    // columns, nested objects as JSON text, times as the portal prints them.
    let bytes = read_fixture("log-analytics.csv");
    let mut rdr = csv::Reader::from_reader(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes));
    let headers: Vec<String> = rdr
        .headers()
        .expect("header")
        .iter()
        .map(|h| h.trim_end_matches(" [UTC]").to_owned())
        .collect();
    let rows: Vec<serde_json::Value> = rdr
        .records()
        .map(|r| {
            let r = r.expect("row");
            let obj: serde_json::Map<String, serde_json::Value> = headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.clone(), serde_json::Value::String(v.to_owned())))
                .collect();
            serde_json::Value::Object(obj)
        })
        .collect();
    let text = serde_json::to_string(&rows).expect("json");
    let (_d, path) = temp_file("la.json", text.as_bytes());
    assert_eq!(all_events(&path), all_events(&fixture("log-analytics.csv")));
}
