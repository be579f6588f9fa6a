//! Bad input: one clear line naming the file and position, exit status 2, and nothing
//! else lost.

use crate::util::*;

/// Runs analyze on one file with these bytes; returns the run.
fn analyze_bytes(name: &str, bytes: &[u8]) -> (Run, String) {
    let (dir, path) = temp_file(name, bytes);
    let r = run(&["analyze", &path, "--format", "ndjson"]);
    drop(dir);
    (r, path)
}

#[track_caller]
fn one_line_error(r: &Run, path: &str, contains: &str) {
    let lines: Vec<&str> = r.stderr.lines().filter(|l| l.contains(path)).collect();
    assert!(!lines.is_empty(), "no line names {path}:\n{}", r.stderr);
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("provlog: ") && l.contains(contains)),
        "want {contains:?} in:\n{}",
        r.stderr
    );
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    assert!(!r.stderr.contains("RUST_BACKTRACE"), "{}", r.stderr);
}

#[test]
fn empty_and_blank_files() {
    for bytes in [&b""[..], b"   \n\r\n\t "] {
        let (r, path) = analyze_bytes("empty.json", bytes);
        assert_eq!(r.code, 2);
        one_line_error(&r, &path, "the file is empty");
    }
}

#[test]
fn truncated_json_names_line_and_column() {
    let text = String::from_utf8(read_fixture("portal-export.json")).expect("utf-8");
    let cut = &text[..text.len() / 2];
    let (r, path) = analyze_bytes("cut.json", cut.as_bytes());
    assert_eq!(r.code, 2);
    one_line_error(&r, &path, "line 1, column ");
    one_line_error(&r, &path, "truncated");
    // Events before the cut were still read and reported.
    assert!(!r.ndjson().is_empty());
}

#[test]
fn syntax_error_inside_the_array() {
    let (r, path) = analyze_bytes("bad.json", b"[\n{\"changeId\":\"a\",\"provisioningStatusInfo\":{\"status\":\"failure\"}},\n{\"changeId\": oops}\n]");
    assert_eq!(r.code, 2);
    one_line_error(&r, &path, "line 3, column 14: expected value");
    assert_eq!(
        r.ndjson().len(),
        1,
        "the good event before the error is kept"
    );
}

#[test]
fn not_json_and_not_csv() {
    let (r, path) = analyze_bytes(
        "notes.txt",
        b"hello world, this is not an export\nsecond line\n",
    );
    assert_eq!(r.code, 2);
    one_line_error(
        &r,
        &path,
        "no change-id column found; the headers are: hello world",
    );
}

#[test]
fn objects_and_values_that_are_not_events() {
    for (bytes, what) in [
        (
            &b"{\"foo\": 1}"[..],
            "line 1, column 1: found an object with no provisioning-event fields, not a provisioning event",
        ),
        (
            b"[1, 2, 3]",
            "line 1, column 2: found a number, not a provisioning event (and 2 more like it)",
        ),
        (
            b"[[\"a\"], null]",
            "line 1, column 2: found a string, not a provisioning event",
        ),
        // A bare string is not JSON an export would hold; read as CSV it has no columns.
        (b"\"just a string\"", "no change-id column found"),
    ] {
        let (r, path) = analyze_bytes("odd.json", bytes);
        assert_eq!(r.code, 2, "{}", String::from_utf8_lossy(bytes));
        one_line_error(&r, &path, what);
    }
}

#[test]
fn a_bad_ndjson_line_is_skipped_and_reported() {
    let text = String::from_utf8(read_fixture("diagnostic.ndjson")).expect("utf-8");
    let mut lines: Vec<&str> = text.lines().collect();
    lines.insert(5, "{\"broken\": ");
    let joined = lines.join("\n");
    let (dir, path) = temp_file("diag.ndjson", joined.as_bytes());
    let r = run(&["analyze", &path, "--status", "all", "--format", "ndjson"]);
    drop(dir);
    assert_eq!(r.code, 2);
    one_line_error(
        &r,
        &path,
        "line 6: this line is not a JSON object: expected `,` or `}` at line 8, column 1",
    );
    assert_eq!(r.ndjson().len(), 300, "every other event was read");
}

#[test]
fn ragged_csv_rows_are_reported_and_the_rest_read() {
    let text = String::from_utf8(read_fixture("log-analytics.csv")).expect("utf-8");
    let mut rows: Vec<&str> = text.split("\r\n").collect();
    rows.insert(3, "only,three,fields");
    let joined = rows.join("\r\n");
    let (dir, path) = temp_file("la.csv", joined.as_bytes());
    let r = run(&["analyze", &path, "--status", "all", "--format", "ndjson"]);
    drop(dir);
    assert_eq!(r.code, 2);
    one_line_error(&r, &path, "the row has 3 fields but the header has 28");
    assert_eq!(r.ndjson().len(), 300);
}

#[test]
fn invalid_utf8_names_the_position() {
    let mut bytes = b"[{\"changeId\":\"x\",\"provisioningStatusInfo\":{\"status\":\"failure\",\"errorInformation\":{\"reason\":\"bad ".to_vec();
    bytes.extend([0xFF, 0xFE, b'"']);
    bytes.extend(b"}}}]");
    let (r, path) = analyze_bytes("utf8.json", &bytes);
    assert_eq!(r.code, 2);
    one_line_error(&r, &path, "line 1, column ");
}

#[test]
fn missing_path_and_folder_without_exports() {
    let r = run(&["analyze", "/nonexistent/export.json"]);
    assert_eq!(r.code, 2);
    one_line_error(&r, "/nonexistent/export.json", "no such file or folder");
    let dir = tempfile::tempdir().expect("tmp");
    let p = dir.path().display().to_string();
    let r = run(&["analyze", &p]);
    assert_eq!(r.code, 2);
    one_line_error(&r, &p, "holds no export files");
}

#[test]
fn good_files_beside_a_bad_one_are_still_analysed() {
    let (dir, bad) = temp_file("bad.json", b"[{\"changeId\": ");
    let good = fixture("portal-export.json");
    let r = run(&["analyze", &bad, &good, "--format", "json"]);
    assert_eq!(r.code, 2);
    one_line_error(&r, &bad, "truncated");
    let doc = r.json();
    let inputs = doc["summary"]["inputs"].as_array().expect("inputs");
    assert_eq!(inputs.len(), 2);
    assert!(
        inputs[0]["error"].is_string(),
        "the summary says which file failed"
    );
    assert_eq!(inputs[1]["events"], 300);
    assert!(inputs[1]["error"].is_null());
    drop(dir);
}

#[test]
fn wrongly_typed_fields_are_kept_as_null_and_counted() {
    let doc = br#"[{"changeId":"11111111-2222-3333-4444-555555555555","activityDateTime":12,"jobId":{"x":1},
 "provisioningStatusInfo":{"status":"failure","errorInformation":{"errorCode":"Timeout","reason":["no"]}},
 "servicePrincipal":"not an object at all"}]"#;
    let (dir, path) = temp_file("typed.json", doc);
    let r = run(&["analyze", &path, "--format", "ndjson"]).ok();
    let rows = r.ndjson();
    assert_eq!(rows.len(), 1);
    assert!(rows[0]["job_id"].is_null());
    assert!(rows[0]["reason"].is_null());
    assert_eq!(rows[0]["error_code"], "Timeout");
    // One line for the one event (issue 17: no separate total line repeating it).
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{}", r.stderr);
    assert!(
        lines[0].contains(
            "line 1, column 2: the event with change id 11111111-2222-3333-4444-555555555555 has 3 fields of the wrong type or form"
        ),
        "{}",
        r.stderr
    );
    let strict = run(&["analyze", &path, "--format", "ndjson", "--strict"]);
    assert_eq!(strict.code, 2);
    drop(dir);
}

#[test]
fn utf16_without_bom_is_refused_clearly() {
    let bytes: Vec<u8> = "[{\"changeId\":\"a\"}]"
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    let (r, path) = analyze_bytes("u16.json", &bytes);
    assert_eq!(r.code, 2);
    one_line_error(&r, &path, "UTF-16");
}

#[test]
fn csv_without_change_id_lists_the_headers() {
    let (r, path) = analyze_bytes("x.csv", b"Date,Status,Who\n2026-01-01,Failure,me\n");
    assert_eq!(r.code, 2);
    one_line_error(&r, &path, "the headers are: Date, Status, Who");
}

#[test]
fn deep_nesting_does_not_crash() {
    let mut bytes = vec![b'['; 100_000];
    bytes.extend(vec![b']'; 100_000]);
    let (r, path) = analyze_bytes("deep.json", &bytes);
    assert_eq!(r.code, 2);
    one_line_error(&r, &path, "recursion limit");
}

/// The lines of stderr that name `path`.
fn lines_about<'a>(r: &'a Run, path: &str) -> Vec<&'a str> {
    r.stderr.lines().filter(|l| l.contains(path)).collect()
}

/// A file whose every element is wrong takes one line, at the first element, with a
/// count; the summary still counts every record. See: provlog issue 17, item 17.
#[test]
fn a_problem_repeated_in_a_file_is_one_line_with_a_count() {
    let (dir, path) = temp_file("nums.json", b"[1,2,3,4,5]");
    let r = run(&["analyze", &path, "--format", "json"]);
    assert_eq!(r.code, 2);
    let want = format!(
        "provlog: {path}: line 1, column 2: found a number, not a provisioning event (and 4 more like it)"
    );
    let about: Vec<&str> = lines_about(&r, &path)
        .into_iter()
        .filter(|l| l.contains("not a provisioning event"))
        .collect();
    assert_eq!(about, [want.as_str()], "{}", r.stderr);
    let s = &r.json()["summary"];
    assert_eq!(s["records_read"], 5, "{s}");
    assert_eq!(s["records_rejected"], 5, "{s}");
    assert_eq!(s["events_kept"], 0, "{s}");
    drop(dir);
}

/// Different kinds each get their line, in the order they were first met; the same kind
/// in another file is that file's line. See: provlog issue 17, item 17.
#[test]
fn each_kind_of_problem_in_each_file_gets_one_line() {
    let dir = tempfile::tempdir().expect("tmp");
    let a = dir.path().join("a.json");
    let b = dir.path().join("b.json");
    std::fs::write(&a, b"[1, \"x\", 2, null, \"y\", 3]").expect("write");
    std::fs::write(&b, b"[4, 5]").expect("write");
    let (a, b) = (a.display().to_string(), b.display().to_string());
    let r = run(&["analyze", &a, &b, "--format", "json"]);
    assert_eq!(r.code, 2);
    let kinds: Vec<&str> = lines_about(&r, &a)
        .into_iter()
        .filter(|l| l.contains("not a provisioning event"))
        .collect();
    assert_eq!(
        kinds,
        [
            format!(
                "provlog: {a}: line 1, column 2: found a number, not a provisioning event (and 2 more like it)"
            ),
            format!(
                "provlog: {a}: line 1, column 5: found a string, not a provisioning event (and 1 more like it)"
            ),
            format!("provlog: {a}: line 1, column 13: found null, not a provisioning event"),
        ],
        "{}",
        r.stderr
    );
    let other: Vec<&str> = lines_about(&r, &b)
        .into_iter()
        .filter(|l| l.contains("not a provisioning event"))
        .collect();
    assert_eq!(
        other,
        [format!(
            "provlog: {b}: line 1, column 2: found a number, not a provisioning event (and 1 more like it)"
        )],
        "{}",
        r.stderr
    );
    let s = &r.json()["summary"];
    assert_eq!(s["records_read"], 8, "{s}");
    assert_eq!(s["records_rejected"], 8, "{s}");
    drop(dir);
}

/// Problems whose messages differ only in a detail (a field count, a line inside the
/// record, a change id) are one kind too: ragged CSV rows, broken NDJSON lines, events
/// with unreadable fields. See: provlog issue 17, item 17.
#[test]
fn problems_differing_only_in_details_are_one_kind() {
    // A Log Analytics CSV with rows of 3 and 4 fields among good ones.
    let csv = "TenantId,TimeGenerated [UTC],ChangeId,ResultType,ResultDescription\n\
        t,2026-11-24T08:00:00Z,c1,Failure,Bad value\n\
        only,three,fields\n\
        t,2026-11-24T08:00:01Z,c2,Failure,Bad value\n\
        now,four,fields,here\n\
        x,y,z\n";
    let (dir, path) = temp_file("la.csv", csv.as_bytes());
    let r = run(&["analyze", &path, "--status", "all", "--format", "json"]);
    assert_eq!(r.code, 2);
    assert_eq!(
        lines_about(&r, &path),
        [format!(
            "provlog: {path}: line 3: the row has 3 fields but the header has 5 (and 2 more like it)"
        )],
        "{}",
        r.stderr
    );
    assert_eq!(r.json()["summary"]["records_rejected"], 3);
    assert_eq!(r.json()["summary"]["events_kept"], 2);
    drop(dir);

    // NDJSON: two lines broken in different ways.
    let text = String::from_utf8(read_fixture("diagnostic.ndjson")).expect("utf-8");
    let mut lines: Vec<&str> = text.lines().collect();
    lines.insert(2, "{\"broken\": tru}");
    lines.insert(6, "{\"changeId\": \"x\" \"y\"}");
    let (dir, path) = temp_file("diag.ndjson", lines.join("\n").as_bytes());
    let r = run(&["analyze", &path, "--status", "all", "--format", "json"]);
    assert_eq!(r.code, 2);
    let about = lines_about(&r, &path);
    assert_eq!(about.len(), 1, "{}", r.stderr);
    assert!(
        about[0].starts_with(&format!(
            "provlog: {path}: line 3: this line is not a JSON object: "
        )) && about[0].ends_with(" (and 1 more like it)"),
        "{}",
        r.stderr
    );
    assert_eq!(r.json()["summary"]["records_rejected"], 2);
    drop(dir);

    // Three events, each with a field of the wrong type: one line, at the first.
    let doc = br#"[{"changeId":"a1","jobId":{"x":1}},
{"changeId":"a2","jobId":[1]},
{"changeId":"a3","cycleId":{}}]"#;
    let (dir, path) = temp_file("typed.json", doc);
    let r = run(&["analyze", &path, "--status", "all", "--format", "json"]).ok();
    assert_eq!(
        lines_about(&r, &path),
        [format!(
            "provlog: {path}: line 1, column 2: the event with change id a1 has 1 field of the wrong type or form; it is kept with it empty (and 2 more like it)"
        )],
        "{}",
        r.stderr
    );
    assert_eq!(r.json()["summary"]["events_with_unreadable_fields"], 3);
    drop(dir);
}

/// An object that is not an export (`{"foo": 1}`, another tool's JSON) is one problem and
/// one line, not that line plus "no provisioning events found in it"; likewise a file whose
/// every element is wrong. The JSON summary still names the file as unreadable. See:
/// provlog issue 17, item 18.
#[test]
fn an_object_that_is_not_an_export_is_one_line() {
    for (name, bytes, line) in [
        (
            "foo.json",
            &br#"{"foo": 1}"#[..],
            "line 1, column 1: found an object with no provisioning-event fields, not a provisioning event",
        ),
        (
            "package.json",
            br#"{
  "name": "some-tool",
  "version": "1.0.0",
  "dependencies": {"left-pad": "^1.3.0"}
}"#,
            "line 1, column 1: found an object with no provisioning-event fields, not a provisioning event",
        ),
        (
            "page.json",
            br#"{"@odata.context": "x", "value": [{"foo": 1}]}"#,
            "line 1, column 1: found an object with no provisioning-event fields, not a provisioning event",
        ),
        (
            "nums.json",
            b"[1,2,3,4,5]",
            "line 1, column 2: found a number, not a provisioning event (and 4 more like it)",
        ),
    ] {
        let (dir, path) = temp_file(name, bytes);
        let r = run(&["analyze", &path, "--format", "json"]);
        assert_eq!(r.code, 2, "{name}");
        assert_eq!(
            r.stderr,
            format!("provlog: {path}: {line}\n"),
            "{name}: one line for one problem"
        );
        let doc = r.json();
        let input = &doc["summary"]["inputs"][0];
        assert_eq!(
            input["error"], "no provisioning events found in it",
            "{name}"
        );
        let s = &doc["summary"];
        assert_eq!(
            s["records_read"].as_u64(),
            s["records_rejected"].as_u64(),
            "{name}: {s}"
        );
        drop(dir);
    }
}

/// A failing v1.0 event with this change id, minified.
fn event_json(change_id: &str) -> String {
    format!(
        r#"{{"changeId":"{change_id}","activityDateTime":"2026-11-24T08:00:00Z","provisioningAction":"create","provisioningStatusInfo":{{"status":"failure","errorInformation":{{"errorCode":"Timeout","reason":"StatusCode: GatewayTimeout"}}}},"servicePrincipal":{{"id":"sp","displayName":"App"}}}}"#
    )
}

/// Runs analyze (all statuses, JSON) on one file; returns the run and the file's path.
fn analyze_all(name: &str, bytes: &[u8], extra: &[&str]) -> (Run, String, tempfile::TempDir) {
    let (dir, path) = temp_file(name, bytes);
    let mut args = vec!["analyze", &path, "--status", "all", "--format", "json"];
    args.extend(extra);
    let r = run(&args);
    (r, path, dir)
}

/// The change ids of a JSON run's events, sorted.
fn change_ids(r: &Run) -> Vec<String> {
    let mut ids: Vec<String> = r.json()["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["change_id"].as_str().unwrap_or("").to_owned())
        .collect();
    ids.sort();
    ids
}

/// Microsoft's own Graph documentation sample of a provisioning response has a trailing
/// comma (fixtures/graph-docs/README.md). It was rejected whole ("expected value", 0
/// events); it is read, with one warning naming the comma, and status 0; `--strict` makes
/// the status 2, still with the event. See: provlog issue 17, item 19.
#[test]
fn microsofts_graph_sample_with_a_trailing_comma_is_read() {
    let path = fixture("graph-docs/v1-list-provisioning-success.json");
    let warning = format!(
        "{path}: line 61, column 18: a trailing comma before ']' is not valid JSON; it was read as if it were not there"
    );
    let r = run(&["analyze", &path, "--status", "all", "--format", "json"]).ok();
    assert_eq!(r.stderr, format!("provlog: {warning}\n"));
    let doc = r.json();
    let s = &doc["summary"];
    assert_eq!(s["records_read"], 1, "{s}");
    assert_eq!(s["events_kept"], 1, "{s}");
    assert_eq!(s["records_rejected"], 0, "{s}");
    assert_eq!(s["inputs"][0]["notes"], serde_json::json!([warning]));
    assert!(s["inputs"][0]["error"].is_null());
    let ev = &doc["events"][0];
    assert_eq!(ev["change_id"], "b6502552-018d-89bd-9969-b49194dc65c1");
    assert_eq!(ev["status"], "success");
    assert_eq!(ev["app"], "Contoso");
    let strict = run(&[
        "analyze", &path, "--status", "all", "--format", "ndjson", "--strict",
    ]);
    assert_eq!(strict.code, 2, "{}", strict.stderr);
    assert_eq!(strict.ndjson().len(), 1, "--strict still reads the event");
    assert!(strict.stderr.contains(&warning), "{}", strict.stderr);
}

/// Hand-made trailing commas: in the top-level array, inside an event object, inside a
/// Graph page's value array (and after it), in NDJSON lines; many in one file are one
/// warning with a count. See: provlog issue 17, item 19.
#[test]
fn trailing_commas_are_read_with_one_warning() {
    let (e1, e2) = (event_json("c1"), event_json("c2"));
    let in_event = event_json("c2").replacen(r#"GatewayTimeout"}"#, r#"GatewayTimeout" , }"#, 1);
    for (name, text, at, closer, more, events) in [
        (
            "top.json",
            format!("[{e1},{e2},]"),
            "line 1, column",
            ']',
            0,
            2,
        ),
        (
            "top-nl.json",
            format!("[\n{e1},\n{e2},\n]\n"),
            "line 3, column",
            ']',
            0,
            2,
        ),
        (
            "event.json",
            format!("[{e1},{in_event}]"),
            "line 1, column",
            '}',
            0,
            2,
        ),
        (
            "object.json",
            format!("[{}]", e1.replacen(r#""App"}"#, r#""App"},"#, 1)),
            "line 1, column",
            '}',
            0,
            1,
        ),
        (
            "page.json",
            format!("{{\"@odata.context\":\"x\",\"value\":[{e1},{e2},]}}"),
            "line 1, column",
            ']',
            0,
            2,
        ),
        (
            "page-after.json",
            format!("{{\"value\":[{e1},{e2}],\n}}\n{{\"value\":[{e1},]}}"),
            "line 1, column",
            '}',
            1,
            3,
        ),
        (
            "lines.ndjson",
            format!(
                "{}\n{}\n",
                e1.replacen(r#""App"}"#, r#""App",}"#, 1),
                e2.replacen(r#""App"}"#, r#""App"},  "#, 1)
            ),
            "line 1, column",
            '}',
            1,
            2,
        ),
    ] {
        let (r, path, dir) = analyze_all(name, text.as_bytes(), &[]);
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        let lines: Vec<&str> = r.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{name}: one warning: {}", r.stderr);
        let want_start = format!("provlog: {path}: {at} ");
        let want_end = format!(
            "a trailing comma before '{closer}' is not valid JSON; it was read as if it were not there{}",
            if more > 0 {
                format!(" (and {more} more like it)")
            } else {
                String::new()
            }
        );
        assert!(
            lines[0].starts_with(&want_start) && lines[0].ends_with(&want_end),
            "{name}: {}",
            lines[0]
        );
        let s = &r.json()["summary"];
        assert_eq!(s["events_kept"], events, "{name}: {s}");
        assert_eq!(s["records_rejected"], 0, "{name}: {s}");
        let strict = run(&[
            "analyze", &path, "--status", "all", "--format", "json", "--strict",
        ]);
        assert_eq!(strict.code, 2, "{name}: --strict");
        assert_eq!(strict.json()["summary"]["events_kept"], events, "{name}");
        drop(dir);
    }
}

/// The warning names the comma itself. See: provlog issue 17, item 19.
#[test]
fn a_trailing_comma_warning_names_the_comma() {
    let text = "[\n  {\"changeId\": \"a\",\n   \"x\": [1, 2 ,  ]\n  }\n]\n";
    let (r, path, dir) = analyze_all("pos.json", text.as_bytes(), &[]);
    assert_eq!(
        r.stderr,
        format!(
            "provlog: {path}: line 3, column 15: a trailing comma before ']' is not valid JSON; it was read as if it were not there\n"
        )
    );
    assert_eq!(change_ids(&r), ["a"]);
    drop(dir);
}

/// A trailing comma cut from its bracket by the end of a 4 MiB read is still forgiven:
/// in the top-level array, and inside an event. See: provlog issue 17, item 19.
#[test]
fn a_trailing_comma_at_a_read_boundary_is_read() {
    const CHUNK: usize = 4 << 20;
    let head = format!("[{}", event_json("c1"));
    // The top-level array's comma is the last byte of the first read.
    let mut top = head.clone();
    top.push_str(&" ".repeat(CHUNK - 1 - head.len()));
    top.push_str(",\n]\n");
    assert_eq!(top.as_bytes()[CHUNK - 1], b',');
    // A comma inside an event is the last byte of the first read.
    let start = format!("[{},{{\"changeId\":\"c2\",\"x\":[1", event_json("c1"));
    let mut inner = start.clone();
    inner.push_str(&" ".repeat(CHUNK - 1 - start.len()));
    inner.push_str(",]}]");
    assert_eq!(inner.as_bytes()[CHUNK - 1], b',');
    for (name, text, ids) in [
        ("top.json", top, vec!["c1"]),
        ("inner.json", inner, vec!["c1", "c2"]),
    ] {
        let (r, path, dir) = analyze_all(name, text.as_bytes(), &[]);
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        assert_eq!(change_ids(&r), ids, "{name}");
        assert!(
            r.stderr.starts_with(&format!("provlog: {path}: line "))
                && r.stderr.contains("a trailing comma before ']'"),
            "{name}: {}",
            r.stderr
        );
        drop(dir);
    }
}

/// Everything else stays strict: a comma with no value before it, two commas, a comma
/// before the wrong bracket, a comma between NDJSON lines. See: provlog issue 17, item 19.
#[test]
fn other_stray_commas_stay_errors() {
    let e1 = event_json("c1");
    for (name, text, says) in [
        ("lead.json", "[,]".to_owned(), "expected value"),
        ("double.json", format!("[{e1},,]"), "expected value"),
        (
            "double-in.json",
            format!("[{}]", e1.replacen(r#""Timeout","#, r#""Timeout",,"#, 1)),
            "key must be a string",
        ),
        (
            "empty-object.json",
            "[{,}]".to_owned(),
            "key must be a string",
        ),
        (
            "mismatch.json",
            format!(
                "[{}]",
                e1.replacen(r#"GatewayTimeout"}"#, r#"GatewayTimeout",]"#, 1)
            ),
            "key must be a string",
        ),
        ("between.ndjson", format!("{e1},\n{e1}\n"), "expected value"),
    ] {
        let (r, path, dir) = analyze_all(name, text.as_bytes(), &[]);
        assert_eq!(r.code, 2, "{name}: {}", r.stderr);
        one_line_error(&r, &path, says);
        assert!(
            !r.stderr.contains("trailing comma"),
            "{name}: nothing was forgiven: {}",
            r.stderr
        );
        drop(dir);
    }
}

/// Events of every status, each with its own field of the wrong form: a time (`not a
/// time`), a duration, steps, modified properties, a party; and one good event of each
/// status, with the time form of issue 17, item 20, which is read.
fn mixed_forms() -> String {
    let event = |id: &str, status: &str, extra: &str| {
        format!(
            r#"{{"changeId":"{id}","activityDateTime":"2026-11-24T08:00:00Z","provisioningAction":"update","provisioningStatusInfo":{{"status":"{status}"}},"servicePrincipal":{{"displayName":"App"}}{extra}}}"#
        )
    };
    let rows = [
        event(
            "s-time",
            "success",
            r#","activityDateTime":"the day before""#,
        ),
        event(
            "s-duration",
            "success",
            r#","durationInMilliseconds":"slow""#,
        ),
        event("k-steps", "skipped", r#","provisioningSteps":12"#),
        event(
            "k-props",
            "skipped",
            r#","modifiedProperties":{"not":"an array"}"#,
        ),
        event("w-party", "warning", r#","sourceSystem":5"#),
        event("f-time", "failure", r#","activityDateTime":"12""#),
        event(
            "s-good",
            "success",
            r#","activityDateTime":"1/9/2007 10:41:00 AM +01:00""#,
        ),
        event("f-good", "failure", ""),
    ];
    format!("[{}]", rows.join(",\n"))
}

/// An event with a field of the wrong form was warned about, counted and failed
/// `--strict` only when the filters selected it. Every event read is checked now,
/// whatever the filters: the same warning line, the same `events_with_unreadable_fields`,
/// the same status with `--strict`. See: provlog issue 17, item 20.
#[test]
fn unreadable_fields_are_counted_whatever_the_filter() {
    let (dir, path) = temp_file("forms.json", mixed_forms().as_bytes());
    let filters: [&[&str]; 6] = [
        &[],
        &["--status", "all"],
        &["--status", "success"],
        &["--status", "failure", "--app", "nothing-matches"],
        &["--since", "2030-01-01T00:00:00Z"],
        &["--change", "f-good"],
    ];
    for filter in filters {
        let mut args = vec!["analyze", path.as_str(), "--format", "json"];
        args.extend(filter);
        let r = run(&args).ok();
        let s = &r.json()["summary"];
        assert_eq!(s["records_read"], 8, "{filter:?}: {s}");
        assert_eq!(s["events_kept"], 8, "{filter:?}");
        assert_eq!(
            s["events_with_unreadable_fields"], 6,
            "{filter:?}: every event read is counted: {s}"
        );
        let lines: Vec<&str> = r.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{filter:?}: {}", r.stderr);
        assert!(
            lines[0].starts_with(&format!(
                "provlog: {path}: line 1, column 2: the event with change id s-time has 1 field of the wrong type or form"
            )) && lines[0].ends_with("(and 5 more like it)"),
            "{filter:?}: {}",
            r.stderr
        );
        args.push("--strict");
        let strict = run(&args);
        assert_eq!(strict.code, 2, "{filter:?}: --strict: {}", strict.stderr);
    }
    drop(dir);
}

/// The time form `1/9/2007 10:41:00 AM +01:00` (US month/day/year, 12-hour clock, an
/// offset) is read: no warning, and the time in UTC. See: provlog issue 17, item 20.
#[test]
fn a_us_time_with_an_offset_is_read() {
    let doc = r#"[{"changeId":"a","activityDateTime":"1/9/2007 10:41:00 AM +01:00","provisioningStatusInfo":{"status":"failure","errorInformation":{"errorCode":"Timeout"}}}]"#;
    let (dir, path) = temp_file("us.json", doc.as_bytes());
    let r = run(&["analyze", &path, "--format", "ndjson", "--strict"]).ok();
    assert_eq!(r.stderr, "");
    assert_eq!(r.ndjson()[0]["time"], "2007-01-09T09:41:00Z");
    drop(dir);

    // The same in a Log Analytics CSV, on a success row that the default filters leave
    // out: its time is read, and the row with no time is counted and named.
    let csv = "TenantId,TimeGenerated [UTC],ChangeId,ResultType,ResultDescription\n\
        t,1/9/2007 10:41:00 AM +01:00,c1,Success,\n\
        t,not a time,c2,Success,\n";
    let (dir, path) = temp_file("la.csv", csv.as_bytes());
    let r = run(&["analyze", &path, "--format", "json"]).ok();
    let s = &r.json()["summary"];
    assert_eq!(s["first_time"], "2007-01-09T09:41:00Z", "{s}");
    assert_eq!(s["events_with_unreadable_fields"], 1, "{s}");
    assert_eq!(
        r.stderr,
        format!(
            "provlog: {path}: line 3: the event with change id c2 has 1 field of the wrong type or form; it is kept with it empty\n"
        )
    );
    drop(dir);
}
