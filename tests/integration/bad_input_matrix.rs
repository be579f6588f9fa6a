//! The bad-input matrix: every way an export arrives broken, one row each.
//!
//! Each row is run as `provlog analyze BAD GOOD --status all --format json`, where GOOD is
//! the portal fixture (300 events). For every row the run must:
//! - exit with the row's status;
//! - say what is wrong on stderr as promised: one line per problem, starting `provlog: `,
//!   naming the file and, for content problems, the position (`line N` or
//!   `line N, column M`); never a panic, never a line longer than a screenful, never a
//!   control character from the input;
//! - still analyse GOOD (its 300 events are in the summary and in the events);
//! - lose no record: `records_read = events_kept + records_rejected`, and where the row
//!   knows how many records its input holds, that they are all counted.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Stdio;

use serde_json::{Value, json};

use crate::util::*;

/// What the bad input is.
enum Src {
    /// One file with this name and content.
    File(&'static str, Vec<u8>),
    /// The same file named twice on the command line.
    Twice(Vec<u8>),
    /// A folder holding these files; the folder is named.
    Dir(Vec<(&'static str, Vec<u8>)>),
    /// A path that does not exist.
    Missing,
    /// A file whose name is not UTF-8.
    OddName(Vec<u8>),
    /// The portal's three CSV files; the events file is named.
    Set {
        events: String,
        steps: String,
        properties: String,
    },
}

/// What stderr must say about the bad input.
#[derive(Clone, Copy)]
enum Says {
    /// A line naming a file of the row, with a position, containing the text.
    At(&'static str),
    /// A line naming a file of the row (no position needed: the whole file is at fault),
    /// containing the text.
    File(&'static str),
    /// Nothing about the row's files.
    Nothing,
}

struct Case {
    name: String,
    src: Src,
    args: &'static [&'static str],
    exit: i32,
    says: Says,
    /// Records the bad input holds (events + records that are not events), when known.
    records: Option<u64>,
}

fn case(name: &str, src: Src, exit: i32, says: Says, records: Option<u64>) -> Case {
    Case {
        name: name.to_owned(),
        src,
        args: &[],
        exit,
        says,
        records,
    }
}

fn file(name: &'static str, bytes: impl Into<Vec<u8>>) -> Src {
    Src::File(name, bytes.into())
}

// ---------------------------------------------------------------------------------------
// Inputs

/// A failing v1.0 event as a JSON value; `i` makes its ids unique.
fn event(i: u32) -> Value {
    json!({
        "id": format!("e{i}"),
        "activityDateTime": "2026-11-24T08:00:00Z",
        "tenantId": "t1",
        "jobId": "scim.j1",
        "cycleId": "c1",
        "changeId": format!("0000000{i}-aaaa-4bbb-8ccc-000000000000"),
        "provisioningAction": "create",
        "durationInMilliseconds": 120,
        "servicePrincipal": {"id": "sp1", "displayName": "Matrix App"},
        "sourceSystem": {"id": "s", "displayName": "Azure Active Directory"},
        "targetSystem": {"id": "t", "displayName": "Matrix App"},
        "sourceIdentity": {"id": "u1", "displayName": "Ada", "identityType": "User",
                           "details": {"UserPrincipalName": "ada@contoso.com"}},
        "targetIdentity": {"id": "", "displayName": "", "identityType": "User", "details": {}},
        "initiatedBy": {"id": "", "displayName": "Azure AD Provisioning Service", "initiatorType": "system"},
        "provisioningStatusInfo": {"status": "failure", "errorInformation": {
            "errorCode": "SystemForCrossDomainIdentityManagementServiceIncompatible",
            "reason": "StatusCode: BadRequest", "additionalDetails": null}},
        "provisioningSteps": [{"name": "EntryExportAdd", "provisioningStepType": "export",
                               "status": "failure", "description": "Failed", "details": {}}],
        "modifiedProperties": [{"displayName": "accountEnabled", "oldValue": null, "newValue": "True"}]
    })
}

fn text(v: &Value) -> String {
    v.to_string()
}

/// `[e0,e1,...]` minified, as the portal writes it.
fn array(n: u32) -> String {
    let items: Vec<String> = (0..n).map(|i| text(&event(i))).collect();
    format!("[{}]", items.join(","))
}

fn ndjson(n: u32) -> String {
    (0..n).map(|i| text(&event(i)) + "\n").collect()
}

fn page(n: u32) -> String {
    let items: Vec<Value> = (0..n).map(event).collect();
    text(&json!({"@odata.context": "x", "value": items}))
}

/// The bytes of `s` up to (not including) the `k`-th occurrence of `pat`, plus `extra`.
fn cut_before(s: &str, pat: &str, k: usize, extra: &str) -> Vec<u8> {
    let at = s
        .match_indices(pat)
        .nth(k)
        .map(|(i, _)| i)
        .unwrap_or_else(|| panic!("no {k}-th {pat:?}"));
    format!("{}{extra}", &s[..at]).into_bytes()
}

/// An event with the field at `path` replaced by `value`.
fn event_with(path: &[&str], value: Value) -> String {
    let mut e = event(0);
    let mut at = &mut e;
    for key in &path[..path.len() - 1] {
        at = &mut at[*key];
    }
    at[path[path.len() - 1]] = value;
    format!("[{}]", text(&e))
}

/// `[{...},{...}]` with the bytes of the second event's `marker` value replaced.
fn with_bytes(marker: &str, bytes: &[u8]) -> Vec<u8> {
    let doc = array(3);
    let at = doc.find(marker).expect("marker");
    let mut out = doc.as_bytes()[..at].to_vec();
    out.extend_from_slice(bytes);
    out.extend_from_slice(&doc.as_bytes()[at + marker.len()..]);
    out
}

const LA_HEADER: &str = "TenantId,TimeGenerated [UTC],ChangeId,CycleId,JobId,ProvisioningAction,ResultType,ResultSignature,ResultDescription,ServicePrincipal,SourceIdentity";

fn la_row(i: u32) -> String {
    format!(
        "t1,2026-11-24T08:00:0{}Z,0000000{i}-la,c1,j1,Create,Failure,AttributeValidationFailed,Bad value,\"{{\"\"Id\"\":\"\"sp\"\",\"\"Name\"\":\"\"LA App\"\"}}\",\"{{\"\"Id\"\":\"\"u{i}\"\",\"\"Name\"\":\"\"User {i}\"\"}}\"",
        i % 10
    )
}

/// A row without quotes (the nested columns as bare names).
fn la_plain_row(i: u32) -> String {
    format!(
        "t1,2026-11-24T08:00:0{i}Z,0000000{i}-la,c1,j1,Create,Failure,AttributeValidationFailed,Bad value,LA App,User {i}"
    )
}

fn la_csv(rows: &[String]) -> Vec<u8> {
    let mut s = String::from(LA_HEADER);
    for r in rows {
        s.push_str("\r\n");
        s.push_str(r);
    }
    s.push_str("\r\n");
    s.into_bytes()
}

const SET_EVENTS: &str = "Date (UTC),ID,Change ID,Cycle ID,Job ID,Action,Status,Service Principal Name,Source Identity Name,Error Code,Status Reason";
const SET_STEPS: &str = "Change ID,Step,Name,Type,Status,Description,Details";
const SET_PROPS: &str = "Change ID,Name,Old Value,New Value";

fn set_event(id: &str) -> String {
    format!(
        "2026-11-24T08:00:00Z,e-{id},{id},c1,j1,Create,Failure,Set App,User {id},AzureActiveDirectoryDuplicateUserPrincipalName,Duplicate"
    )
}

fn set_step(id: &str, n: u32) -> String {
    format!("{id},{n},EntryExportAdd,Export,Failure,Failed to create,")
}

fn csv_text(header: &str, rows: &[String]) -> String {
    let mut s = header.to_owned();
    for r in rows {
        s.push('\n');
        s.push_str(r);
    }
    s.push('\n');
    s
}

fn utf16(s: &str, big_endian: bool) -> Vec<u8> {
    s.encode_utf16()
        .flat_map(|u| {
            if big_endian {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// The matrix

fn cases() -> Vec<Case> {
    let a3 = array(3);
    let p3 = page(3);
    let mut v = vec![
        // Nothing there.
        case(
            "empty file",
            file("empty.json", ""),
            2,
            Says::File("the file is empty"),
            Some(0),
        ),
        case(
            "white space only",
            file("blank.json", " \r\n\t\n  "),
            2,
            Says::File("the file is empty"),
            Some(0),
        ),
        case(
            "a byte-order mark only",
            file("bom.json", b"\xEF\xBB\xBF".to_vec()),
            2,
            Says::File("the file is empty"),
            Some(0),
        ),
        case(
            "an empty array",
            file("none.json", "[]"),
            0,
            Says::Nothing,
            Some(0),
        ),
        case(
            "an empty Graph page",
            file("page.json", r#"{"value":[]}"#),
            0,
            Says::Nothing,
            Some(0),
        ),
        // Truncated JSON, at several points.
        case(
            "cut after the opening bracket",
            file("cut1.json", "["),
            2,
            Says::At("truncated"),
            Some(0),
        ),
        case(
            "cut inside the first key",
            file("cut2.json", cut_before(&a3, "DateTime", 0, "")),
            2,
            Says::At("truncated"),
            Some(0),
        ),
        case(
            "cut inside a string value",
            file("cut3.json", cut_before(&a3, "Matrix App", 2, "Matr")),
            2,
            Says::At("truncated"),
            Some(1),
        ),
        case(
            "cut after a comma between events",
            file(
                "cut4.json",
                cut_before(&a3, ",{\"activityDateTime\"", 1, ","),
            ),
            2,
            Says::At("truncated"),
            Some(2),
        ),
        case(
            "cut before the closing bracket",
            file("cut5.json", a3.trim_end_matches(']').to_owned()),
            2,
            Says::At("truncated"),
            Some(3),
        ),
        case(
            "a Graph page cut after two of its events",
            file(
                "page-cut.json",
                cut_before(&p3, "{\"activityDateTime\"", 2, "{\"activityDa"),
            ),
            2,
            Says::At("truncated"),
            Some(2),
        ),
        case(
            "NDJSON whose last line is cut",
            file("cut.ndjson", {
                let s = ndjson(3);
                s[..s.len() - 40].to_owned()
            }),
            2,
            Says::At("this line is not a JSON object"),
            Some(3),
        ),
        case(
            "trailing garbage after the array",
            file("tail.json", format!("{a3} garbage")),
            2,
            Says::At("expected value"),
            Some(3),
        ),
        // Top-level values that are not events.
        case(
            "a top-level object without event fields",
            file("obj.json", r#"{"foo": 1, "bar": [1, 2]}"#),
            2,
            Says::At("not a provisioning event"),
            Some(1),
        ),
        case(
            "a top-level number",
            file("num.json", "42"),
            2,
            Says::At("no change-id column"),
            Some(0),
        ),
        case(
            "a top-level string",
            file("str.json", r#""just text""#),
            2,
            Says::At("no change-id column"),
            Some(0),
        ),
        case(
            "a top-level true",
            file("bool.json", "true"),
            2,
            Says::At("no change-id column"),
            Some(0),
        ),
        case(
            "an array of numbers",
            file("nums.json", "[1, 2.5, -3]"),
            2,
            Says::At("found a number"),
            Some(3),
        ),
        case(
            "an array of strings",
            file("strs.json", r#"["a", "b"]"#),
            2,
            Says::At("found a string"),
            Some(2),
        ),
        case(
            "an array of arrays of null",
            file("nested.json", "[[null], [null, null]]"),
            2,
            Says::At("found null"),
            Some(3),
        ),
        case(
            "events mixed with nulls",
            file(
                "mixed.json",
                format!("[{},null,{}]", text(&event(0)), text(&event(1))),
            ),
            2,
            Says::At("found null"),
            Some(3),
        ),
        case(
            "a Graph page whose value is a number",
            file("value.json", r#"{"value": 5}"#),
            2,
            Says::At("not a provisioning event"),
            Some(1),
        ),
        // Encodings.
        case(
            "invalid UTF-8 in a string value",
            file("utf8-value.json", with_bytes("Ada", b"A\xFF\xFEa")),
            2,
            Says::At("not valid UTF-8"),
            Some(0),
        ),
        case(
            "invalid UTF-8 in a key",
            file(
                "utf8-key.json",
                with_bytes("\"tenantId\"", b"\"tenant\xC3\x28Id\""),
            ),
            2,
            Says::At("not valid UTF-8"),
            Some(0),
        ),
        case(
            "invalid UTF-8 on one NDJSON line",
            file("utf8.ndjson", {
                let mut b = ndjson(3).into_bytes();
                let i = b.iter().position(|c| *c == b'\n').expect("newline") + 30;
                b[i] = 0xFF;
                b
            }),
            2,
            Says::At("line 2"),
            Some(3),
        ),
        case(
            "invalid UTF-8 in a CSV field",
            file("utf8.csv", {
                let mut b = la_csv(&[la_row(1), la_row(2)]);
                let i = b.len() - 8;
                b[i] = 0xFF;
                b
            }),
            2,
            Says::At("not valid UTF-8"),
            Some(2),
        ),
        case(
            "UTF-16 LE without a byte-order mark",
            file("u16le.json", utf16(&a3, false)),
            2,
            Says::File("UTF-16"),
            Some(0),
        ),
        case(
            "UTF-16 BE without a byte-order mark",
            file("u16be.json", utf16(&a3, true)),
            2,
            Says::File("UTF-16"),
            Some(0),
        ),
        case(
            "NUL bytes at the start",
            file("nul-bytes.json", vec![0u8; 64]),
            2,
            Says::At("NUL"),
            Some(0),
        ),
        case(
            "a NUL byte inside a JSON string",
            file("nul-str.json", with_bytes("Ada", b"A\0a")),
            2,
            Says::At("control character"),
            Some(0),
        ),
        case(
            "a NUL byte inside a CSV field",
            file(
                "nul-in-field.csv",
                la_csv(&[la_row(1).replace("Bad value", "Bad\0value")]),
            ),
            0,
            Says::Nothing,
            Some(1),
        ),
        // Sizes and shapes that strain a parser.
        case(
            "a 50 MB string value",
            file(
                "big-value.json",
                event_with(
                    &["provisioningStatusInfo", "errorInformation", "reason"],
                    Value::String("x".repeat(50 << 20)),
                ),
            ),
            0,
            Says::Nothing,
            Some(1),
        ),
        case(
            "a 50 MB string on one NDJSON line",
            file(
                "big.ndjson",
                format!(
                    "{}\n{}\n",
                    text(&event(0)),
                    event_with(
                        &["sourceIdentity", "displayName"],
                        Value::String("y".repeat(50 << 20))
                    )
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                ),
            ),
            0,
            Says::Nothing,
            Some(2),
        ),
        case(
            "arrays nested 100 000 deep",
            file(
                "deep.json",
                format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)),
            ),
            2,
            Says::At("recursion limit"),
            Some(0),
        ),
        case(
            "objects nested 100 000 deep in an unknown field",
            file(
                "deep-obj.json",
                format!(
                    "[{{\"changeId\":\"d\",\"x\":{}1{}}}]",
                    "{\"a\":".repeat(100_000),
                    "}".repeat(100_000)
                ),
            ),
            // Unknown fields are skipped without recursing: the event is read.
            0,
            Says::Nothing,
            Some(1),
        ),
        case(
            "steps nested 100 000 deep",
            file(
                "deep-steps.json",
                format!(
                    "[{{\"changeId\":\"d\",\"provisioningStatusInfo\":{{\"status\":\"failure\"}},\"provisioningSteps\":{}{}}}]",
                    "[".repeat(100_000),
                    "]".repeat(100_000)
                ),
            ),
            // The steps cannot be read: the event is kept without them, and named.
            0,
            Says::At("of the wrong type or form"),
            Some(1),
        ),
        case(
            "a gigantic single line of CSV",
            file("wide.csv", "x,".repeat(10 << 20)),
            2,
            Says::At("more)"),
            Some(0),
        ),
        case(
            "40 000 events on one line",
            file("long-line.json", array(40_000)),
            0,
            Says::Nothing,
            Some(40_000),
        ),
        case(
            "duplicate keys in an event",
            file(
                "dup.json",
                format!(
                    "[{}]",
                    text(&event(0)).replacen(
                        "{\"activityDateTime\"",
                        "{\"changeId\":\"first\",\"activityDateTime\"",
                        1
                    )
                ),
            ),
            0,
            Says::Nothing,
            Some(1),
        ),
        case(
            "duplicate keys in the status",
            file(
                "dup-status.json",
                format!(
                    "[{}]",
                    text(&event(0)).replacen(
                        "\"status\":\"failure\"",
                        "\"status\":\"success\",\"status\":\"failure\"",
                        1
                    )
                ),
            ),
            0,
            Says::Nothing,
            Some(1),
        ),
        case(
            "a number out of range",
            file(
                "range.json",
                format!("[{}]", text(&event(0)).replacen("120", "1e999999", 1)),
            ),
            2,
            Says::At("number out of range"),
            Some(0),
        ),
        // CSV.
        case(
            "CSV with a ragged row",
            file(
                "ragged.csv",
                la_csv(&[la_row(1), "t1,only,four,fields".to_owned(), la_row(2)]),
            ),
            2,
            Says::At("the row has 4 fields but the header has 11"),
            Some(3),
        ),
        case(
            "CSV with a quote left open",
            file(
                "quote.csv",
                la_csv(&[
                    la_plain_row(1),
                    la_plain_row(2).replace("Bad value", "\"Bad value"),
                    la_plain_row(3),
                    la_plain_row(4),
                ]),
            ),
            2,
            Says::At("quote left open"),
            Some(2),
        ),
        case(
            "CSV with a header only",
            file("header.csv", la_csv(&[])),
            0,
            Says::Nothing,
            Some(0),
        ),
        case(
            "CSV without a change-id column",
            file("nochange.csv", "Date,Status,Who\n2026-11-24,Failure,me\n"),
            2,
            Says::At("no change-id column"),
            Some(0),
        ),
        case(
            "CSV set with duplicate change ids",
            Src::Set {
                events: csv_text(
                    SET_EVENTS,
                    &[set_event("a1"), set_event("a1"), set_event("b2")],
                ),
                steps: csv_text(SET_STEPS, &[set_step("a1", 1), set_step("b2", 1)]),
                properties: csv_text(SET_PROPS, &[]),
            },
            0,
            Says::At("have a change id that an earlier row already has"),
            Some(3),
        ),
        case(
            "CSV set whose steps name unknown change ids",
            Src::Set {
                events: csv_text(SET_EVENTS, &[set_event("a1"), set_event("b2")]),
                steps: csv_text(
                    SET_STEPS,
                    &[set_step("a1", 1), set_step("zz", 1), set_step("zz", 2)],
                ),
                properties: csv_text(SET_PROPS, &["yy,displayName,,x".to_owned()]),
            },
            0,
            Says::At("2 ProvisioningSteps rows name a change id that no event"),
            Some(2),
        ),
        case(
            "CSV set whose steps file has no change-id column",
            Src::Set {
                events: csv_text(SET_EVENTS, &[set_event("a1")]),
                steps: csv_text(
                    "Step,Name,Type,Status,Description",
                    &["1,x,Export,Failure,y".to_owned()],
                ),
                properties: csv_text(SET_PROPS, &[]),
            },
            0,
            Says::At("no change-id column found; the headers are: Step, Name"),
            Some(1),
        ),
        // Paths.
        case(
            "a folder with no export in it",
            Src::Dir(vec![("notes.md", b"# notes".to_vec())]),
            2,
            Says::File("holds no export files"),
            Some(0),
        ),
        case(
            "a folder holding a broken export",
            Src::Dir(vec![
                ("a.json", b"[{\"changeId\":".to_vec()),
                ("b.json", a3.clone().into_bytes()),
            ]),
            2,
            Says::At("truncated"),
            Some(3),
        ),
        case(
            "a path that does not exist",
            Src::Missing,
            2,
            Says::File("no such file or folder"),
            Some(0),
        ),
        case(
            "the same file named twice",
            Src::Twice(a3.clone().into_bytes()),
            0,
            Says::File("named more than once; read once"),
            Some(3),
        ),
        case(
            "a file name that is not UTF-8",
            Src::OddName(a3.clone().into_bytes()),
            0,
            Says::Nothing,
            Some(3),
        ),
        case(
            "a broken file whose name is not UTF-8",
            Src::OddName(b"[{\"changeId\":".to_vec()),
            2,
            Says::At("truncated"),
            Some(0),
        ),
    ];
    // Wrong types in every field a reader uses: the event is kept with the field empty, and
    // the line and the event's change id are named.
    let obj = || json!({"nested": ["not", "a", "scalar"]});
    let wrong: Vec<(Vec<&str>, Value)> = vec![
        (vec!["id"], obj()),
        (vec!["activityDateTime"], obj()),
        (vec!["activityDateTime"], json!("the day before yesterday")),
        (vec!["tenantId"], obj()),
        (vec!["jobId"], obj()),
        (vec!["cycleId"], obj()),
        (vec!["provisioningAction"], obj()),
        (vec!["durationInMilliseconds"], obj()),
        (vec!["durationInMilliseconds"], json!("slow")),
        (vec!["provisioningStatusInfo"], json!(42)),
        (vec!["provisioningStatusInfo", "status"], obj()),
        (
            vec!["provisioningStatusInfo", "errorInformation"],
            json!(true),
        ),
        (
            vec!["provisioningStatusInfo", "errorInformation", "errorCode"],
            obj(),
        ),
        (
            vec!["provisioningStatusInfo", "errorInformation", "reason"],
            json!(["a", "list"]),
        ),
        (
            vec![
                "provisioningStatusInfo",
                "errorInformation",
                "additionalDetails",
            ],
            obj(),
        ),
        (vec!["servicePrincipal"], json!(7)),
        (vec!["servicePrincipal", "displayName"], obj()),
        (vec!["sourceSystem"], json!(false)),
        (vec!["targetSystem", "id"], obj()),
        (vec!["sourceIdentity", "identityType"], obj()),
        (vec!["targetIdentity"], json!(3.5)),
        (vec!["initiatedBy"], json!(1)),
        (vec!["provisioningSteps"], json!(12)),
        (vec!["provisioningSteps"], json!("not json at all")),
        (vec!["modifiedProperties"], json!({"not": "an array"})),
    ];
    for (path, value) in wrong {
        let name = format!("wrong type: {} = {value}", path.join("."));
        let bytes = event_with(&path, value);
        v.push(case(
            &name,
            file("typed.json", bytes.clone()),
            0,
            Says::At("of the wrong type or form"),
            Some(1),
        ));
        // With --strict an event kept with an unreadable field is an error (exit 2).
        if path.len() == 1 {
            v.push(Case {
                name: format!("{name} --strict"),
                src: file("typed.json", bytes),
                args: &["--strict"],
                exit: 2,
                says: Says::At("of the wrong type or form"),
                records: Some(1),
            });
        }
    }
    v
}

// ---------------------------------------------------------------------------------------
// Running a row

/// Writes the row's files under `dir`; returns the arguments naming them.
fn materialise(src: &Src, dir: &Path) -> Vec<OsString> {
    let write = |name: &str, bytes: &[u8]| -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, bytes).expect("write");
        p
    };
    match src {
        Src::File(name, bytes) => vec![write(name, bytes).into()],
        Src::Twice(bytes) => {
            let p = write("twice.json", bytes);
            vec![p.clone().into(), p.into()]
        }
        Src::Dir(files) => {
            let sub = dir.join("exports");
            std::fs::create_dir(&sub).expect("mkdir");
            for (name, bytes) in files {
                std::fs::write(sub.join(name), bytes).expect("write");
            }
            vec![sub.into()]
        }
        Src::Missing => vec![dir.join("not-there.json").into()],
        Src::OddName(bytes) => {
            let p = dir.join(odd_name());
            std::fs::write(&p, bytes).expect("write an odd name");
            vec![p.into()]
        }
        Src::Set {
            events,
            steps,
            properties,
        } => {
            let p = write("ProvisioningLogs_t.csv", events.as_bytes());
            write("ProvisioningLogs_ProvisioningSteps_t.csv", steps.as_bytes());
            write(
                "ProvisioningLogs_ModifiedProperties_t.csv",
                properties.as_bytes(),
            );
            vec![p.into()]
        }
    }
}

/// A file name that is not Unicode: bytes that are not UTF-8 on Unix, an unpaired
/// surrogate on Windows (whose names are UTF-16).
fn odd_name() -> OsString {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        OsString::from_vec(b"export-\xFF\xFE.json".to_vec())
    }
    #[cfg(windows)]
    {
        use std::os::windows::ffi::OsStringExt;
        let mut wide: Vec<u16> = "export-".encode_utf16().collect();
        wide.push(0xD800);
        wide.extend(".json".encode_utf16());
        OsString::from_wide(&wide)
    }
}

/// `line N` or `line N, column M`.
fn is_position(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("line ") else {
        return false;
    };
    let (line, column) = match rest.split_once(", column ") {
        Some((l, c)) => (l, Some(c)),
        None => (rest, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    digits(line) && column.is_none_or(digits)
}

/// Failures of one row, as text (empty when the row passes).
fn check(c: &Case, good: &str) -> Vec<String> {
    let dir = tempfile::tempdir().expect("temp dir");
    let dir_text = dir.path().display().to_string();
    let mut args: Vec<OsString> = vec!["analyze".into()];
    args.extend(materialise(&c.src, dir.path()));
    args.push(good.into());
    for a in ["--status", "all", "--format", "json"].iter().chain(c.args) {
        args.push(a.into());
    }
    let out = bin()
        .args(&args)
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mut fails = Vec::new();
    let mut fail = |m: String| fails.push(m);
    if out.status.code() != Some(c.exit) {
        fail(format!("exit {:?}, want {}", out.status.code(), c.exit));
    }
    for line in stderr.lines() {
        if !line.starts_with("provlog: ") {
            fail(format!("a stderr line without the prefix: {line:.200}"));
        }
        if line.chars().count() > 1000 {
            fail(format!(
                "a stderr line of {} characters",
                line.chars().count()
            ));
        }
        if line.chars().any(|ch| ch.is_control()) {
            fail(format!("a control character on stderr: {line:?}"));
        }
        if line.contains("panicked")
            || line.contains("RUST_BACKTRACE")
            || line.contains("internal error")
        {
            fail(format!("a panic: {line}"));
        }
    }
    // Lines about this row's files: `provlog: <file>: [<position>: ]<message>`.
    let ours: Vec<(&str, Option<&str>, &str)> = stderr
        .lines()
        .filter_map(|l| l.strip_prefix("provlog: "))
        .filter(|l| l.starts_with(&dir_text))
        .filter_map(|l| {
            let (file, after) = l.split_once(": ")?;
            Some(match after.split_once(": ") {
                Some((pos, msg)) if is_position(pos) => (file, Some(pos), msg),
                _ => (file, None, after),
            })
        })
        .collect();
    match c.says {
        Says::At(want) => {
            if !ours
                .iter()
                .any(|(_, pos, msg)| pos.is_some() && msg.contains(want))
            {
                fail(format!("no line with a position saying {want:?}"));
            }
        }
        Says::File(want) => {
            if !ours.iter().any(|(_, _, msg)| msg.contains(want)) {
                fail(format!("no line naming the file saying {want:?}"));
            }
        }
        Says::Nothing => {
            if !ours.is_empty() {
                fail("lines about a good input".to_owned());
            }
        }
    }
    let doc: Value = match serde_json::from_slice(&out.stdout) {
        Ok(d) => d,
        Err(e) => {
            fail(format!("stdout is not JSON: {e}"));
            return with_stderr(fails, &stderr);
        }
    };
    let s = &doc["summary"];
    let n = |k: &str| s[k].as_u64().unwrap_or(u64::MAX);
    if n("records_read") != n("events_kept").wrapping_add(n("records_rejected")) {
        fail(format!(
            "records_read != events_kept + records_rejected: {s}"
        ));
    }
    if let Some(want) = c.records
        && n("records_read") != want + 300
    {
        fail(format!(
            "records_read {} but the inputs hold {} (+300 good): kept {}, rejected {}",
            n("records_read"),
            want,
            n("events_kept"),
            n("records_rejected")
        ));
    }
    let good_input = s["inputs"]
        .as_array()
        .and_then(|inputs| inputs.iter().find(|i| i["file"] == good));
    match good_input {
        Some(i) if i["events"] == 300 && i["error"].is_null() => {}
        other => fail(format!("the good file was not analysed: {other:?}")),
    }
    let events = doc["events"].as_array().map_or(0, Vec::len) as u64;
    if events != n("events_kept") || events < 300 {
        fail(format!("{events} events listed, {} kept", n("events_kept")));
    }
    with_stderr(fails, &stderr)
}

fn with_stderr(mut fails: Vec<String>, stderr: &str) -> Vec<String> {
    if !fails.is_empty() {
        let short: String = stderr.chars().take(2000).collect();
        fails.push(format!("stderr:\n{short}"));
    }
    fails
}

#[test]
fn bad_input_matrix() {
    let cases = cases();
    assert!(cases.len() >= 40, "{} rows", cases.len());
    let good = fixture("portal-export.json");
    // Rows run on a few threads: each starts the binary, and the machine is shared.
    let failures = std::sync::Mutex::new(Vec::new());
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..3 {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some(c) = cases.get(i) else { break };
                    let fails = check(c, &good);
                    if !fails.is_empty() {
                        failures.lock().expect("lock").push(format!(
                            "[{}] {}:\n  {}",
                            i,
                            c.name,
                            fails.join("\n  ")
                        ));
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().expect("lock");
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// Records in a fixture, counted without provlog: JSON array elements, Graph page values,
/// NDJSON lines, CSV rows.
fn independent_count(rel: &str) -> u64 {
    let bytes = read_fixture(rel);
    let text = String::from_utf8(bytes).expect("utf-8");
    let text = text.trim_start_matches('\u{feff}');
    if rel.ends_with(".ndjson") {
        return text.lines().filter(|l| !l.trim().is_empty()).count() as u64;
    }
    if rel.ends_with(".csv") {
        let mut rdr = csv::ReaderBuilder::new().from_reader(text.as_bytes());
        return rdr.records().count() as u64;
    }
    match serde_json::from_str::<Value>(text).expect("fixture JSON") {
        Value::Array(items) => items.len() as u64,
        Value::Object(page) => page["value"].as_array().map_or(1, Vec::len) as u64,
        other => panic!("unexpected fixture {other}"),
    }
}

/// Every fixture: each record is counted, as kept or as rejected, and --strict finds
/// nothing to object to.
#[test]
fn every_fixture_counts_every_record() {
    for rel in [
        "portal-export.json",
        "portal-export-beta.json",
        "diagnostic.ndjson",
        "graph/graph-page-1.json",
        "graph/graph-page-2.json",
        "log-analytics.csv",
        "portal-csv/ProvisioningLogs_2026-11-25.csv",
    ] {
        let want = independent_count(rel);
        assert!(want > 0, "{rel}");
        let r = run(&[
            "analyze",
            &fixture(rel),
            "--status",
            "all",
            "--format",
            "json",
            "--strict",
        ]);
        assert_eq!(r.code, 0, "{rel}: {}", r.stderr);
        let s = &r.json()["summary"];
        assert_eq!(s["records_read"], want, "{rel}: {s}");
        assert_eq!(s["events_kept"], want, "{rel}");
        assert_eq!(s["records_rejected"], 0, "{rel}");
        assert_eq!(
            r.json()["events"].as_array().map(Vec::len),
            Some(want as usize)
        );
    }
}
