//! `analyze` beyond grouping: priorities, quarantine warnings, the cycle and attribute
//! views. See: provlog issue 8.

use crate::events::{E, array, at, fail, ok};
use crate::util::*;

// ---------------------------------------------------------------------------------------
// Priorities

/// Six groups whose priority is known from the catalog and the reasons:
///
/// - throttled ×5 (retry automatic, retried once) → will retry
/// - licence not available ×1 (retry manual) → needs action
/// - attribute conflict ×3 (next-cycle, retried once), one identity in two cycles →
///   persistent → needs action
/// - timeout ×2 (automatic, but retried 3 times) → needs action
/// - invalid anchor ×4 (next-cycle, retried zero times) → will retry
/// - an unknown code ×2 → unclassified → needs action
fn priority_export() -> Vec<E> {
    let mut v = Vec::new();
    for i in 0..5 {
        v.push(
            fail(
                &format!("t{i}"),
                &format!("thr{i}"),
                &at(1, i),
                "TooManyRequests",
            )
            .retried(1),
        );
    }
    v.push(fail("l0", "lic0", &at(1, 10), "CountViolation"));
    v.push(
        fail("a0", "con0", &at(1, 20), "EntryConflict")
            .retried(1)
            .in_cycle("job-1", "cycle-1"),
    );
    v.push(
        fail("a1", "con0", &at(2, 20), "EntryConflict")
            .retried(1)
            .in_cycle("job-1", "cycle-2"),
    );
    v.push(
        fail("a2", "con1", &at(1, 21), "EntryConflict")
            .retried(1)
            .in_cycle("job-1", "cycle-1"),
    );
    for i in 0..2 {
        v.push(
            fail(
                &format!("o{i}"),
                &format!("tim{i}"),
                &at(1, 30 + i),
                "Timeout",
            )
            .retried(3),
        );
    }
    for i in 0..4 {
        v.push(
            fail(
                &format!("n{i}"),
                &format!("anc{i}"),
                &at(1, 40 + i),
                "InvalidAnchor",
            )
            .retried(0),
        );
    }
    for i in 0..2 {
        v.push(fail(
            &format!("u{i}"),
            &format!("unk{i}"),
            &at(1, 50 + i),
            "ContosoWeirdCode",
        ));
    }
    // Successes keep the cycles far from the quarantine thresholds.
    for i in 0..60 {
        v.push(ok(&format!("s{i}"), &format!("fine{i}"), &at(3, i)));
    }
    v
}

#[test]
fn groups_are_ordered_by_priority_then_count() {
    let (_d, path) = temp_file("p.json", &array(&priority_export()));
    let doc = run(&["analyze", &path, "--format", "json"]).ok().json();
    let got: Vec<(String, String, u64)> = doc["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .map(|g| {
            (
                g["priority"].as_str().unwrap_or("-").to_owned(),
                g["key"].as_str().unwrap_or("-").to_owned(),
                g["count"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    let want: Vec<(String, String, u64)> = [
        ("needs-action", "entra.attribute-conflict", 3),
        ("needs-action", "entra.target-timeout", 2),
        ("needs-action", "unclassified", 2),
        ("needs-action", "entra.graph-license-not-available", 1),
        ("will-retry", "entra.target-throttled", 5),
        ("will-retry", "entra.invalid-anchor", 4),
    ]
    .iter()
    .map(|(p, k, n)| ((*p).to_owned(), (*k).to_owned(), *n))
    .collect();
    assert_eq!(got, want);
    let group = |key: &str| {
        doc["groups"]
            .as_array()
            .and_then(|g| g.iter().find(|g| g["key"] == key))
            .unwrap_or_else(|| panic!("{key}"))
    };
    assert_eq!(
        group("entra.attribute-conflict")["persistent_identities"],
        1
    );
    assert_eq!(group("entra.target-timeout")["persistent_identities"], 0);
    assert_eq!(
        group("entra.target-throttled")["next_retry"],
        "2026-11-21T00:00:00Z"
    );
    assert!(
        doc["summary"]["warnings"]
            .as_array()
            .is_some_and(|w| w.is_empty())
    );
}

#[test]
fn priority_order_snapshot_in_markdown_and_table() {
    let (_d, path) = temp_file("p.json", &array(&priority_export()));
    let md = run(&["analyze", &path, "--format", "markdown"]).ok().stdout;
    // (#, priority, count, diagnosis) of each row of the group table.
    let rows: Vec<String> = md
        .lines()
        .filter(|l| l.starts_with("| ") && l.contains('`'))
        .map(|l| {
            let cells: Vec<&str> = l.split(" | ").collect();
            format!(
                "{} {} {} {}",
                cells[0].trim_start_matches("| "),
                cells[1],
                cells[2],
                cells[4]
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            "1 needs action (1 persistent) 3 `entra.attribute-conflict`",
            "2 needs action 2 `entra.target-timeout`",
            "3 needs action 2 `unclassified`",
            "4 needs action 1 `entra.graph-license-not-available`",
            "5 will retry (next retry 2026-11-21T00:00:00Z) 5 `entra.target-throttled`",
            "6 will retry (next retry 2026-11-21T00:00:00Z) 4 `entra.invalid-anchor`",
        ],
        "{md}"
    );
    let table = run(&["analyze", &path]).ok().stdout;
    assert!(
        table.contains("1 of 2 identities failed this way in two or more cycles (persistent)."),
        "{table}"
    );
    assert!(
        table.contains("Priority: will retry (next retry 2026-11-21T00:00:00Z)"),
        "{table}"
    );
    // The detail blocks follow the table's order.
    let pos = |id: &str| {
        table
            .find(&format!("({id}) —"))
            .unwrap_or_else(|| panic!("{id}\n{table}"))
    };
    assert!(pos("entra.attribute-conflict") < pos("entra.graph-license-not-available"));
    assert!(pos("entra.graph-license-not-available") < pos("entra.target-throttled"));
    let ja = run(&["--lang", "ja", "analyze", &path]).ok().stdout;
    assert!(ja.contains("要対応"), "{ja}");
    assert!(ja.contains("自動で再試行"), "{ja}");
}

#[test]
fn every_grouping_orders_by_priority_then_count() {
    let path = fixture("portal-export.json");
    for key in ["diagnosis", "code", "app", "identity", "step"] {
        let doc = run(&["analyze", &path, "--format", "json", "--group-by", key])
            .ok()
            .json();
        let rank = |g: &serde_json::Value| match g["priority"].as_str() {
            Some("needs-action") => 0,
            Some("will-retry") => 1,
            _ => 2,
        };
        let keys: Vec<(i32, i64)> = doc["groups"]
            .as_array()
            .expect("groups")
            .iter()
            .map(|g| (rank(g), -(g["count"].as_i64().unwrap_or(0))))
            .collect();
        assert!(keys.windows(2).all(|w| w[0] <= w[1]), "{key}: {keys:?}");
        assert!(
            keys.iter().any(|k| k.0 == 0),
            "{key}: some group needs action"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Quarantine warnings

fn cycle(job: &str, cycle: &str, hour: u32, successes: u32, failures: &[&str]) -> Vec<E> {
    let mut v = Vec::new();
    for i in 0..successes {
        v.push(
            ok(
                &format!("{cycle}-s{i}"),
                &format!("{cycle}-ok{i}"),
                &at(hour, i),
            )
            .in_cycle(job, cycle),
        );
    }
    for (i, code) in failures.iter().enumerate() {
        v.push(
            fail(
                &format!("{cycle}-f{i}"),
                &format!("{cycle}-bad{i}"),
                &at(hour, 30 + i as u32),
                code,
            )
            .in_cycle(job, cycle),
        );
    }
    v
}

/// Cycles on both sides of each threshold:
///
/// - j1-auth/x1: 8 of 12 failed, all Unauthorized → both rules; x2 is healthy
/// - j2-fine/y1: 2 of 20 failed, Unauthorized → too few failures to be "mostly"
/// - j2-fine/y2: 5 of 10 failed → under 60%
/// - j3-outage/z: 6 of 10 failed, server errors → high failure share only
/// - j4-consent/w: 3 of 30 failed, 2 of them permission → mostly config
/// - j5-small/v: 5 of 9 failed → too few events for the share rule
fn quarantine_export() -> Vec<E> {
    let mut v = Vec::new();
    // A credential failure: the code Entra logs when the target refuses its credentials.
    v.extend(cycle(
        "j1-auth",
        "x1",
        1,
        4,
        &["SystemForCrossDomainIdentityManagementCredentialValidationFailure"; 8],
    ));
    v.extend(cycle("j1-auth", "x2", 2, 10, &[]));
    v.extend(cycle(
        "j2-fine",
        "y1",
        3,
        18,
        &["SystemForCrossDomainIdentityManagementCredentialValidationFailure"; 2],
    ));
    v.extend(cycle("j2-fine", "y2", 4, 5, &["TooManyRequests"; 5]));
    v.extend(cycle("j3-outage", "z", 5, 4, &["InternalServerError"; 6]));
    v.extend(cycle(
        "j4-consent",
        "w",
        6,
        27,
        &[
            "Authorization_RequestDenied",
            "Authorization_RequestDenied",
            "EntryConflict",
        ],
    ));
    v.extend(cycle("j5-small", "v", 7, 4, &["InternalServerError"; 5]));
    v
}

#[test]
fn cycles_over_the_thresholds_warn_and_the_others_do_not() {
    let (_d, path) = temp_file("q.json", &array(&quarantine_export()));
    let doc = run(&["analyze", &path, "--format", "json"]).ok().json();
    let warnings = doc["summary"]["warnings"].as_array().expect("warnings");
    let jobs: Vec<&str> = warnings
        .iter()
        .filter_map(|w| w["job_id"].as_str())
        .collect();
    assert_eq!(jobs, vec!["j1-auth", "j3-outage", "j4-consent"]);
    let w = |job: &str| warnings.iter().find(|w| w["job_id"] == job).expect(job);
    let j1 = w("j1-auth");
    assert_eq!(j1["kind"], "quarantine-risk");
    assert_eq!(j1["app"], "Test App");
    assert_eq!(
        (j1["cycles_at_risk"].as_u64(), j1["cycles"].as_u64()),
        (Some(1), Some(2))
    );
    assert_eq!(j1["latest_cycle"]["cycle_id"], "x1");
    assert_eq!(j1["latest_cycle"]["failure_percent"], 66);
    assert_eq!(
        j1["reasons"],
        serde_json::json!(["mostly-auth-permission-target-config", "high-failure-share"])
    );
    assert_eq!(j1["check_first"], serde_json::json!(["credentials"]));
    assert_eq!(
        j1["entries"][0]["id"],
        "entra.quarantine-invalid-credentials"
    );
    assert_eq!(j1["entries"][0]["count"], 8);
    let j3 = w("j3-outage");
    assert_eq!(j3["reasons"], serde_json::json!(["high-failure-share"]));
    assert_eq!(
        j3["check_first"],
        serde_json::json!(["credentials", "target-url", "admin-consent"])
    );
    let j4 = w("j4-consent");
    assert_eq!(
        j4["reasons"],
        serde_json::json!(["mostly-auth-permission-target-config"])
    );
    assert_eq!(j4["check_first"], serde_json::json!(["admin-consent"]));
    let ids: Vec<&str> = j4["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["id"].as_str())
        .collect();
    assert_eq!(
        ids,
        vec![
            "entra.graph-insufficient-privileges",
            "entra.attribute-conflict"
        ]
    );
}

#[test]
fn warnings_read_in_every_view_and_language_whatever_the_filters() {
    let (_d, path) = temp_file("q.json", &array(&quarantine_export()));
    let t = run(&["analyze", &path]).ok().stdout;
    assert_eq!(t.matches("is at risk of quarantine").count(), 3, "{t}");
    assert!(
        t.contains("! Job j1-auth (Test App) is at risk of quarantine: in cycle x1 (2026-11-20T01:00:00Z … 2026-11-20T01:37:00Z), 8 of 12 events failed (66%); 8 of the 8 failures are auth, permission or target-config failures."),
        "{t}"
    );
    assert!(t.contains("Check first: the credentials"), "{t}");
    assert!(
        t.contains("Catalog entries: entra.quarantine-invalid-credentials (auth, 8)"),
        "{t}"
    );
    // The summary comes before the groups.
    assert!(
        t.find("Warnings").expect("warnings") < t.find("Failures by diagnosis").expect("groups")
    );
    let md = run(&["analyze", &path, "--format", "markdown"]).ok().stdout;
    assert!(md.contains("## Warnings"), "{md}");
    assert_eq!(md.matches("is at risk of quarantine").count(), 3, "{md}");
    let ja = run(&["--lang", "ja", "analyze", &path]).ok().stdout;
    assert!(
        ja.contains("ジョブ j1-auth (Test App) は検疫 (quarantine) されるおそれがあります"),
        "{ja}"
    );
    assert!(ja.contains("まず確認すること: 資格情報"), "{ja}");
    // The statistics cover every event read: a filter that selects none of the failures
    // does not hide a failing job.
    let doc = run(&[
        "analyze",
        &path,
        "--category",
        "license",
        "--format",
        "json",
    ])
    .ok()
    .json();
    assert_eq!(doc["summary"]["events_selected"], 0);
    assert_eq!(doc["summary"]["warnings"].as_array().map(Vec::len), Some(3));
}

// ---------------------------------------------------------------------------------------
// The cycle view

#[test]
fn the_cycle_view_gives_each_cycles_statistics_in_time_order() {
    let (_d, path) = temp_file("q.json", &array(&quarantine_export()));
    let doc = run(&[
        "analyze",
        &path,
        "--group-by",
        "cycle",
        "--status",
        "all",
        "--format",
        "json",
    ])
    .ok()
    .json();
    let groups = doc["groups"].as_array().expect("groups");
    let keys: Vec<&str> = groups.iter().filter_map(|g| g["key"].as_str()).collect();
    assert_eq!(keys, vec!["x1", "x2", "y1", "y2", "z", "w", "v"]);
    let z = &groups[4]["cycle"];
    assert_eq!(z["job_id"], "j3-outage");
    assert_eq!(z["events"], 10);
    assert_eq!(z["first_time"], "2026-11-20T05:00:00Z");
    assert_eq!(z["last_time"], "2026-11-20T05:35:00Z");
    assert_eq!(
        z["by_status"],
        serde_json::json!({"success": 4, "failure": 6})
    );
    assert_eq!(
        z["by_action"],
        serde_json::json!({"create": 6, "update": 4})
    );
    assert_eq!(
        z["top_diagnoses"][0]["id"],
        "entra.target-internal-server-error"
    );
    assert_eq!(z["top_diagnoses"][0]["count"], 6);
    assert_eq!(z["risks"], serde_json::json!(["high-failure-share"]));
    assert_eq!(groups[1]["cycle"]["risks"], serde_json::json!([]));
    for g in groups {
        assert_eq!(g["count"], g["cycle"]["events"], "every event selected");
    }
    // By default (failures only), healthy cycles drop out but the statistics stay whole.
    let doc = run(&["analyze", &path, "--group-by", "cycle", "--format", "json"])
        .ok()
        .json();
    let groups = doc["groups"].as_array().expect("groups");
    let keys: Vec<&str> = groups.iter().filter_map(|g| g["key"].as_str()).collect();
    assert_eq!(keys, vec!["x1", "y1", "y2", "z", "w", "v"]);
    assert_eq!(groups[0]["count"], 8);
    assert_eq!(groups[0]["cycle"]["events"], 12);
    let t = run(&["analyze", &path, "--group-by", "cycle"]).ok().stdout;
    // (The cell wraps at the fixed width.)
    assert_eq!(t.matches("! at risk").count(), 3, "{t}");
    let md = run(&[
        "analyze",
        &path,
        "--group-by",
        "cycle",
        "--format",
        "markdown",
    ])
    .ok()
    .stdout;
    assert!(
        md.contains("| `z` **at risk of quarantine** | 2026-11-20T05:00:00Z … 2026-11-20T05:35:00Z | 10 | create 6, update 4 | success 4, failure 6 | entra.target-internal-server-error ×6 | 6 |"),
        "{md}"
    );
}

// ---------------------------------------------------------------------------------------
// The attribute view

#[test]
fn the_attribute_view_names_attributes_and_offending_values() {
    let events = vec![
        fail("a1", "u1", &at(1, 0), "Request_InvalidPropertyValue")
            .reason("The value 'Paul Johnson@fabrikam' of property 'userPrincipalName' is not valid."),
        fail("a2", "u2", &at(1, 1), "EntryConflict")
            .reason("User with userName 'u2@contoso.com' already exists."),
        fail("a3", "u2", &at(2, 1), "EntryConflict")
            .reason("User with userName 'u2@contoso.com' already exists.")
            .in_cycle("job-1", "cycle-2"),
        fail("a4", "u3", &at(1, 2), "MandatoryFieldsMissing")
            .reason("The User 'u3' could not be created because required values are missing: mail, department. Populate the source attributes."),
        fail("a5", "u4", &at(1, 3), "Request_InvalidPropertyValue")
            .reason("Invalid value for property 'mail'.")
            .prop("displayName", "U Four")
            .prop("mail", "u4@@contoso.com"),
        fail("a6", "u5", &at(1, 4), "EntryConflict")
            .reason("A User named 'U Five' already exists with values that conflict."),
        fail("a7", "u6", &at(1, 5), "Unauthorized"),
    ];
    let (_d, path) = temp_file("a.json", &array(&events));
    let doc = run(&[
        "analyze",
        &path,
        "--group-by",
        "attribute",
        "--format",
        "json",
    ])
    .ok()
    .json();
    assert_eq!(doc["group_by"], "attribute");
    assert_eq!(doc["ungrouped_events"], 1, "the Unauthorized failure");
    let groups = doc["groups"].as_array().expect("groups");
    let rows = |key: &str| -> Vec<(String, Option<String>, u64, String)> {
        groups
            .iter()
            .find(|g| g["key"] == key)
            .unwrap_or_else(|| panic!("{key}: {groups:?}"))["offending"]
            .as_array()
            .expect("offending")
            .iter()
            .map(|r| {
                (
                    r["identity"].as_str().unwrap_or("").to_owned(),
                    r["value"].as_str().map(str::to_owned),
                    r["count"].as_u64().unwrap_or(0),
                    r["source"].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect()
    };
    let s = |x: &str| x.to_owned();
    assert_eq!(
        rows("userPrincipalName"),
        vec![(s("u1"), Some(s("Paul Johnson@fabrikam")), 1, s("message"))]
    );
    assert_eq!(
        rows("userName"),
        vec![(s("u2"), Some(s("u2@contoso.com")), 2, s("message"))]
    );
    assert_eq!(
        rows("mail"),
        vec![
            (s("u3"), None, 1, s("message")),
            (
                s("u4"),
                Some(s("u4@@contoso.com")),
                1,
                s("modified-property")
            ),
        ]
    );
    assert_eq!(rows("department"), vec![(s("u3"), None, 1, s("message"))]);
    assert_eq!(rows("(not named)"), vec![(s("u5"), None, 1, s(""))]);
    assert_eq!(groups.len(), 5);
    let t = run(&["analyze", &path, "--group-by", "attribute"])
        .ok()
        .stdout;
    assert!(t.contains("u4@@contoso.com"), "{t}");
    // (Cells wrap at the fixed width.)
    assert!(t.contains("(not named in the"), "{t}");
    assert!(
        t.contains(
            "not invalid-data or conflict failures (see --group-by diagnosis): 1 selected events."
        ),
        "{t}"
    );
    let md = run(&[
        "analyze",
        &path,
        "--group-by",
        "attribute",
        "--format",
        "markdown",
    ])
    .ok()
    .stdout;
    assert!(
        md.contains("| userName | u2 | u2@contoso.com | `entra.attribute-conflict` | 2 |"),
        "{md}"
    );
    assert!(
        md.contains("| (not named in the message) | u5 |  | `entra.attribute-conflict` | 1 |"),
        "{md}"
    );
}
