//! Regression tests for the bugs that fuzzing (`fuzz/run.sh`) and the property tests
//! (`props.rs`) found: each test is a small realistic input that showed the bug, run
//! through the real binary, and says which run found it.

use crate::util::*;

fn utf16le_with_bom(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(
        text.trim_start_matches('\u{feff}')
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes()),
    );
    bytes
}

/// Found by `json_reader`: a UTF-16 file with an odd number of bytes (a PowerShell export
/// cut short) panicked in encoding_rs ("Must not use a decoder that has finished"): the
/// decoder's last call produced a replacement character for the dangling byte, and the
/// reader asked it for more afterwards.
#[test]
fn utf16_file_cut_at_an_odd_byte_does_not_panic() {
    for (name, fixture_name, events_at_least) in [
        ("cut.json", "portal-export.json", 1),
        ("cut.csv", "log-analytics.csv", 1),
    ] {
        let text = String::from_utf8(read_fixture(fixture_name)).expect("utf-8");
        let mut bytes = utf16le_with_bom(&text);
        let odd = (bytes.len() / 2) | 1;
        bytes.truncate(odd);
        let (dir, path) = temp_file(name, &bytes);
        let r = run(&["analyze", &path, "--status", "all", "--format", "json"]);
        assert_eq!(r.code, 2, "{name}: {}", r.stderr);
        assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
        let doc = r.json();
        assert!(
            doc["summary"]["events_kept"].as_u64().unwrap_or(0) >= events_at_least,
            "{name}: the events before the cut are read: {}",
            doc["summary"]
        );
        drop(dir);
    }
}

/// The same file, whole: every event is read.
#[test]
fn utf16_csv_with_bom_is_read_to_the_end() {
    let text = String::from_utf8(read_fixture("log-analytics.csv")).expect("utf-8");
    let (dir, path) = temp_file("la-utf16.csv", &utf16le_with_bom(&text));
    let r = run(&["analyze", &path, "--status", "all", "--format", "json"]).ok();
    let doc = r.json();
    assert_eq!(doc["summary"]["events_kept"], 300, "{}", r.stderr);
    assert_eq!(doc["summary"]["records_rejected"], 0);
    drop(dir);
}

/// Found while writing the test above: a file with two byte-order marks (UTF-8 with a BOM
/// converted to UTF-16 by a tool that keeps U+FEFF) was read as an empty file, because the
/// csv crate reads a first buffer holding exactly a byte-order mark as the end of input.
#[test]
fn a_second_byte_order_mark_is_not_the_end_of_the_file() {
    for name in ["log-analytics.csv", "portal-export.json"] {
        let text = String::from_utf8(read_fixture(name)).expect("utf-8");
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(
            format!("\u{feff}{}", text.trim_start_matches('\u{feff}'))
                .encode_utf16()
                .flat_map(|u| u.to_le_bytes()),
        );
        let (dir, path) = temp_file(name, &bytes);
        let r = run(&["analyze", &path, "--status", "all", "--format", "json"]).ok();
        assert_eq!(
            r.json()["summary"]["events_kept"],
            300,
            "{name}: {}",
            r.stderr
        );
        drop(dir);
    }
}

/// Found by the property test `mutated_events_are_read_or_rejected`: when a read ended
/// just after the `.` of a number (`0.`), serde_json reported "invalid number", not "end
/// of input", and the reader took it for a syntax error instead of reading on: the whole
/// rest of the file was lost. It happened wherever a read ended: at the 64-byte head read
/// when a file starts, at each 4 MiB chunk, and at any pipe read.
#[test]
fn a_number_cut_by_a_read_is_read_whole() {
    // The `.` of 12.5 is the 64th byte of the file.
    let (head, tail) = (r#"[{"changeId":""#, r#"","someUnknownField":12"#);
    let doc = format!(
        "{head}{}{tail}.5}}]",
        "p".repeat(63 - head.len() - tail.len())
    );
    let dot = doc.find("12.5").expect("number") + 2;
    assert_eq!(dot, 63, "the dot is the 64th byte: {doc}");
    let (dir, path) = temp_file("cut-number.json", doc.as_bytes());
    let r = run(&["analyze", &path, "--status", "all", "--format", "json"]).ok();
    assert_eq!(r.json()["summary"]["events_kept"], 1, "{}", r.stderr);
    drop(dir);

    // Through a pipe whose first write ends right after the dot.
    let text = String::from_utf8(read_fixture("portal-export.json")).expect("utf-8");
    let mut events: Vec<serde_json::Value> =
        serde_json::from_str(text.trim_start_matches('\u{feff}')).expect("json");
    events[0]["someUnknownField"] = serde_json::json!(1421.5);
    let doc = serde_json::to_string(&events).expect("json");
    let cut = doc.find("1421.5").expect("number") + 5;
    let mut child = bin()
        .args(["analyze", "-", "--status", "all", "--format", "json"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        stdin.write_all(&doc.as_bytes()[..cut]).expect("first part");
        stdin.flush().expect("flush");
        std::thread::sleep(std::time::Duration::from_millis(400));
        stdin.write_all(&doc.as_bytes()[cut..]).expect("rest");
    });
    let out = child.wait_with_output().expect("finishes");
    writer.join().expect("writer");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(doc["summary"]["events_kept"], 300, "{stderr}");
}

/// Found by `reason_parser`: an error body whose `status` is no HTTP status
/// (`{"status":0}`) was reported as `http_status: 0`, and matched on as one.
#[test]
fn an_embedded_status_that_is_no_http_status_is_not_a_fact() {
    let r = run(&[
        "explain",
        "--format",
        "json",
        r#"Maximum size of family_name has been exceeded. {"detail":"odd","status":0}"#,
    ])
    .ok();
    let doc = r.json();
    assert_eq!(doc["diagnosis"]["id"], "iij.csv-value-too-long", "{doc}");
    assert!(doc["facts"]["http_status"].is_null(), "{doc}");
    let r = run(&[
        "explain",
        "--format",
        "json",
        r#"Web Response: {"status":"409"}"#,
    ])
    .ok();
    assert_eq!(r.json()["facts"]["http_status"], 409);
}
