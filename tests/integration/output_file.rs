//! `-o FILE`: the same bytes as stdout, in a file that appears only when the report is whole.

use crate::util::*;

#[test]
fn every_report_command_writes_the_same_bytes_to_a_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let portal = fixture("portal-export.json");
    let cases: Vec<Vec<&str>> = vec![
        vec!["analyze", &portal, "--format", "csv", "--lang", "ja"],
        vec!["analyze", &portal, "--format", "ndjson", "--status", "all"],
        vec!["show", "--format", "markdown", "17bf", "--", &portal],
        vec!["explain", "AzureDirectoryB2BManagementPolicyCheckFailure"],
        vec!["catalog", "export", "--format", "csv"],
    ];
    for (i, args) in cases.iter().enumerate() {
        let to_stdout = run(args);
        let path = dir.path().join(format!("report-{i}.out"));
        let p = path.display().to_string();
        // Right after the command: after `--` it would be taken as an input.
        let mut with_o = args.clone();
        with_o.splice(1..1, ["-o", p.as_str()]);
        let to_file = run(&with_o);
        assert_eq!(to_file.code, to_stdout.code, "{args:?}: {}", to_file.stderr);
        assert!(to_file.stdout.is_empty(), "{args:?} wrote to stdout too");
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{args:?}: {e}"));
        assert_eq!(
            String::from_utf8_lossy(&bytes),
            to_stdout.stdout,
            "{args:?}: file and stdout differ"
        );
    }
    // Nothing else (no temporary file) is left in the folder.
    assert_eq!(
        std::fs::read_dir(dir.path()).expect("dir").count(),
        cases.len()
    );
}

#[test]
fn a_failed_run_leaves_the_old_report_in_place() {
    let (dir, path) = temp_file("report.csv", b"the old report\n");
    let missing = dir.path().join("missing.json").display().to_string();
    let bad_catalog = dir.path().join("bad.toml");
    std::fs::write(&bad_catalog, "[[entry]]\nid = 3\n").expect("write");
    let r = run(&[
        "analyze",
        &fixture("portal-export.json"),
        "--catalog",
        &bad_catalog.display().to_string(),
        "-o",
        &path,
    ])
    .code(2);
    assert!(r.stdout.is_empty());
    assert_eq!(
        std::fs::read(&path).expect("old report"),
        b"the old report\n"
    );
    // A run with one unreadable input still writes the report of the others.
    let r = run(&[
        "analyze",
        &missing,
        &fixture("portal-export.json"),
        "--format",
        "csv",
        "-o",
        &path,
    ])
    .code(2);
    assert!(r.stderr.contains("missing.json"), "{}", r.stderr);
    let report = std::fs::read_to_string(&path).expect("report");
    assert!(report.lines().count() > 10, "{report}");
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 2);
}
