//! Reading on two threads gives exactly what reading on one gives: the same bytes on
//! stdout and stderr and the same exit status, on inputs that span several read chunks.

use crate::util::*;

/// Runs `args` with the given `PROVLOG_THREADS`.
fn with_threads(threads: &str, args: &[&str]) -> Run {
    in_blocks(threads, None, args)
}

/// Runs `args` with the given `PROVLOG_THREADS`, and files read in parts of `block`
/// bytes (`PROVLOG_SPLIT_BLOCK`) when given.
fn in_blocks(threads: &str, block: Option<&str>, args: &[&str]) -> Run {
    let mut cmd = bin();
    if let Some(b) = block {
        cmd.env("PROVLOG_SPLIT_BLOCK", b);
    }
    let out = cmd
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

/// Reading a file in parts (small ones here, so that a small file has many) on two and
/// three threads gives what reading it whole on one thread gives.
#[track_caller]
fn same_in_parts(args: &[&str]) -> Run {
    let one = with_threads("1", args);
    for (threads, block) in [("2", "2048"), ("3", "777"), ("2", "100000")] {
        let parts = in_blocks(threads, Some(block), args);
        assert_eq!(
            one.code, parts.code,
            "exit status of {args:?} ({threads}, {block})"
        );
        assert!(
            one.stdout == parts.stdout,
            "stdout of {args:?} differs ({threads} threads, blocks of {block})"
        );
        assert_eq!(
            one.stderr, parts.stderr,
            "stderr of {args:?} ({threads}, {block})"
        );
    }
    one
}

/// The portal fixture pretty-printed (so that positions have lines and columns to get
/// right), with a damaged event, a value that is not an event and trailing commas in the
/// middle.
fn pretty_portal_export() -> Vec<u8> {
    let text = String::from_utf8(read_fixture("portal-export.json")).expect("UTF-8 fixture");
    let mut events: Vec<serde_json::Value> = serde_json::from_str(&text).expect("fixture array");
    events[120]["activityDateTime"] = serde_json::json!(12);
    events.insert(200, serde_json::json!("not an event"));
    let mut text = serde_json::to_string_pretty(&events).expect("serialises");
    // A trailing comma inside an event half-way through, and one before the final `]`.
    let at = text.len() / 2
        + text[text.len() / 2..]
            .find("\n  },")
            .expect("an element end");
    text.insert(at, ',');
    let end = text.rfind('}').expect("last element");
    text.insert(end + 1, ',');
    text.into_bytes()
}

#[test]
fn a_file_read_in_parts_gives_what_one_thread_gives() {
    let (_dir, path) = temp_file("big.json", &big_portal_export());
    let p = path.as_str();
    let all = same_in_parts(&["analyze", p, "--status", "all", "--format", "ndjson"]);
    assert_eq!(all.ndjson().len(), 900, "every event, once, in order");
    for args in [
        &["--format", "ndjson"][..],
        &["--status", "all", "--format", "csv"],
        &["--format", "csv", "--bom"],
        &["--format", "json"],
        &["--format", "json", "--group-by", "none"],
        &["--status", "all", "--format", "markdown"],
        &["--status", "all", "--group-by", "code"],
        &["--group-by", "app", "--lang", "ja"],
        &["--group-by", "cycle"],
        &["--group-by", "identity"],
        &["--group-by", "step"],
        &["--group-by", "template"],
        &["--group-by", "attribute"],
        &[
            "--status",
            "all",
            "--group-by",
            "identity",
            "--format",
            "json",
        ],
        &["--strict", "--fail-on", "failure"],
        &["--status", "all", "--redact", "--format", "ndjson"],
        &["--format", "html"],
    ] {
        let mut full = vec!["analyze", p];
        full.extend_from_slice(args);
        same_in_parts(&full);
    }
}

#[test]
fn problems_in_a_file_read_in_parts_are_where_one_thread_finds_them() {
    let (_dir, path) = temp_file("pretty.json", &pretty_portal_export());
    let p = path.as_str();
    let run = same_in_parts(&["analyze", p, "--status", "all", "--format", "ndjson"]);
    assert_eq!(run.code, 2, "the string is not an event: {}", run.stderr);
    assert!(run.stderr.contains("trailing comma"), "{}", run.stderr);
    assert!(run.stderr.contains("wrong type"), "{}", run.stderr);
    assert!(run.stderr.contains("line "), "{}", run.stderr);
    same_in_parts(&["analyze", p]);
    // With a byte-order mark, and cut short in the middle of an event.
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    let pretty = pretty_portal_export();
    bytes.extend_from_slice(&pretty[..pretty.len() * 2 / 3]);
    let (_dir, path) = temp_file("cut.json", &bytes);
    let cut = same_in_parts(&["analyze", &path, "--status", "all", "--format", "ndjson"]);
    assert_eq!(cut.code, 2);
    assert!(cut.stderr.contains("truncated"), "{}", cut.stderr);
    // The same events on one line: a guessed start can fall inside a string or a nested
    // array of objects, and must be found out.
    let text = String::from_utf8(pretty_portal_export()).expect("UTF-8");
    let one_line: String = text.lines().map(str::trim_start).collect();
    let (_dir, path) = temp_file("line.json", one_line.as_bytes());
    same_in_parts(&["analyze", &path, "--status", "all", "--format", "ndjson"]);
}

#[test]
fn ndjson_read_in_parts_gives_what_one_thread_gives() {
    let text = String::from_utf8(read_fixture("diagnostic.ndjson")).expect("UTF-8 fixture");
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let mut big = String::new();
    for copy in 0..30 {
        for (i, line) in lines.iter().enumerate() {
            if copy == 11 && i == 3 {
                big.push_str("{\"broken\": \n");
            }
            big.push_str(line);
            big.push('\n');
        }
    }
    let (_dir, path) = temp_file("big.ndjson", big.as_bytes());
    let p = path.as_str();
    let run = same_in_parts(&["analyze", p, "--status", "all", "--format", "ndjson"]);
    assert_eq!(run.code, 2, "the broken line: {}", run.stderr);
    assert_eq!(run.ndjson().len(), 30 * lines.len());
    same_in_parts(&["analyze", p, "--group-by", "code"]);
}

#[test]
fn every_json_fixture_read_in_parts_gives_what_one_thread_gives() {
    for rel in [
        "portal-export.json",
        "portal-export-beta.json",
        "diagnostic.ndjson",
        "graph/graph-page-1.json",
        "graph-docs/v1-list-provisioning-success.json",
        "diff/old.json",
        "diff/new.ndjson",
    ] {
        let f = fixture(rel);
        let all = same_in_parts(&["analyze", &f, "--status", "all", "--format", "ndjson"]);
        assert!(!all.ndjson().is_empty(), "{rel}: events");
        same_in_parts(&["analyze", &f, "--status", "all", "--format", "csv"]);
        same_in_parts(&["analyze", &f]);
    }
}
