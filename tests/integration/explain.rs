//! `explain` and `catalog` from the command line.

use crate::util::*;

#[test]
fn explain_a_code_a_message_and_a_catalog_id() {
    let r = run(&[
        "explain",
        "--format",
        "json",
        "SystemForCrossDomainIdentityManagementServiceIncompatibleFiltering",
    ])
    .ok();
    let v = &r.ndjson()[0];
    assert_eq!(v["diagnosis"]["system"], "entra");
    assert_eq!(v["diagnosis"]["matched_by"], "code");
    let id = v["diagnosis"]["id"].as_str().expect("id").to_owned();

    let by_id = run(&["explain", "--format", "json", &id]).ok();
    assert_eq!(by_id.ndjson()[0]["diagnosis"]["id"], id.as_str());

    let r = run(&[
        "explain",
        "--format",
        "json",
        "Forbidden (403) Insufficient privileges to complete the operation.",
    ])
    .ok();
    let v = &r.ndjson()[0];
    assert_eq!(
        v["input"],
        "Forbidden (403) Insufficient privileges to complete the operation."
    );
    // CloudGate UNO's shape ("Forbidden (403) …") is the more specific match; Entra's
    // entry for the Graph message inside is listed too.
    assert_eq!(v["diagnosis"]["system"], "cloudgate");
    assert!(
        v["also"]
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x["system"] == "entra")),
        "{v}"
    );
    assert_eq!(v["facts"]["http_status"], 403);
}

#[test]
fn explain_reads_one_message_per_line_from_stdin() {
    let input = "Maximum size of family_name has been exceeded.\nTimeout\n\nsomething nobody has ever logged\n";
    let r = run_with(&["explain", "--format", "json"], Some(input.as_bytes()));
    // One input matched nothing: exit 1, like grep finding no line, and every line answered.
    assert_eq!(r.code, 1, "{}", r.stderr);
    let rows = r.ndjson();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["diagnosis"]["system"], "iij");
    assert_eq!(rows[0]["diagnosis"]["category"], "invalid-data");
    assert_eq!(rows[1]["diagnosis"]["system"], "entra");
    assert!(rows[2]["diagnosis"].is_null());
}

#[test]
fn explain_says_plainly_when_nothing_matches() {
    let r = run(&["explain", "qwertyuiop asdfghjkl"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout.contains("No catalog entry matches"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("provlog catalog list"));
    let ja = run(&["explain", "--lang", "ja", "qwertyuiop asdfghjkl"]);
    assert_eq!(ja.code, 1);
    assert!(
        ja.stdout.contains("一致するカタログ エントリはありません"),
        "{}",
        ja.stdout
    );
}

#[test]
fn explain_keeps_working_inside_japanese_ui_text() {
    let pasted = "エラー: Failed to create users in Azure AD [Error details: code: Request_BadRequest, message: Another object with the same value for property onPremisesImmutableId already exists., requestId: 0b9e2a55-2f35-4d1a-9a64-8c7e3b1d2f40] が発生しました";
    let r = run(&["explain", "--format", "json", pasted]).ok();
    let v = &r.ndjson()[0];
    assert_eq!(v["diagnosis"]["system"], "iij");
    assert_eq!(v["facts"]["target_error_code"], "Request_BadRequest");
    assert_eq!(
        v["facts"]["request_id"],
        "0b9e2a55-2f35-4d1a-9a64-8c7e3b1d2f40"
    );
}

#[test]
fn catalog_list_show_and_export() {
    let list = run(&["catalog", "list", "--format", "json"]).ok().json();
    let entries = list.as_array().expect("entries");
    assert!(entries.len() > 150, "{} entries", entries.len());
    let ids: Vec<&str> = entries.iter().filter_map(|e| e["id"].as_str()).collect();

    let iij = run(&["catalog", "list", "--system", "iij", "--format", "json"])
        .ok()
        .json();
    assert!(
        iij.as_array()
            .expect("list")
            .iter()
            .all(|e| e["system"] == "iij")
    );

    let table = run(&["catalog", "list"]).ok();
    assert!(table.stdout.contains("Catalog version"));

    let show = run(&["catalog", "show", ids[0]]).ok();
    assert!(show.stdout.contains(ids[0]));
    run(&["catalog", "show", "entra.no-such-entry"]).code(2);

    let kql = run(&["catalog", "export", "--format", "kql"]).ok().stdout;
    assert!(kql.contains("AADProvisioningLogs"));
    assert!(kql.contains("ResultSignature") && kql.contains("ResultDescription"));
    for id in &ids {
        assert!(kql.contains(&format!("@\"{id}\"")), "{id} missing from KQL");
    }
    let csv = run(&["catalog", "export", "--format", "csv"]).ok().stdout;
    let mut rdr = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(rdr.records().count(), ids.len());
}

#[test]
fn a_user_catalog_overrides_and_bad_ones_are_named() {
    let good = r#"
[[entry]]
id = "entra.contoso-expenses-rule"
system = "entra"
category = "invalid-data"
retry = "manual"
codes = ["ContosoExpensesRuleViolation"]
examples = ["ContosoExpensesRuleViolation"]
[entry.en]
title = "Contoso Expenses rejected the user"
explanation = "Our expenses app enforces its own rules."
steps = ["Ask the Expenses team."]
[entry.ja]
title = "Contoso Expenses がユーザーを拒否しました"
explanation = "経費アプリ独自のルールです。"
steps = ["経費チームに確認してください。"]
"#;
    let (dir, path) = temp_file("mine.toml", good.as_bytes());
    let rows = run(&[
        "--catalog",
        &path,
        "analyze",
        &fixture("portal-export.json"),
        "--format",
        "ndjson",
        "--code",
        "ContosoExpensesRuleViolation",
    ])
    .ok()
    .ndjson();
    assert!(!rows.is_empty());
    assert!(
        rows.iter()
            .all(|r| r["diagnosis"]["id"] == "entra.contoso-expenses-rule")
    );

    let (dir2, bad) = temp_file(
        "bad.toml",
        good.replace("retry = \"manual\"", "retry = \"sometimes\"")
            .as_bytes(),
    );
    let r = run(&["--catalog", &bad, "explain", "Timeout"]).code(2);
    assert_eq!(r.stderr.lines().count(), 1);
    assert!(
        r.stderr.contains("bad.toml")
            && r.stderr.contains("entra.contoso-expenses-rule")
            && r.stderr.contains("retry"),
        "{}",
        r.stderr
    );
    drop((dir, dir2));
}

#[test]
fn help_and_version() {
    let v = run(&["--version"]).ok();
    assert!(v.stdout.starts_with("provlog "));
    let h = run(&["analyze", "--help"]).ok();
    assert!(h.stdout.contains("--group-by"));
    let bad = run(&["analyze", "--no-such-flag"]).code(2);
    assert!(bad.stderr.contains("--no-such-flag"));
}
