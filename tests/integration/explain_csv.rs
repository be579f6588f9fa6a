//! `explain --csv`: console exports (IIJ ID Service job list, CloudGate UNO operation
//! logs) in every encoding, classified row by row.
//! See: provlog issue 11.

use serde_json::Value;

use crate::util::*;

const ENCODINGS: &[&str] = &["utf8-bom", "utf16le", "sjis"];
const TABLES: &[&str] = &[
    "iij-job-list",
    "cloudgate-provisioning-history",
    "cloudgate-bulk-history",
];
const ADDED: &[&str] = &["system", "category", "diagnosis_id", "title", "first_step"];

fn path(table: &str, enc: &str) -> String {
    fixture(&format!("console/{table}.{enc}.csv"))
}

/// The fixture's text, decoded here without provlog's detection.
fn decoded_fixture(table: &str, enc: &str) -> String {
    let bytes = read_fixture(&format!("console/{table}.{enc}.csv"));
    match enc {
        "utf8-bom" => {
            let body = bytes.strip_prefix(b"\xEF\xBB\xBF").expect("has a BOM");
            String::from_utf8(body.to_vec()).expect("UTF-8")
        }
        "utf16le" => {
            let body = bytes.strip_prefix(b"\xFF\xFE").expect("has a BOM");
            let units: Vec<u16> = body
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16(&units).expect("UTF-16")
        }
        _ => {
            let (text, bad) = encoding_rs::SHIFT_JIS.decode_without_bom_handling(&bytes);
            assert!(!bad, "Shift_JIS");
            text.into_owned()
        }
    }
}

fn parse_csv(text: &str, delimiter: u8) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(delimiter)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.expect("CSV").iter().map(str::to_owned).collect())
        .collect()
}

fn input_rows(table: &str, enc: &str) -> Vec<Vec<String>> {
    let delimiter = if enc == "utf16le" { b'\t' } else { b',' };
    parse_csv(&decoded_fixture(table, enc), delimiter)
}

fn output_rows(r: &Run) -> Vec<Vec<String>> {
    parse_csv(r.stdout.trim_start_matches('\u{feff}'), b',')
}

/// Output rows as (header → cell) maps, for reading the added columns by name.
fn by_header(rows: &[Vec<String>]) -> Vec<std::collections::HashMap<String, String>> {
    let head = &rows[0];
    rows[1..]
        .iter()
        .map(|r| head.iter().cloned().zip(r.iter().cloned()).collect())
        .collect()
}

#[test]
fn each_encoding_decodes_to_the_same_rows() {
    for table in TABLES {
        let mut seen: Option<(Vec<Value>, Vec<Value>)> = None;
        for enc in ENCODINGS {
            // The fixtures really differ in bytes, so equal output proves the decoding.
            let r = run(&["explain", "--csv", &path(table, enc), "--format", "ndjson"]).ok();
            let rows = r.ndjson();
            assert!(rows.len() >= 6, "{table}.{enc}: {} rows", rows.len());
            let columns: Vec<Value> = rows.iter().map(|v| v["columns"].clone()).collect();
            let ids: Vec<Value> = rows.iter().map(|v| v["diagnosis"]["id"].clone()).collect();
            // Japanese survived: a header and a cell in Japanese are found in every encoding.
            assert!(
                columns.iter().any(|c| c
                    .as_object()
                    .is_some_and(|o| o.keys().any(|k| !k.is_ascii()))),
                "{table}.{enc}: no Japanese header"
            );
            match &seen {
                None => seen = Some((columns, ids)),
                Some((c0, i0)) => {
                    assert_eq!(&columns, c0, "{table}.{enc}: cells differ from utf8-bom");
                    assert_eq!(&ids, i0, "{table}.{enc}: diagnoses differ from utf8-bom");
                }
            }
        }
    }
}

#[test]
fn every_row_keeps_its_original_columns_unchanged() {
    for table in TABLES {
        for enc in ENCODINGS {
            let input = input_rows(table, enc);
            let r = run(&["explain", "--csv", &path(table, enc)]).ok();
            let output = output_rows(&r);
            assert_eq!(output.len(), input.len(), "{table}.{enc}: row count");
            let width = input[0].len();
            let mut want_header = input[0].clone();
            want_header.extend(ADDED.iter().map(|s| (*s).to_owned()));
            assert_eq!(output[0], want_header, "{table}.{enc}: header");
            for (i, (o, inp)) in output.iter().zip(&input).enumerate() {
                assert_eq!(o.len(), width + ADDED.len(), "{table}.{enc} row {i}");
                assert_eq!(&o[..width], &inp[..], "{table}.{enc}: row {i} changed");
            }
        }
    }
}

#[test]
fn the_message_column_is_found_without_column() {
    for (table, want) in [
        ("iij-job-list", "メッセージ"),
        ("cloudgate-provisioning-history", "詳細"),
        ("cloudgate-bulk-history", "エラー内容"),
    ] {
        for enc in ENCODINGS {
            let r = run(&["explain", "--csv", &path(table, enc), "--format", "json"]).ok();
            let doc = r.json();
            assert_eq!(doc["summary"]["message_column"], want, "{table}.{enc}");
            // And the messages read are that column's cells.
            let input = input_rows(table, enc);
            let col = input[0].iter().position(|h| h == want).expect("header");
            for (row, inp) in doc["rows"]
                .as_array()
                .expect("rows")
                .iter()
                .zip(&input[1..])
            {
                let cell = inp[col].trim();
                if cell.is_empty() {
                    assert!(row["message"].is_null());
                    assert_eq!(row["outcome"], "no-message");
                } else {
                    assert_eq!(row["message"], cell, "{table}.{enc}");
                }
            }
        }
    }
}

#[test]
fn catalog_entries_are_of_the_right_system_for_each_row() {
    for (table, system) in [
        ("iij-job-list", "iij"),
        ("cloudgate-provisioning-history", "cloudgate"),
        ("cloudgate-bulk-history", "cloudgate"),
    ] {
        let r = run(&["explain", "--csv", &path(table, "utf8-bom")]).ok();
        let rows = by_header(&output_rows(&r));
        let mut diagnosed = 0;
        for row in &rows {
            if row["diagnosis_id"].is_empty() {
                continue;
            }
            assert_eq!(row["system"], system, "{table}: {row:?}");
            if row["diagnosis_id"] != "unclassified" {
                diagnosed += 1;
                assert!(
                    row["diagnosis_id"].starts_with(&format!("{system}.")),
                    "{table}: {row:?}"
                );
                assert!(!row["title"].is_empty() && !row["first_step"].is_empty());
            }
        }
        assert!(diagnosed >= 6, "{table}: only {diagnosed} rows diagnosed");
    }
}

#[test]
fn unmatched_rows_are_kept_as_unclassified() {
    for (table, message) in [
        (
            "iij-job-list",
            "The job was cancelled by the administrator.",
        ),
        (
            "cloudgate-provisioning-history",
            "Box へのユーザー作成に失敗しました。(item_name_in_use)",
        ),
    ] {
        let r = run(&["explain", "--csv", &path(table, "sjis")]).ok();
        let rows = by_header(&output_rows(&r));
        let hits: Vec<_> = rows
            .iter()
            .filter(|row| row.values().any(|v| v == message))
            .collect();
        assert_eq!(hits.len(), 1, "{table}: the row is kept once");
        assert_eq!(hits[0]["diagnosis_id"], "unclassified");
        assert_eq!(hits[0]["category"], "unclassified");
        assert_eq!(hits[0]["title"], "Not in the catalog");
    }
    // A succeeded row whose message matches nothing is not an unclassified failure.
    let r = run(&[
        "explain",
        "--csv",
        &path("cloudgate-provisioning-history", "utf8-bom"),
        "--format",
        "ndjson",
    ])
    .ok();
    let test_row = r
        .ndjson()
        .into_iter()
        .find(|v| v["columns"]["操作"] == "プロビジョニングテスト")
        .expect("the provisioning-test row");
    assert_eq!(test_row["outcome"], "succeeded");
    assert!(test_row["diagnosis"].is_null());
}

#[test]
fn a_csv_without_a_message_column_is_an_error_listing_the_headers() {
    let (_dir, p) = temp_file(
        "users.csv",
        "ユーザーID,氏名,部署\r\nyamada.taro,山田 太郎,営業部\r\n".as_bytes(),
    );
    let r = run(&["explain", "--csv", &p]).code(2);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(
        r.stderr.starts_with(&format!("provlog: {p}: ")),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(r#""ユーザーID", "氏名", "部署""#),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("--column"), "{}", r.stderr);

    // Naming it makes the same file readable; a wrong name lists the headers too.
    let r = run(&[
        "explain", "--csv", &p, "--column", "部署", "--format", "ndjson",
    ])
    .ok();
    assert_eq!(r.ndjson()[0]["message"], "営業部");
    let r = run(&["explain", "--csv", &p, "--column", "Message"]).code(2);
    assert!(r.stderr.contains("\"氏名\""), "{}", r.stderr);
}

#[test]
fn cloudgate_facts_status_phrase_target_and_aadsts() {
    let r = run(&[
        "explain",
        "--csv",
        &path("cloudgate-provisioning-history", "sjis"),
        "--format",
        "ndjson",
    ])
    .ok();
    let rows = r.ndjson();
    for row in rows.iter().filter(|v| v["outcome"] == "diagnosed") {
        let message = row["message"].as_str().expect("message");
        // The status and phrase are the ones printed in the message: "Forbidden (403)".
        let phrase = row["facts"]["reason_phrase"].as_str().expect("phrase");
        let status = row["facts"]["http_status"].as_u64().expect("status");
        assert!(
            message.starts_with(&format!("{phrase} ({status})")),
            "{message} / {phrase} {status}"
        );
        assert_eq!(
            row["facts"]["target"], row["columns"]["サービス"],
            "{message}"
        );
    }
    let aadsts = rows
        .iter()
        .find(|v| v["message"].as_str().is_some_and(|m| m.contains("AADSTS")))
        .expect("AADSTS row");
    assert_eq!(aadsts["facts"]["aadsts"], "AADSTS7000222");
    assert_eq!(aadsts["diagnosis"]["category"], "auth");

    // Without a service column the target comes from the message and the entry.
    let (_dir, p) = temp_file(
        "oplog.csv",
        "日時,詳細\n2026/11/24 10:00:00,Forbidden (403) Insufficient privileges to complete the operation\n2026/11/24 10:01:00,notFound (404) Domain not found\n"
            .as_bytes(),
    );
    let r = run(&["explain", "--csv", &p, "--format", "ndjson"]).ok();
    let rows = r.ndjson();
    assert_eq!(rows[0]["facts"]["target"], "Office 365");
    assert_eq!(rows[1]["facts"]["target"], "Google Workspace");
}

#[test]
fn iij_azure_ad_errors_are_split_into_facts() {
    let r = run(&[
        "explain",
        "--csv",
        &path("iij-job-list", "utf16le"),
        "--format",
        "ndjson",
    ])
    .ok();
    let rows = r.ndjson();
    let wrapped: Vec<&Value> = rows
        .iter()
        .filter(|v| {
            v["message"]
                .as_str()
                .is_some_and(|m| m.contains("[Error details: code:"))
        })
        .collect();
    assert_eq!(wrapped.len(), 3);
    for row in wrapped {
        let m = row["message"].as_str().expect("message");
        // What the message itself says, cut out by hand.
        let code = m
            .split("code: ")
            .nth(1)
            .and_then(|s| s.split(',').next())
            .expect("code");
        let request = m
            .split("requestId: ")
            .nth(1)
            .and_then(|s| s.strip_suffix(']'))
            .expect("request id");
        assert_eq!(row["facts"]["target_error_code"], code, "{m}");
        assert_eq!(row["facts"]["request_id"], request, "{m}");
        let target_message = row["facts"]["target_message"].as_str().expect("message");
        assert!(
            m.contains(&format!("message: {target_message}, requestId")),
            "{m}"
        );
        assert_eq!(row["diagnosis"]["system"], "iij");
        // The task given to the matcher is the row's job type.
        assert_eq!(row["task"], row["columns"]["種別"]);
    }
}

#[test]
fn job_type_and_operation_tell_apart_entries_sharing_a_message() {
    // Three entries match the same text and differ only by their tasks: the right one
    // needs the type (validate.group) and the operation (csv_validation vs
    // integrity_check), so both columns must reach the matcher.
    let entry = |id: &str, tasks: &str| {
        format!(
            "[[entry]]\nid = \"{id}\"\nsystem = \"iij\"\ncategory = \"invalid-data\"\nretry = \"manual\"\npatterns = ['Widget sync refused\\.']\ntasks = [{tasks}]\n[entry.en]\ntitle = \"{id}\"\nexplanation = \"x\"\nsteps = [\"x\"]\n[entry.ja]\ntitle = \"{id}\"\nexplanation = \"x\"\nsteps = [\"x\"]\n"
        )
    };
    let toml = [
        entry(
            "iij.test-integrity",
            "\"validate.user\", \"integrity_check\"",
        ),
        entry(
            "iij.test-linked-user",
            "\"validate.user\", \"csv_validation\"",
        ),
        entry("iij.test-group", "\"validate.group\""),
    ]
    .join("\n");
    let (_d1, cat) = temp_file("extra.toml", toml.as_bytes());
    let (_d2, csv) = temp_file(
        "jobs.csv",
        b"Type,Operation,Message\nvalidate.user,csv_validation,Widget sync refused.\nvalidate.user,integrity_check,Widget sync refused.\nvalidate.group,csv_validation,Widget sync refused.\n",
    );
    let r = run(&[
        "--catalog",
        &cat,
        "explain",
        "--csv",
        &csv,
        "--format",
        "ndjson",
    ])
    .ok();
    let ids: Vec<Value> = r
        .ndjson()
        .iter()
        .map(|v| v["diagnosis"]["id"].clone())
        .collect();
    assert_eq!(
        ids,
        vec![
            "iij.test-linked-user",
            "iij.test-integrity",
            "iij.test-group"
        ]
    );
}

#[test]
fn bom_follows_the_input_and_the_flags() {
    let has_bom = |r: &Run| r.stdout.starts_with('\u{feff}');
    let sjis = path("iij-job-list", "sjis");
    let utf16 = path("iij-job-list", "utf16le");
    // Excel needs the BOM to show Japanese from UTF-8; inputs that came from Excel get one.
    assert!(has_bom(&run(&["explain", "--csv", &sjis]).ok()));
    assert!(has_bom(&run(&["explain", "--csv", &utf16]).ok()));
    assert!(!has_bom(
        &run(&["explain", "--csv", &sjis, "--no-bom"]).ok()
    ));
    let plain = decoded_fixture("cloudgate-bulk-history", "utf8-bom");
    let (_d, p) = temp_file("plain.csv", plain.as_bytes());
    assert!(!has_bom(&run(&["explain", "--csv", &p]).ok()));
    assert!(has_bom(&run(&["explain", "--csv", &p, "--bom"]).ok()));
    let ja = run(&["explain", "--lang", "ja", "--csv", &p]).ok();
    assert!(has_bom(&ja));
    // And --lang ja gives the catalog's Japanese texts.
    let rows = by_header(&output_rows(&ja));
    let entry = run(&[
        "catalog",
        "show",
        &rows[0]["diagnosis_id"],
        "--format",
        "json",
    ])
    .ok()
    .json();
    assert_eq!(rows[0]["title"], entry["ja"]["title"].as_str().expect("ja"));
    // NDJSON never has one.
    assert!(!has_bom(
        &run(&["explain", "--csv", &sjis, "--bom", "--format", "ndjson"]).ok()
    ));
}

#[test]
fn forced_encodings_and_stdin() {
    let sjis = path("cloudgate-bulk-history", "sjis");
    let want = run(&["explain", "--csv", &sjis, "--format", "ndjson"])
        .ok()
        .stdout;
    let forced = run(&[
        "explain",
        "--csv",
        &sjis,
        "--encoding",
        "cp932",
        "--format",
        "ndjson",
    ])
    .ok();
    assert_eq!(forced.stdout, want);
    let r = run_with(
        &["explain", "--csv", "-", "--format", "ndjson"],
        Some(&read_fixture("console/cloudgate-bulk-history.sjis.csv")),
    )
    .ok();
    assert_eq!(r.stdout, want);
    // Read as UTF-8, Shift_JIS bytes are replaced, with a warning; nothing is dropped.
    let (mut bytes, _, _) = encoding_rs::SHIFT_JIS.encode(
        "Type,Operation,Message\r\nvalidate.user,csv_validation,User does not exist.\r\nexport.msonline_user,create,ジョブが中断されました\r\n",
    );
    let bytes = bytes.to_mut().clone();
    let (_d, p) = temp_file("jobs-sjis.csv", &bytes);
    let auto = run(&["explain", "--csv", &p, "--format", "ndjson"]).ok();
    assert_eq!(auto.ndjson()[1]["message"], "ジョブが中断されました");
    let wrong = run(&[
        "explain",
        "--csv",
        &p,
        "--encoding",
        "utf-8",
        "--format",
        "ndjson",
    ])
    .ok();
    assert!(wrong.stderr.contains("U+FFFD"), "{}", wrong.stderr);
    let rows = wrong.ndjson();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["diagnosis"]["id"], "iij.csv-user-not-found");
    assert!(
        rows[1]["message"]
            .as_str()
            .is_some_and(|m| m.contains('\u{fffd}'))
    );
}

#[test]
fn table_json_and_markdown_group_rows_by_diagnosis() {
    let p = path("cloudgate-provisioning-history", "utf8-bom");
    let doc = run(&["explain", "--csv", &p, "--format", "json"])
        .ok()
        .json();
    let groups = doc["groups"].as_array().expect("groups");
    let rows = doc["rows"].as_array().expect("rows");
    // Every row with a diagnosis is in exactly one group, under its own id.
    let mut grouped = 0;
    for g in groups {
        for n in g["rows"].as_array().expect("row numbers") {
            let row = rows.iter().find(|r| r["row"] == *n).expect("row exists");
            assert_eq!(row["diagnosis"]["id"], g["id"]);
            grouped += 1;
        }
        assert_eq!(
            g["count"].as_u64(),
            Some(g["rows"].as_array().map_or(0, |r| r.len()) as u64)
        );
    }
    let with_diagnosis = rows.iter().filter(|r| !r["diagnosis"].is_null()).count();
    assert_eq!(grouped, with_diagnosis);
    let s = &doc["summary"];
    assert_eq!(s["rows"].as_u64(), Some(rows.len() as u64), "{s}");
    assert_eq!(
        s["diagnosed"].as_u64().unwrap_or(0) + s["unclassified"].as_u64().unwrap_or(0),
        with_diagnosis as u64
    );
    // Largest group first: the two Google "account ID in use" rows.
    assert_eq!(groups[0]["id"], "cloudgate.google-account-id-in-use");
    assert_eq!(groups[0]["count"], 2);

    let table = run(&["explain", "--csv", &p, "--format", "table"])
        .ok()
        .stdout;
    assert!(table.contains("Rows by diagnosis"), "{table}");
    assert!(
        table
            .lines()
            .any(|l| l.contains("┆ 2 ") && l.contains("cloudgate.google-account-id-in-use")),
        "{table}"
    );
    assert!(table.contains("What to do:"), "{table}");
    let md = run(&["explain", "--csv", &p, "--format", "markdown"])
        .ok()
        .stdout;
    assert!(
        md.contains("| 1 | 2 | conflict | `cloudgate.google-account-id-in-use` |"),
        "{md}"
    );
    let ja = run(&["explain", "--lang", "ja", "--csv", &p, "--format", "table"])
        .ok()
        .stdout;
    assert!(ja.contains("診断別の行"), "{ja}");
}
