//! The output contract, filters, grouping and exit codes of `analyze`.

use crate::util::*;

#[test]
fn ndjson_keeps_the_contract_key_order_and_nulls() {
    let r = run(&[
        "analyze",
        &fixture("portal-export.json"),
        "--status",
        "all",
        "--format",
        "ndjson",
    ])
    .ok();
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 300, "one line per event");
    for line in &lines {
        // Keys in order: each top-level key appears after the previous one.
        let mut at = 0;
        for k in KEYS {
            let needle = format!("\"{k}\":");
            let pos = line[at..]
                .find(&needle)
                .unwrap_or_else(|| panic!("{k} missing or out of order in {line}"));
            at += pos + needle.len();
        }
        let v: serde_json::Value = serde_json::from_str(line).expect("json");
        let obj = v.as_object().expect("object");
        assert_eq!(obj.len(), KEYS.len(), "no extra top-level keys");
        for fact in [
            "http_status",
            "retry_count",
            "next_retry",
            "target_error_code",
            "request_id",
        ] {
            assert!(
                v["facts"].get(fact).is_some(),
                "facts.{fact} present (null if unknown)"
            );
        }
        match v["status"].as_str() {
            Some("success") => assert!(v["diagnosis"].is_null()),
            _ => {
                let d = &v["diagnosis"];
                for k in [
                    "id",
                    "system",
                    "category",
                    "title",
                    "retry",
                    "matched_by",
                    "steps",
                ] {
                    assert!(d.get(k).is_some(), "diagnosis.{k} in {line}");
                }
                if d["id"] == "unclassified" {
                    assert_eq!(d["category"], "unclassified");
                } else {
                    assert!(
                        ["code", "pattern", "http-status", "skip-reason"]
                            .contains(&d["matched_by"].as_str().unwrap_or("")),
                        "{line}"
                    );
                    assert!(!d["steps"].as_array().expect("steps").is_empty());
                }
            }
        }
        if let Some(t) = v["time"].as_str() {
            assert!(t.ends_with('Z') && t.contains('T'), "RFC 3339 UTC: {t}");
        }
    }
}

#[test]
fn default_selection_is_failures_and_warnings() {
    let rows = run(&[
        "analyze",
        &fixture("portal-export.json"),
        "--format",
        "ndjson",
    ])
    .ok()
    .ndjson();
    assert!(!rows.is_empty());
    assert!(
        rows.iter()
            .all(|r| r["status"] == "failure" || r["status"] == "warning")
    );
}

#[test]
fn scim_conflict_facts_are_parsed_from_the_reason() {
    let rows = run(&[
        "analyze",
        &fixture("portal-export.json"),
        "--format",
        "ndjson",
    ])
    .ok()
    .ndjson();
    let scim = rows
        .iter()
        .find(|r| {
            r["error_code"] == "SystemForCrossDomainIdentityManagementServiceIncompatibleFiltering"
        })
        .expect("a SCIM 409 failure in the fixture");
    assert_eq!(scim["facts"]["http_status"], 409);
    assert!(scim["facts"]["retry_count"].is_u64());
    assert!(
        scim["facts"]["next_retry"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z'))
    );
    assert_eq!(scim["diagnosis"]["system"], "entra");
    // Its code is matched, and kept in the chain, but the app's own answer inside the
    // reason ("... already exists") is more specific and decides.
    let cause = scim["diagnosis"]["cause"].as_array().expect("cause");
    assert!(
        cause
            .iter()
            .any(|c| c["layer"] == "code" && c["id"] == "entra.scim-incompatible-filtering"),
        "{cause:?}"
    );
    assert_eq!(cause.last().map(|c| &c["layer"]), Some(&"scim".into()));
    assert_eq!(scim["diagnosis"]["matched_by"], "pattern");
}

#[test]
fn unknown_codes_land_in_unclassified_with_their_raw_code() {
    let rows = run(&[
        "analyze",
        &fixture("portal-export.json"),
        "--format",
        "ndjson",
    ])
    .ok()
    .ndjson();
    let un: Vec<_> = rows
        .iter()
        .filter(|r| r["diagnosis"]["id"] == "unclassified")
        .collect();
    assert!(!un.is_empty(), "the fixture has unknown codes");
    assert!(
        un.iter()
            .all(|r| r["error_code"].is_string() || r["reason"].is_string())
    );
}

#[test]
fn filters_narrow_the_selection() {
    let path = fixture("portal-export.json");
    let all = run(&["analyze", &path, "--status", "all", "--format", "ndjson"])
        .ok()
        .ndjson();
    let count = |args: &[&str]| {
        let mut a = vec!["analyze", path.as_str(), "--format", "ndjson"];
        a.extend_from_slice(args);
        run(&a).ok().ndjson()
    };

    let skipped = count(&["--status", "skipped"]);
    assert_eq!(
        skipped.len(),
        all.iter().filter(|r| r["status"] == "skipped").count()
    );
    assert!(!skipped.is_empty());

    let creates = count(&["--status", "all", "--action", "create"]);
    assert!(!creates.is_empty() && creates.iter().all(|r| r["action"] == "create"));

    let slack = count(&["--status", "all", "--app", "slack"]);
    assert!(!slack.is_empty() && slack.iter().all(|r| r["app"] == "Slack"));

    let first = &all[0];
    let change = first["change_id"].as_str().expect("change id");
    let one = count(&["--status", "all", "--change", &change[..8]]);
    assert!(one.iter().all(|r| {
        r["change_id"]
            .as_str()
            .is_some_and(|c| c.starts_with(&change[..8]))
    }));
    assert!(!one.is_empty());

    let who = all
        .iter()
        .find_map(|r| r["identity"].as_str().filter(|s| s.contains('@')))
        .expect("an identity");
    let mine = count(&["--status", "all", "--identity", &who.to_uppercase()]);
    assert!(!mine.is_empty() && mine.iter().all(|r| r["identity"] == who));

    let conflicts = count(&["--category", "conflict"]);
    assert!(
        !conflicts.is_empty()
            && conflicts
                .iter()
                .all(|r| r["diagnosis"]["category"] == "conflict")
    );

    let code = count(&["--code", "Timeout"]);
    assert!(!code.is_empty() && code.iter().all(|r| r["error_code"] == "Timeout"));

    let cycle = first["cycle_id"].as_str().expect("cycle");
    let in_cycle = count(&["--status", "all", "--cycle", cycle]);
    assert!(!in_cycle.is_empty() && in_cycle.iter().all(|r| r["cycle_id"] == cycle));

    let newest = all
        .iter()
        .filter_map(|r| r["time"].as_str())
        .max()
        .expect("times");
    let latest = count(&["--status", "all", "--cycle", "latest"]);
    assert!(latest.iter().any(|r| r["time"] == newest));
    let latest_cycle = &latest[0]["cycle_id"];
    assert!(latest.iter().all(|r| r["cycle_id"] == *latest_cycle));

    let times: Vec<&str> = all.iter().filter_map(|r| r["time"].as_str()).collect();
    let mut sorted = times.clone();
    sorted.sort();
    let mid = sorted[sorted.len() / 2];
    let since = count(&["--status", "all", "--since", mid]);
    let until = count(&["--status", "all", "--until", mid]);
    assert_eq!(since.len() + until.len(), all.len());
    assert!(
        since
            .iter()
            .all(|r| r["time"].as_str().is_some_and(|t| t >= mid))
    );

    let none = count(&["--system", "iij"]);
    assert!(none.is_empty(), "Entra logs have no IIJ diagnoses");
}

#[test]
fn bad_filter_values_are_usage_errors() {
    let path = fixture("portal-export.json");
    for args in [
        vec!["--status", "broken"],
        vec!["--category", "weather"],
        vec!["--since", "yesterday-ish"],
        vec!["--action", "explode"],
    ] {
        let mut a = vec!["analyze", path.as_str()];
        a.extend(args.iter().copied());
        let r = run(&a).code(2);
        assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
        assert!(r.stderr.starts_with("provlog: --"), "{}", r.stderr);
    }
}

#[test]
fn json_document_groups_by_every_key() {
    let path = fixture("portal-export.json");
    for key in ["diagnosis", "code", "app", "cycle", "identity", "step"] {
        let doc = run(&["analyze", &path, "--format", "json", "--group-by", key])
            .ok()
            .json();
        let groups = doc["groups"].as_array().expect("groups");
        let events = doc["events"].as_array().expect("events");
        assert!(!groups.is_empty(), "{key}");
        let total: u64 = groups
            .iter()
            .map(|g| g["count"].as_u64().unwrap_or(0))
            .sum();
        assert_eq!(
            total as usize,
            events.len(),
            "{key}: groups cover every event"
        );
        // Ordered by priority, then count (the cycle view by time): see insights.rs.
        if key != "cycle" {
            let order: Vec<(bool, u64)> = groups
                .iter()
                .map(|g| {
                    (
                        g["priority"] != "needs-action",
                        u64::MAX - g["count"].as_u64().unwrap_or(0),
                    )
                })
                .collect();
            assert!(
                order.windows(2).all(|w| w[0] <= w[1]),
                "{key}: ordered by priority, then count"
            );
        }
        assert_eq!(doc["group_by"], key);
    }
    let doc = run(&["analyze", &path, "--format", "json"]).ok().json();
    let s = &doc["summary"];
    assert_eq!(s["records_read"], 300);
    assert_eq!(s["events_kept"], 300);
    assert_eq!(s["records_rejected"], 0);
    assert!(s["first_time"].is_string() && s["last_time"].is_string());
    assert!(s["account_disabled_noise"].as_u64().is_some_and(|n| n > 0));
}

#[test]
fn table_view_shows_summary_groups_and_steps_once() {
    let r = run(&["analyze", &fixture("portal-export.json")]).ok();
    let out = &r.stdout;
    for needle in [
        "Events read",
        "Time span",
        "newest event",
        "By status",
        "By action",
        "Failures by diagnosis",
        "What to do:",
        "Change IDs:",
    ] {
        assert!(out.contains(needle), "missing {needle}:\n{out}");
    }
    assert!(!out.contains('\u{1b}'), "no colour when not a terminal");
    // Steps are printed once per group, not once per event.
    let groups = out.matches("What to do:").count();
    let events = run(&[
        "analyze",
        &fixture("portal-export.json"),
        "--format",
        "ndjson",
    ])
    .ok()
    .ndjson()
    .len();
    assert!(groups < events, "{groups} step blocks for {events} events");
}

#[test]
fn japanese_labels_with_lang_ja() {
    let r = run(&["analyze", &fixture("portal-export.json"), "--lang", "ja"]).ok();
    assert!(r.stdout.contains("読み込んだイベント"), "{}", r.stdout);
    assert!(r.stdout.contains("対処"));
    let env = {
        let mut c = bin();
        c.args(["analyze", &fixture("portal-export.json")])
            .env("LANG", "ja_JP.UTF-8");
        c.output().expect("runs")
    };
    assert!(String::from_utf8_lossy(&env.stdout).contains("期間"));
}

#[test]
fn csv_output_reads_back_with_guarded_formulas() {
    let r = run(&["analyze", &fixture("portal-export.json"), "--format", "csv"]).ok();
    let mut rdr = csv::Reader::from_reader(r.stdout.as_bytes());
    let headers = rdr.headers().expect("header").clone();
    assert_eq!(&headers[0], "change_id");
    assert!(headers.iter().any(|h| h == "diagnosis_id"));
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.expect("row")).collect();
    let ndjson = run(&[
        "analyze",
        &fixture("portal-export.json"),
        "--format",
        "ndjson",
    ])
    .ok()
    .ndjson();
    assert_eq!(rows.len(), ndjson.len());
    for row in &rows {
        for cell in row.iter() {
            assert!(!cell.starts_with(['=', '+', '-', '@']), "unguarded {cell}");
        }
    }
    let ja = run(&[
        "analyze",
        &fixture("portal-export.json"),
        "--format",
        "csv",
        "--lang",
        "ja",
    ])
    .ok();
    assert!(
        ja.stdout.starts_with('\u{feff}'),
        "BOM for Excel with --lang ja"
    );
    let no = run(&[
        "analyze",
        &fixture("portal-export.json"),
        "--format",
        "csv",
        "--lang",
        "ja",
        "--no-bom",
    ])
    .ok();
    assert!(!no.stdout.starts_with('\u{feff}'));
}

#[test]
fn markdown_report_is_a_ticket_body() {
    let r = run(&[
        "analyze",
        &fixture("portal-export.json"),
        "--format",
        "markdown",
    ])
    .ok();
    assert!(r.stdout.starts_with("# Provisioning log report"));
    assert!(
        r.stdout
            .contains("| # | Priority | Count | Category | Diagnosis | Title | Identities |")
    );
    assert!(r.stdout.contains("## 1. "));
}

#[test]
fn fail_on_sets_exit_status_one() {
    let path = fixture("portal-export.json");
    run(&["analyze", &path, "--fail-on", "failure"]).code(1);
    run(&[
        "analyze",
        &path,
        "--fail-on",
        "failure",
        "--status",
        "skipped",
    ])
    .code(0);
    run(&["analyze", &path]).code(0);
}

#[test]
fn the_default_command_is_analyze() {
    let a = run(&[&fixture("portal-export.json"), "--format", "ndjson"]).ok();
    let b = run(&[
        "analyze",
        &fixture("portal-export.json"),
        "--format",
        "ndjson",
    ])
    .ok();
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn a_closed_pipe_ends_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    // Enough events that the output outlives the reader's interest.
    let one = read_fixture("portal-export.json");
    let mut big = Vec::new();
    for _ in 0..40 {
        big.extend_from_slice(&one);
        big.push(b'\n');
    }
    let (_d, path) = temp_file("big.json", &big);
    let mut child = bin()
        .args(["analyze", &path, "--status", "all", "--format", "ndjson"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .stdin(Stdio::null())
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let mut first = String::new();
    BufReader::new(stdout)
        .read_line(&mut first)
        .expect("a line");
    // Dropping the reader closes the pipe.
    let out = child.wait_with_output().expect("exits");
    assert!(first.starts_with('{'));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn skipped_events_are_diagnosed_from_their_scoping_step() {
    let doc = run(&[
        "analyze",
        &fixture("portal-export.json"),
        "--status",
        "skipped",
        "--format",
        "json",
    ])
    .ok()
    .json();
    let groups = doc["groups"].as_array().expect("groups");
    assert!(!groups.is_empty());
    for g in groups {
        assert_eq!(
            g["category"], "scoping",
            "every skip has a scoping diagnosis: {g}"
        );
    }
    let ids: Vec<&str> = groups.iter().filter_map(|g| g["key"].as_str()).collect();
    assert!(ids.contains(&"entra.skip-not-effectively-entitled"));
    assert!(ids.contains(&"entra.skip-scope-filter"), "{ids:?}");
}
