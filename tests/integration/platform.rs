//! What Windows users meet (issue 18): tables a legacy console can show, and the hint when
//! Windows PowerShell 5.1 turned Japanese into `?` on its way through a pipe. The choices
//! made from the system (display language, console code page) are unit tests of
//! `src/platform.rs`; `.ci/windows.sh` runs the Windows binary itself under Wine.

use crate::util::*;

/// Box-drawing characters (U+2500 to U+257F).
fn has_box_drawing(s: &str) -> bool {
    s.chars().any(|c| ('\u{2500}'..='\u{257f}').contains(&c))
}

#[test]
fn table_style_ascii_draws_every_table_without_box_characters() {
    let export = fixture("portal-export.json");
    let sjis = fixture("console/iij-job-list.sjis.csv");
    for args in [
        vec!["analyze", export.as_str()],
        vec!["analyze", export.as_str(), "--group-by", "cycle"],
        vec!["show", "06c7", "17bf", export.as_str()],
        vec!["catalog", "list", "--system", "iij"],
        vec!["explain", "--csv", sjis.as_str(), "--format", "table"],
    ] {
        let default = run(&args).ok();
        assert!(
            has_box_drawing(&default.stdout),
            "{args:?}: a pipe gets box drawing by default"
        );
        let mut ascii = vec!["--table-style", "ascii"];
        ascii.extend(&args);
        let out = run(&ascii).ok();
        assert!(
            !has_box_drawing(&out.stdout),
            "{args:?} with --table-style ascii:\n{}",
            out.stdout
        );
        assert!(
            out.stdout.contains("+-") || out.stdout.contains("---"),
            "{}",
            out.stdout
        );
    }
}

#[test]
fn table_style_unicode_and_auto_keep_box_drawing_off_a_terminal() {
    let export = fixture("portal-export.json");
    let auto = run(&["analyze", &export]).ok();
    let unicode = run(&["--table-style", "unicode", "analyze", &export]).ok();
    assert_eq!(auto.stdout, unicode.stdout);
    let bad = run(&["--table-style", "boxes", "analyze", &export]).code(2);
    assert!(bad.stderr.contains("--table-style"), "{}", bad.stderr);
}

/// What Windows PowerShell 5.1 hands a program when it pipes Japanese text: `?` for every
/// character outside ASCII.
fn as_powershell_pipes_it(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii() { c } else { '?' })
        .collect()
}

#[test]
fn japanese_turned_into_question_marks_by_a_pipe_gets_a_hint() {
    let message = "ユーザーが見つかりません。";
    let garbled = as_powershell_pipes_it(message);
    let out = run_with(&["explain"], Some(garbled.as_bytes()));
    assert!(
        out.stderr.contains("mostly '?'") && out.stderr.contains("explain --csv FILE"),
        "{}",
        out.stderr
    );
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    // The same text intact, or an English question, gets no hint.
    let fine = run_with(&["explain"], Some(message.as_bytes()));
    assert!(!fine.stderr.contains("mostly '?'"), "{}", fine.stderr);
    let question = run(&["explain", "Why was the user skipped?"]);
    assert!(
        !question.stderr.contains("mostly '?'"),
        "{}",
        question.stderr
    );
}

#[test]
fn a_console_export_piped_through_powershell_gets_the_hint() {
    let csv = String::from_utf8(read_fixture("console/iij-job-list.utf8-bom.csv")).expect("utf-8");
    let garbled = as_powershell_pipes_it(&csv);
    let out = run_with(&["explain", "--csv", "-"], Some(garbled.as_bytes()));
    assert!(out.stderr.contains("mostly '?'"), "{}", out.stderr);
    // Read from the file, the same export is fine and says nothing of the kind.
    let file = run(&[
        "explain",
        "--csv",
        &fixture("console/iij-job-list.utf8-bom.csv"),
    ])
    .ok();
    assert!(!file.stderr.contains("mostly '?'"), "{}", file.stderr);
}
