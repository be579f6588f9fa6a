//! The README's example outputs are produced by provlog itself: each block that follows an
//! `<!-- example: provlog ARGS [| head -N] -->` line must equal what the command prints
//! today. `UPDATE_GOLDEN=1 cargo test` rewrites the blocks.

use crate::util::*;

/// Splits a command line on spaces, keeping double-quoted words whole.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ' ' if !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn output_of(spec: &str) -> String {
    let (cmd, head) = match spec.split_once(" | head -") {
        Some((c, n)) => (c, n.trim().parse::<usize>().ok()),
        None => (spec, None),
    };
    let args = words(cmd.trim().trim_start_matches("provlog "));
    let out = bin()
        .args(&args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("COLUMNS", "100")
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{spec}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    match head {
        Some(n) => text.lines().take(n).map(|l| format!("{l}\n")).collect(),
        None => text,
    }
}

#[test]
fn readme_examples_match_real_output() {
    check_examples("README.md", 4);
}

/// The Japanese README shows the Japanese output of the same commands.
#[test]
fn japanese_readme_examples_match_real_output() {
    check_examples("README.ja.md", 3);
}

fn check_examples(name: &str, at_least: usize) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(name);
    let readme = std::fs::read_to_string(&path).expect("README");
    let mut out = String::new();
    let mut lines = readme.split_inclusive('\n').peekable();
    let mut checked = 0;
    let mut stale = Vec::new();
    while let Some(line) = lines.next() {
        out.push_str(line);
        let Some(spec) = line
            .trim()
            .strip_prefix("<!-- example: ")
            .and_then(|s| s.strip_suffix("-->"))
        else {
            continue;
        };
        // The fence line, then the old block up to the closing fence.
        let fence = lines.next().expect("a fenced block after the example line");
        out.push_str(fence);
        let mut old = String::new();
        for l in lines.by_ref() {
            if l.trim_end() == "```" {
                break;
            }
            old.push_str(l);
        }
        let new = output_of(spec.trim());
        if old != new {
            stale.push(spec.trim().to_owned());
        }
        out.push_str(&new);
        out.push_str("```\n");
        checked += 1;
    }
    assert!(checked >= at_least, "only {checked} examples in {name}");
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1") {
        std::fs::write(&path, out).expect("write README");
        return;
    }
    assert!(
        stale.is_empty(),
        "{name} examples out of date (UPDATE_GOLDEN=1 cargo test rewrites them): {stale:?}"
    );
}
