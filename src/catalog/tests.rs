//! The built-in catalog tests itself: every entry's examples classify to it.

use super::*;
use crate::classify::{Context, explain};

fn builtin() -> Catalog {
    match Catalog::load(&[]) {
        Ok(c) => c,
        Err(e) => panic!("the built-in catalog does not load: {e:#}"),
    }
}

#[test]
fn every_example_classifies_to_its_entry() {
    let cat = builtin();
    let mut failures = Vec::new();
    let mut n = 0;
    for e in &cat.entries {
        assert!(!e.examples.is_empty(), "{} has no example", e.id);
        for ex in &e.examples {
            n += 1;
            let found = explain(&cat, ex, Context::default(), Lang::En);
            match found.first() {
                Some(best) if best.diagnosis.id == e.id => {}
                Some(best) => failures.push(format!("{}: {ex:?} -> {}", e.id, best.diagnosis.id)),
                None => failures.push(format!("{}: {ex:?} -> nothing", e.id)),
            }
        }
    }
    assert!(n > 400, "only {n} examples");
    assert!(
        failures.is_empty(),
        "{} of {n} examples misclassified:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn entries_are_complete_and_placeholders_are_captures() {
    let cat = builtin();
    let mut problems = Vec::new();
    for e in &cat.entries {
        let names = e.capture_names();
        for (lang, tx) in [("en", &e.en), ("ja", &e.ja)] {
            let all = std::iter::once(&tx.title)
                .chain(std::iter::once(&tx.explanation))
                .chain(tx.steps.iter());
            for text in all {
                let mut rest = text.as_str();
                while let Some(i) = rest.find('{') {
                    let after = &rest[i + 1..];
                    if let Some(j) = after.find('}') {
                        let name = &after[..j];
                        if !name.is_empty()
                            && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                            && !names.contains(name)
                        {
                            problems
                                .push(format!("{} ({lang}): {{{name}}} is not a capture", e.id));
                        }
                    }
                    rest = after;
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_builtin_pattern_compiles() {
    for (name, text) in BUILTIN {
        if let Err(e) = parse_file(name, text, true) {
            panic!("{e:#}");
        }
    }
}

#[test]
fn every_system_is_covered() {
    let cat = builtin();
    for s in System::ALL {
        let n = cat.entries.iter().filter(|e| e.system == *s).count();
        assert!(n >= 10, "{s}: only {n} entries");
    }
}

#[test]
fn fill_replaces_known_and_marks_missing() {
    let caps = vec![("attribute".to_owned(), "family_name".to_owned())];
    assert_eq!(fill("Shorten {attribute}.", &caps), "Shorten family_name.");
    assert_eq!(fill("See {other}", &caps), "See <other>");
    assert_eq!(fill("JSON {\"a\": 1}", &caps), "JSON {\"a\": 1}");
}

#[test]
fn user_files_are_validated_and_override_by_id() {
    let good = r#"
[[entry]]
id = "entra.timeout"
system = "entra"
category = "transient"
retry = "automatic"
codes = ["Timeout"]
examples = ["Timeout"]
[entry.en]
title = "Our own timeout text"
explanation = "x"
steps = ["y"]
[entry.ja]
title = "独自"
explanation = "x"
steps = ["y"]
"#;
    let cat = Catalog::load(&[("mine.toml".into(), good.into())]).expect("loads");
    let found = explain(&cat, "Timeout", Context::default(), Lang::En);
    assert_eq!(found[0].diagnosis.title, "Our own timeout text");

    let bad = good.replace("category = \"transient\"", "category = \"weather\"");
    let e = Catalog::load(&[("mine.toml".into(), bad)])
        .err()
        .expect("refused");
    let msg = format!("{e:#}");
    assert!(
        msg.contains("mine.toml") && msg.contains("entra.timeout") && msg.contains("category"),
        "{msg}"
    );

    let huge = good.replace("codes = [\"Timeout\"]", "patterns = ['(\\w{100}){100}']");
    let e = Catalog::load(&[("mine.toml".into(), huge)])
        .err()
        .expect("refused");
    assert!(format!("{e:#}").contains("patterns"), "{e:#}");
}

/// Speed: nearly every built-in pattern has a literal the prefilter can look for, so only
/// a few run through the slower set on every text.
#[test]
fn nearly_every_builtin_pattern_has_a_required_literal() {
    let cat = builtin();
    let sources: Vec<String> = cat
        .entries
        .iter()
        .flat_map(|e| e.patterns.iter())
        .map(|p| normalize::pattern(p.as_str()))
        .collect();
    let pre = super::prefilter::Prefilter::new(&sources);
    let without = pre.without_literal();
    println!("{without} of {} patterns without a literal", sources.len());
    assert!(
        without * 20 <= sources.len(),
        "{without} of {} patterns have no literal for the prefilter",
        sources.len()
    );
}
