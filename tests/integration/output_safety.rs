//! Log text is untrusted: escape sequences, bidi overrides and line breaks from an export
//! never reach a terminal raw, never break a Markdown table, and never run as a formula in
//! a spreadsheet. A user catalog with a pathological pattern is refused, not run.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::util::*;

/// Clears the screen, turns text red, and hides a link: what an attacker would type.
const ESC: &str = "\u{1b}[2J\u{1b}[31mred\u{1b}]8;;https://evil.example/\u{7}link\u{1b}]8;;\u{7}";
/// Right-to-left override: makes `exe.txt` look like `txt.exe`.
const BIDI: &str = "\u{202e}txt.exe\u{202c}";

fn hostile_export() -> Vec<u8> {
    let name = format!("=HYPERLINK(\"x\")|{ESC}|`tick`\r\nsecond line {BIDI}");
    // The first event names its user by UPN, the second by display name only.
    let event = |i: u32, code: &str| {
        let details = if i == 1 {
            json!({"UserPrincipalName": format!("+{BIDI}@contoso.com\u{1b}[0m")})
        } else {
            json!({})
        };
        json!({
            "id": format!("h{i}"),
            "activityDateTime": "2026-11-24T08:00:00Z",
            "jobId": format!("job|`{i}`\u{1b}[1m"),
            "cycleId": "c1",
            "changeId": format!("ch{i}\u{1b}[5m|`x`\nforged line"),
            "provisioningAction": "create",
            "servicePrincipal": {"id": "sp", "displayName": format!("App {ESC} | `x`\n# Heading")},
            "sourceIdentity": {"id": "u", "displayName": name, "identityType": "User",
                               "details": details},
            "targetSystem": {"id": "t", "displayName": "@SUM(A1:A2)"},
            "provisioningStatusInfo": {"status": "failure", "errorInformation": {
                "errorCode": code,
                "reason": format!("-2+3 {ESC} StatusCode: Conflict | `a`\n\n| forged | row |"),
            }},
            "provisioningSteps": [{"name": format!("Step {ESC}"), "provisioningStepType": "export",
                                   "status": "failure", "description": format!("desc {BIDI}\nnext"),
                                   "details": {}}]
        })
    };
    serde_json::to_vec(&json!([
        event(1, "\u{1b}[31mCode|With`Tick`\nNewline"),
        event(2, "=cmd|' /C calc'!A0"),
    ]))
    .expect("json")
}

/// What must never appear in terminal or Markdown output.
#[track_caller]
fn assert_neutralised(what: &str, out: &str) {
    for (bad, name) in [
        ('\u{1b}', "ESC"),
        ('\u{7}', "BEL"),
        ('\r', "CR"),
        ('\u{202e}', "RLO"),
        ('\u{202c}', "PDF"),
    ] {
        assert!(!out.contains(bad), "{what}: a raw {name} in:\n{out}");
    }
    assert!(
        out.contains("\\x1b"),
        "{what}: ESC is shown visibly as \\x1b:\n{out}"
    );
    // Views that show the identity show its override visibly.
    assert!(
        !out.contains("txt.exe") || out.contains("\\u{202e}txt.exe"),
        "{what}: the override is shown visibly:\n{out}"
    );
    assert!(
        !out.lines()
            .any(|l| l.starts_with("forged line") || l.starts_with("| forged")),
        "{what}: a line break in a value started a line of its own:\n{out}"
    );
}

/// `|` that are not escaped by a backslash.
fn cell_separators(line: &str) -> usize {
    let mut n = 0;
    let mut escaped = false;
    for c in line.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '|' if !escaped => n += 1,
            _ => escaped = false,
        }
        if c != '\\' {
            escaped = false;
        }
    }
    n
}

#[test]
fn table_output_shows_control_characters_visibly() {
    let (dir, path) = temp_file("hostile.json", &hostile_export());
    for group in [
        "diagnosis",
        "code",
        "app",
        "identity",
        "cycle",
        "step",
        "none",
    ] {
        let r = run(&["analyze", &path, "--group-by", group]).ok();
        assert_neutralised(&format!("table --group-by {group}"), &r.stdout);
        // Colour is off when not on a terminal: no escape at all, not even ours.
        assert!(!r.stdout.contains('\u{1b}'));
    }
    // With colour forced, the only escapes are provlog's own SGR codes.
    let r = run(&[
        "analyze",
        &path,
        "--color",
        "always",
        "--group-by",
        "identity",
    ])
    .ok();
    let stripped = strip_sgr(&r.stdout);
    assert!(
        !stripped.contains('\u{1b}'),
        "an escape that is not a colour: {stripped}"
    );
    assert!(stripped.contains("\\x1b"));
    drop(dir);
}

/// Removes `ESC [ digits;... m` (colour codes, which provlog writes itself with --color).
fn strip_sgr(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("\u{1b}[") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let end = after
            .find(|c: char| !(c.is_ascii_digit() || c == ';'))
            .unwrap_or(after.len());
        if after[end..].starts_with('m') {
            rest = &after[end + 1..];
        } else {
            out.push_str("\u{1b}[");
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn markdown_cells_cannot_break_the_table() {
    let (dir, path) = temp_file("hostile.json", &hostile_export());
    for group in ["diagnosis", "code", "app", "identity", "none"] {
        let r = run(&[
            "analyze",
            &path,
            "--format",
            "markdown",
            "--group-by",
            group,
        ])
        .ok();
        let what = format!("markdown --group-by {group}");
        assert_neutralised(&what, &r.stdout);
        // Every table row has as many cells as the table's separator row.
        let mut width = None;
        for line in r.stdout.lines() {
            if line.starts_with("|---") || line.starts_with("|--:") {
                width = Some(cell_separators(line));
                continue;
            }
            if line.starts_with('|') {
                let w = width.unwrap_or_else(|| cell_separators(line));
                assert_eq!(
                    cell_separators(line),
                    w,
                    "{what}: a row with extra cells: {line}"
                );
            } else {
                width = None;
            }
        }
        // No raw backtick opens a code span inside a cell: each backtick is escaped, or
        // pairs with one that provlog wrote around a key.
        for line in r.stdout.lines().filter(|l| l.starts_with('|')) {
            let raw = line.matches('`').count() - line.matches("\\`").count();
            assert!(raw % 2 == 0, "{what}: an unpaired backtick: {line}");
        }
        assert!(
            r.stdout.contains("\\|"),
            "{what}: pipes in values are escaped"
        );
    }
    drop(dir);
}

#[test]
fn csv_cells_are_guarded_and_values_kept() {
    let (dir, path) = temp_file("hostile.json", &hostile_export());
    let r = run(&["analyze", &path, "--format", "csv"]).ok();
    let mut rdr = csv::Reader::from_reader(r.stdout.as_bytes());
    let headers = rdr.headers().expect("header").clone();
    let col = |name: &str| headers.iter().position(|h| h == name).expect(name);
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 2);
    for row in &rows {
        for cell in row.iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "an unguarded formula cell: {cell:?}"
            );
        }
        // The value is kept whole (CSV is for machines), behind the guard.
        assert!(row[col("reason")].starts_with("'-2+3 \u{1b}[2J"));
        assert_eq!(&row[col("target_system")], "'@SUM(A1:A2)");
    }
    let ids: Vec<&str> = rows.iter().map(|r| &r[col("identity")]).collect();
    assert!(
        ids.iter().any(|i| i.starts_with("'=HYPERLINK(\"x\")|\u{1b}[2J")
            && i.contains("\r\nsecond line")),
        "{ids:?}"
    );
    assert!(
        ids.iter().any(|i| i.starts_with("'+\u{202e}txt.exe")),
        "{ids:?}"
    );
    let codes: Vec<&str> = rows.iter().map(|r| &r[col("error_code")]).collect();
    assert!(codes.contains(&"'=cmd|' /C calc'!A0"), "{codes:?}");
    drop(dir);
}

#[test]
fn json_keeps_values_exactly() {
    let (dir, path) = temp_file("hostile.json", &hostile_export());
    let r = run(&["analyze", &path, "--format", "ndjson"]).ok();
    let rows = r.ndjson();
    assert_eq!(rows.len(), 2);
    assert!(
        rows.iter()
            .any(|e| e["error_code"] == "\u{1b}[31mCode|With`Tick`\nNewline")
    );
    drop(dir);
}

// Windows file names cannot hold control characters.
#[cfg(unix)]
#[test]
fn stderr_shows_control_characters_from_input_visibly() {
    // A header row and a file name carrying escape sequences.
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("evil\u{1b}[2J.csv");
    std::fs::write(&path, "Name\u{1b}[31m,Other\u{202e}\nx,y\n").expect("write");
    let p = path.display().to_string();
    let r = run(&["analyze", &p]);
    assert_eq!(r.code, 2);
    assert!(!r.stderr.contains('\u{1b}'), "{:?}", r.stderr);
    assert!(!r.stderr.contains('\u{202e}'), "{:?}", r.stderr);
    assert!(r.stderr.contains("evil\\x1b[2J.csv"), "{}", r.stderr);
    assert!(r.stderr.contains("Name\\x1b[31m"), "{}", r.stderr);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
}

#[test]
fn explain_shows_control_characters_from_input_visibly() {
    let msg = format!("{ESC} Forbidden (403) Insufficient privileges {BIDI}\nto complete");
    for format in ["table", "markdown"] {
        let r = run(&["explain", "--format", format, &msg]).ok();
        assert!(!r.stdout.contains('\u{1b}'), "{format}: {}", r.stdout);
        assert!(!r.stdout.contains('\u{202e}'), "{format}: {}", r.stdout);
        assert!(r.stdout.contains("\\x1b"), "{format}: {}", r.stdout);
    }
}

fn user_catalog(pattern: &str) -> String {
    format!(
        r#"[[entry]]
id = "entra.user-entry"
system = "entra"
category = "internal"
retry = "manual"
patterns = ['{pattern}']
[entry.en]
title = "t"
explanation = "e"
steps = ["s"]
[entry.ja]
title = "t"
explanation = "e"
steps = ["s"]
"#
    )
}

#[test]
fn a_pathological_catalog_pattern_is_refused_quickly() {
    for (pattern, says) in [
        // Compiles to far more than the size limit: refused before any input is read.
        (r"(?:\w{50}){50}", "exceeds size limit"),
        (r"(?:(?:a{100}){100}){100}", "exceeds size limit"),
        // Not a pattern at all.
        (r"(unclosed", "unclosed group"),
    ] {
        let (dir, cat) = temp_file("mine.toml", user_catalog(pattern).as_bytes());
        let start = Instant::now();
        let r = run(&["--catalog", &cat, "analyze", &fixture("portal-export.json")]);
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{pattern}: took too long"
        );
        assert_eq!(r.code, 2, "{pattern}: {}", r.stderr);
        assert_eq!(r.stderr.lines().count(), 1, "{pattern}: {}", r.stderr);
        assert!(
            r.stderr.contains(&cat)
                && r.stderr.contains("entra.user-entry")
                && r.stderr.contains("`patterns`[0]")
                && r.stderr.contains(says),
            "{pattern}: {}",
            r.stderr
        );
        assert!(r.stdout.is_empty());
        drop(dir);
    }
    // A heavy but legal pattern runs in linear time over a long reason.
    let (dir, cat) = temp_file("mine.toml", user_catalog(r"(?:\w+\s?)+$").as_bytes());
    let reason = "word ".repeat(200_000) + "!";
    let export = json!([{"changeId": "c", "provisioningStatusInfo": {"status": "failure",
        "errorInformation": {"reason": reason}}}]);
    let (dir2, path) = temp_file("long.json", export.to_string().as_bytes());
    let start = Instant::now();
    run(&["--catalog", &cat, "analyze", &path, "--format", "json"]).ok();
    assert!(start.elapsed() < Duration::from_secs(20));
    drop((dir, dir2));
}
