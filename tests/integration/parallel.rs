//! Reading on two threads gives exactly what reading on one gives: the same bytes on
//! stdout and stderr and the same exit status, on inputs that span several read chunks.

use crate::util::*;

/// Runs `args` with the given `PROVLOG_THREADS`.
fn with_threads(threads: &str, args: &[&str]) -> Run {
    let out = bin()
        .env("PROVLOG_THREADS", threads)
        .args(args)
        .output()
        .expect("the binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The portal fixture's events three times over (about 3.5 MB, across the 4 MiB read
/// chunk), each copy with its own change ids, with a value that is not an event and a
/// trailing comma so that stderr has lines to keep in order too.
fn big_portal_export() -> Vec<u8> {
    let text = String::from_utf8(read_fixture("portal-export.json")).expect("UTF-8 fixture");
    let events: Vec<serde_json::Value> = serde_json::from_str(&text).expect("fixture array");
    let mut parts = Vec::new();
    for copy in 0..3 {
        for (i, ev) in events.iter().enumerate() {
            let mut ev = ev.clone();
            if let Some(id) = ev.get("changeId").and_then(|v| v.as_str()) {
                ev["changeId"] = serde_json::Value::String(format!("{id}-{copy}"));
            }
            parts.push(serde_json::to_string(&ev).expect("serialises"));
            if copy == 1 && i == 7 {
                parts.push("42".to_owned());
            }
        }
    }
    format!("[{},]", parts.join(",\n")).into_bytes()
}

#[track_caller]
fn same_both_ways(args: &[&str]) -> Run {
    let one = with_threads("1", args);
    let two = with_threads("2", args);
    assert_eq!(one.code, two.code, "exit status of {args:?}");
    assert!(one.stdout == two.stdout, "stdout of {args:?} differs");
    assert_eq!(one.stderr, two.stderr, "stderr of {args:?}");
    two
}

#[test]
fn two_threads_write_what_one_thread_writes() {
    let (_dir, path) = temp_file("big.json", &big_portal_export());
    let p = path.as_str();
    let all = same_both_ways(&["analyze", p, "--status", "all", "--format", "ndjson"]);
    assert_eq!(all.code, 2, "the number is a rejected record");
    assert_eq!(all.ndjson().len(), 900, "every event, once, in order");
    assert!(all.stderr.contains("trailing comma"), "{}", all.stderr);
    let first: Vec<String> = all
        .ndjson()
        .iter()
        .take(3)
        .map(|r| r["change_id"].as_str().unwrap_or("").to_owned())
        .collect();
    assert!(
        first.iter().all(|c| c.ends_with("-0")),
        "input order: {first:?}"
    );
    same_both_ways(&["analyze", p, "--format", "ndjson"]);
    same_both_ways(&["analyze", p, "--status", "all"]);
    same_both_ways(&["analyze", p, "--status", "all", "--format", "csv"]);
    same_both_ways(&["analyze", p, "--format", "json", "--group-by", "none"]);
    same_both_ways(&[
        "analyze", p, "--status", "all", "--redact", "--format", "ndjson",
    ]);
    same_both_ways(&["analyze", p, "--strict", "--fail-on", "failure"]);
}

#[test]
fn two_threads_read_several_inputs_in_order() {
    let diag = fixture("diagnostic.ndjson");
    let set = fixture("portal-csv");
    let beta = fixture("portal-export-beta.json");
    let run = same_both_ways(&[
        "analyze",
        &diag,
        &set,
        &beta,
        "missing.json",
        "--status",
        "all",
        "--format",
        "ndjson",
    ]);
    assert_eq!(run.code, 2, "the missing file");
    assert!(run.stderr.contains("missing.json"), "{}", run.stderr);
    assert!(run.ndjson().len() > 100, "events of every input");
    same_both_ways(&["analyze", &diag, &set, &beta, "--format", "json"]);
}
