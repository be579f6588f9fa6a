//! Help, version, completions and the man page.

use crate::util::*;

#[test]
fn version_names_the_catalog_and_its_size() {
    let v = run(&["--version"]).ok().stdout;
    let entries = run(&["catalog", "list", "--format", "json"]).ok().json();
    let n = entries.as_array().expect("list").len();
    assert!(v.starts_with("provlog "), "{v}");
    assert!(v.contains(&format!("{n} entries")), "{v}");
    assert!(v.contains("catalog 2"), "{v}");
}

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = run(&["completions", shell]).ok().stdout;
        assert!(out.len() > 1000, "{shell}: {} bytes", out.len());
        for word in ["analyze", "explain", "show", "diff", "catalog", "group-by"] {
            assert!(out.contains(word), "{shell} completions lack {word}");
        }
    }
    run(&["completions", "tcsh"]).code(2);
}

#[test]
fn man_page_is_roff_with_every_command() {
    let out = run(&["man"]).ok().stdout;
    assert!(
        out.contains(".TH provlog 1"),
        "{}",
        &out[..200.min(out.len())]
    );
    for word in [
        "analyze",
        "explain",
        "show",
        "diff",
        "catalog",
        "completions",
    ] {
        assert!(out.contains(word), "man page lacks {word}");
    }
}

#[test]
fn help_texts_are_stable() {
    // The help is part of the interface; a change to it shows up as a diff here.
    for (name, args) in [
        ("help.txt", vec!["--help"]),
        ("help-analyze.txt", vec!["analyze", "--help"]),
        ("help-explain.txt", vec!["explain", "--help"]),
        ("help-show.txt", vec!["show", "--help"]),
        ("help-diff.txt", vec!["diff", "--help"]),
        ("help-catalog.txt", vec!["catalog", "--help"]),
        ("help-fetch.txt", vec!["fetch", "--help"]),
    ] {
        let mut c = bin();
        // A fixed width, so the wrapping does not depend on the terminal running the test.
        c.args(&args).env("COLUMNS", "100");
        let out = c.output().expect("runs");
        assert!(out.status.success(), "{name}");
        golden(name, &String::from_utf8_lossy(&out.stdout));
    }
}

#[test]
fn short_help_differs_from_long_help() {
    let short = run(&["analyze", "-h"]).ok().stdout;
    let long = run(&["analyze", "--help"]).ok().stdout;
    assert!(short.len() < long.len());
    assert!(long.contains("Examples:"));
}
