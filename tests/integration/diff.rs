//! `provlog diff`: new, persisting and resolved failures between two overlapping exports.
//! See: provlog issue 8.

use std::collections::BTreeSet;

use crate::events::{E, array, at, fail, ndjson, ok};
use crate::util::*;

/// OLD covers 00:00-12:00, NEW 10:00-22:00; 10:00-12:00 is in both (same change ids).
///
/// - ann: conflict in OLD, not again in NEW → resolved (absence)
/// - bob: licence limit in OLD and again in NEW → persisting
/// - cy: unauthorized at 11:00 (in both exports), then succeeds in NEW → resolved (success)
/// - dee: throttled in NEW only → new
/// - eve: failed and recovered inside OLD → not listed
/// - fay: recovered inside OLD, fails again in NEW → new
/// - gus: a success at 11:00, in both exports
fn old_events() -> Vec<E> {
    vec![
        fail("c01", "ann", &at(1, 0), "EntryConflict"),
        fail("c02", "bob", &at(2, 0), "LicenseLimitExceeded"),
        fail("c07", "eve", &at(3, 0), "EntryConflict"),
        ok("c08", "eve", &at(4, 0)),
        fail("c09", "fay", &at(5, 0), "InvalidAnchor"),
        ok("c10", "fay", &at(6, 0)),
        fail("c04", "cy", &at(11, 0), "Unauthorized"),
        ok("c12", "gus", &at(11, 30)),
    ]
}

fn new_events() -> (Vec<E>, Vec<E>) {
    (
        vec![
            fail("c04", "cy", &at(11, 0), "Unauthorized"),
            ok("c12", "gus", &at(11, 30)),
            fail("c03", "bob", &at(15, 0), "LicenseLimitExceeded"),
        ],
        vec![
            fail("c11", "fay", &at(16, 0), "InvalidAnchor"),
            ok("c05", "cy", &at(18, 0)),
            fail("c06", "dee", &at(20, 0), "TooManyRequests"),
        ],
    )
}

struct Exports {
    _dir: tempfile::TempDir,
    old: String,
    new: String,
    new_a: String,
    new_b: String,
}

/// OLD as a portal JSON array; NEW as NDJSON, whole and split in two files.
fn exports() -> Exports {
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |name: &str, bytes: Vec<u8>| {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).expect("write");
        p.display().to_string()
    };
    let (a, b) = new_events();
    let whole: Vec<E> = a.iter().chain(&b).cloned().collect();
    Exports {
        old: write("old.json", array(&old_events())),
        new: write("new.ndjson", ndjson(&whole)),
        new_a: write("new-a.ndjson", ndjson(&a)),
        new_b: write("new-b.json", array(&b)),
        _dir: dir,
    }
}

fn triples(rows: &[serde_json::Value]) -> BTreeSet<(String, String, String)> {
    rows.iter()
        .map(|r| {
            (
                r["change"].as_str().unwrap_or("?").to_owned(),
                r["identity"].as_str().unwrap_or("?").to_owned(),
                r["diagnosis"]["id"].as_str().unwrap_or("?").to_owned(),
            )
        })
        .collect()
}

fn expected() -> BTreeSet<(String, String, String)> {
    [
        ("new", "dee", "entra.target-throttled"),
        ("new", "fay", "entra.invalid-anchor"),
        ("persisting", "bob", "entra.target-license-limit"),
        ("resolved", "ann", "entra.attribute-conflict"),
        ("resolved", "cy", "entra.target-unauthorized"),
    ]
    .iter()
    .map(|(a, b, c)| ((*a).to_owned(), (*b).to_owned(), (*c).to_owned()))
    .collect()
}

/// `fixtures/diff/` holds this scenario for the README's example; it must stay the same
/// events. `PROVLOG_UPDATE_FIXTURES=1 cargo test` rewrites it.
#[test]
fn the_fixtures_are_this_scenario() {
    let (a, b) = new_events();
    let whole: Vec<E> = a.iter().chain(&b).cloned().collect();
    let files = [
        ("diff/old.json", array(&old_events())),
        ("diff/new.ndjson", ndjson(&whole)),
    ];
    for (rel, bytes) in files {
        if std::env::var_os("PROVLOG_UPDATE_FIXTURES").is_some() {
            std::fs::create_dir_all(fixture("diff")).expect("fixture folder");
            std::fs::write(fixture(rel), &bytes).expect("write fixture");
        }
        assert!(
            read_fixture(rel) == bytes,
            "{rel} differs from the scenario"
        );
    }
    let rows = run(&[
        "diff",
        &fixture("diff/old.json"),
        &fixture("diff/new.ndjson"),
        "--format",
        "ndjson",
    ])
    .ok()
    .ndjson();
    assert_eq!(triples(&rows), expected());
}

#[test]
fn overlapping_exports_give_the_known_sets() {
    let x = exports();
    let rows = run(&["diff", &x.old, &x.new, "--format", "ndjson"])
        .ok()
        .ndjson();
    assert_eq!(triples(&rows), expected());
    let row = |who: &str| {
        rows.iter()
            .find(|r| r["identity"] == who)
            .unwrap_or_else(|| panic!("{who} listed"))
    };
    // cy's 11:00 failure is in both exports: counted once, seen on both sides.
    let cy = row("cy");
    assert_eq!(cy["failures"], 1);
    assert_eq!(
        (cy["old_failures"].as_u64(), cy["new_failures"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(cy["resolved_by"], "success");
    assert_eq!(cy["resolved_at"], "2026-11-20T18:00:00Z");
    assert_eq!(row("ann")["resolved_by"], "absence");
    assert!(row("ann")["resolved_at"].is_null());
    assert!(row("dee")["resolved_by"].is_null());
    let bob = row("bob");
    assert_eq!(bob["failures"], 2);
    assert_eq!(bob["identity_id"], "src-bob");
    // The row carries the newest failure, in the analyze NDJSON shape.
    assert_eq!(bob["event"]["change_id"], "c03");
    assert_eq!(
        bob["event"]["diagnosis"]["id"],
        "entra.target-license-limit"
    );
    assert_eq!(bob["last_failure"], "2026-11-20T15:00:00Z");
    // Key order of the row contract.
    let line = run(&["diff", &x.old, &x.new, "--format", "ndjson"])
        .ok()
        .stdout;
    let first = line.lines().next().expect("a row");
    let mut at_pos = 0;
    for k in [
        "change",
        "identity",
        "identity_id",
        "diagnosis",
        "failures",
        "old_failures",
        "new_failures",
        "last_failure",
        "resolved_at",
        "resolved_by",
        "event",
    ] {
        let needle = format!("\"{k}\":");
        let pos = first[at_pos..]
            .find(&needle)
            .unwrap_or_else(|| panic!("{k} missing or out of order in {first}"));
        at_pos += pos + needle.len();
    }
    // new, then persisting, then resolved.
    let order: Vec<&str> = rows.iter().filter_map(|r| r["change"].as_str()).collect();
    assert_eq!(
        order,
        vec!["new", "new", "persisting", "resolved", "resolved"]
    );
}

#[test]
fn several_files_per_side_give_the_same_answer() {
    let x = exports();
    let whole = run(&["diff", &x.old, &x.new, "--format", "ndjson"]).ok();
    let split = run(&[
        "diff", "--old", &x.old, "--new", &x.new_a, "--new", &x.new_b, "--format", "ndjson",
    ])
    .ok();
    assert_eq!(triples(&split.ndjson()), expected());
    assert_eq!(whole.stdout, split.stdout);
}

#[test]
fn json_summary_counts_each_change_and_the_overlap() {
    let x = exports();
    let doc = run(&["diff", &x.old, &x.new, "--format", "json"])
        .ok()
        .json();
    let s = &doc["summary"];
    assert_eq!(s["counts"]["new"], 2);
    assert_eq!(s["counts"]["persisting"], 1);
    assert_eq!(s["counts"]["resolved"], 2);
    assert_eq!(s["overlap_failures"], 1);
    assert_eq!(s["came_and_went"], 1, "eve");
    assert_eq!(s["old"]["events"], 8);
    assert_eq!(s["old"]["failures"], 5);
    assert_eq!(s["new"]["events"], 6);
    assert_eq!(s["new"]["first_time"], "2026-11-20T11:00:00Z");
    assert_eq!(s["new"]["last_time"], "2026-11-20T20:00:00Z");
    assert_eq!(triples(doc["rows"].as_array().expect("rows")), expected());
}

#[test]
fn csv_reads_back_with_a_change_column() {
    let x = exports();
    let r = run(&["diff", &x.old, &x.new, "--format", "csv"]).ok();
    let mut rdr = csv::Reader::from_reader(r.stdout.as_bytes());
    let headers = rdr.headers().expect("headers").clone();
    let col = |n: &str| headers.iter().position(|h| h == n).expect(n);
    let (c, i, d) = (col("change"), col("identity"), col("diagnosis_id"));
    let got: BTreeSet<(String, String, String)> = rdr
        .records()
        .map(|r| r.expect("row"))
        .map(|r| (r[c].to_owned(), r[i].to_owned(), r[d].to_owned()))
        .collect();
    assert_eq!(got, expected());
    let bom = run(&["diff", &x.old, &x.new, "--format", "csv", "--bom"]).ok();
    assert!(bom.stdout.starts_with('\u{feff}'));
}

#[test]
fn table_and_markdown_show_counts_and_rows() {
    let x = exports();
    let t = run(&["diff", &x.old, &x.new]).ok().stdout;
    assert!(t.contains("new 2 · persisting 1 · resolved 2"), "{t}");
    assert!(
        t.contains("failing events found in both exports, counted once: 1"),
        "{t}"
    );
    // (The note cell wraps at the fixed width.)
    assert!(t.contains("succeeded at"), "{t}");
    assert!(t.contains("did not come back"), "{t}");
    let new_at = t.find("│ new").expect("a new row");
    let resolved_at = t.find("│ resolved").expect("a resolved row");
    assert!(new_at < resolved_at, "new rows first\n{t}");
    let ja = run(&["--lang", "ja", "diff", &x.old, &x.new]).ok().stdout;
    assert!(ja.contains("新規 2 · 継続 1 · 解消 2"), "{ja}");
    let md = run(&["diff", &x.old, &x.new, "--format", "markdown"])
        .ok()
        .stdout;
    assert!(
        md.starts_with("# Provisioning failures: what changed\n"),
        "{md}"
    );
    let rows: Vec<&str> = md.lines().filter(|l| l.starts_with("| ")).collect();
    // Header, then one row per key.
    assert_eq!(rows.len(), 1 + 5, "{md}");
    assert!(rows.iter().any(|l| l.starts_with("| new | dee |")), "{md}");
}

#[test]
fn identical_exports_have_nothing_new_or_resolved() {
    let x = exports();
    let doc = run(&["diff", &x.new, &x.new, "--format", "json"])
        .ok()
        .json();
    assert_eq!(doc["summary"]["counts"]["new"], 0);
    assert_eq!(doc["summary"]["counts"]["resolved"], 0);
    // bob and fay still fail at the end; dee too. cy recovered.
    assert_eq!(doc["summary"]["counts"]["persisting"], 3);
    // Every shape of the same export compares as persisting only.
    let doc = run(&[
        "diff",
        &fixture("portal-export.json"),
        &fixture("portal-csv"),
        "--format",
        "json",
    ])
    .ok()
    .json();
    let s = &doc["summary"];
    assert_eq!(s["counts"]["new"], 0);
    assert_eq!(s["counts"]["resolved"], 0);
    assert!(s["counts"]["persisting"].as_u64().is_some_and(|n| n > 50));
    assert_eq!(s["overlap_failures"], s["old"]["failures"]);
}

#[test]
fn usage_errors_and_unreadable_sides() {
    let x = exports();
    for args in [
        vec!["diff", x.old.as_str()],
        vec!["diff", x.old.as_str(), "--new", x.new.as_str()],
        vec!["diff", "--old", x.old.as_str()],
        vec!["diff", "-", "-"],
    ] {
        let r = run(&args).code(2);
        assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
        assert!(r.stderr.starts_with("provlog: "), "{}", r.stderr);
        assert!(r.stdout.is_empty());
    }
    // A missing file on one side: said on stderr, exit 2, the rest still compared.
    let r = run(&["diff", &x.old, "/nonexistent/new.json", "--format", "json"]).code(2);
    assert!(r.stderr.contains("/nonexistent/new.json"), "{}", r.stderr);
    let doc = r.json();
    assert_eq!(
        doc["summary"]["new"]["inputs"][0]["error"],
        "no such file or folder"
    );
    // What was failing at the end of OLD (ann, bob, cy) is gone from an empty NEW.
    assert_eq!(doc["summary"]["counts"]["resolved"], 3);
}

#[test]
fn stdin_can_feed_one_side() {
    let x = exports();
    let (a, b) = new_events();
    let whole: Vec<E> = a.iter().chain(&b).cloned().collect();
    let r = run_with(
        &["diff", &x.old, "-", "--format", "ndjson"],
        Some(&ndjson(&whole)),
    )
    .ok();
    assert_eq!(triples(&r.ndjson()), expected());
}
