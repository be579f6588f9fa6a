//! The built-in catalog tests itself: every entry's examples classify to it.

use super::*;
use crate::classify::{Context, explain};
use crate::i18n::Lang;

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
            // An Entra message needs no context; an IIJ, CloudGate or SDS one is read where
            // it came from (their console, error list), which tells apart the messages
            // that several systems share (Graph errors relayed by CloudGate).
            let ctx = Context {
                system: (e.system != System::Entra).then_some(e.system),
                ..Context::default()
            };
            let found = explain(&cat, ex, ctx, Lang::En);
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
    for (name, json) in BUILTIN {
        if let Err(e) = parse_builtin(name, json, true) {
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

/// The prefilter only ever rules out patterns that cannot match: on every example of the
/// catalog, each pattern that matches is among its candidates.
#[test]
fn the_prefilter_keeps_every_pattern_that_matches() {
    let cat = builtin();
    let patterns: Vec<&Pattern> = cat.entries.iter().flat_map(|e| e.patterns.iter()).collect();
    let sources: Vec<String> = patterns
        .iter()
        .map(|p| normalize::pattern(p.as_str()))
        .collect();
    let pre = super::prefilter::Prefilter::new(&sources);
    let mut missed = Vec::new();
    for ex in cat.entries.iter().flat_map(|e| e.examples.iter()) {
        let prepared = super::matcher::Prepared::new(ex, crate::layers::Layer::Summary);
        let candidates = pre.candidates(&prepared.text);
        for (i, p) in patterns.iter().enumerate() {
            if p.captures(&prepared.text).is_some() && candidates.binary_search(&i).is_err() {
                missed.push(format!("{} / {ex:?}", p.as_str()));
            }
        }
    }
    assert!(missed.is_empty(), "{}", missed.join("\n"));
}

/// Words a Japanese text may carry in Latin letters: product names and technical terms.
/// Identifiers (attribute names, codes: inner capitals, digits, `_`, `.`) and acronyms pass
/// by their shape; English inside （ ）, quotes or 「」 is there on purpose (the term the
/// admin searches for).
const JA_LATIN_WORDS: &str = "
Microsoft Entra Azure Active Directory AD ID IDs IIJ CloudGate UNO School Data Sync SDS
Office Google Workspace Gmail AWS IAM Identity Center Salesforce ServiceNow Slack Zoom
Tableau Atlassian Jira Confluence GitHub GitLab Box Dropbox LINE WORKS Workday
SuccessFactors SAP Exchange Online Teams Windows PowerShell Graph Connect Cloud Excel Chrome
Edge Safari Firefox Android iOS iPhone iPad macOS Mac Cybertrust LaunchDarkly Miro Pulumi
Airtable Grafana Okta Zscaler Snowflake Databricks Figma Webex Egnyte Workplace Meta Intune
Defender Purview Outlook OneDrive SharePoint Yammer Viva Copilot Power Automate Apps Logic
Dynamics Skype Kerberos NTLM ADFS Federation Services Server Linux Java Bearer Basic Beta
Unicode ASCII Base64 OpenID Kusto Log Analytics Monitor Sentinel Splunk Zendesk Enterprise
Grid Employee Central Service Bus Framework Password Importer Web Cookie true false null
";

/// British spellings that Microsoft's US English writes otherwise.
const BRITISH: &str = r"(?i)\b(licence\w*|authoris\w*|organis\w*|synchronis\w*|recognis\w*|behaviour\w*|colour\w*|catalogue\w*|cancell\w*|analys(?:e|es|ed|ing)\b|centre\w*|favour\w*|honour\w*|labell\w*|modell\w*|travell\w*|programme\w*|minimis\w*|prioritis\w*|normalis\w*|customis\w*|initialis\w*|utilis\w*|finalis\w*|enrol\b|enrols\b|judgement|whilst|e-mail\w*)";

/// The Latin words of a Japanese text that are neither allowed nor identifiers, and
/// whether it uses ASCII parentheses in its prose.
fn japanese_problems(text: &str) -> Vec<String> {
    // A mapping expression (`Switch([a],[b],"","N/A")`, `Mid(…)`) is code, written as is.
    let expression =
        regex::Regex::new(r"[A-Za-z_][A-Za-z0-9_]*\((?:[^()\n]|\([^()\n]*\))*\)").expect("regex");
    let text = &*expression.replace_all(text, " ");
    let spans = regex::Regex::new(
        r#"https?://\S+|\{[^}]*\}|「[^」\n]*」|『[^』\n]*』|（[^）\n]*）|\([^)\n]*\)|“[^”\n]*”|"[^"\n]*"|'[^'\n]*'|`[^`\n]*`|\[[^\]\n]*\]"#,
    )
    .expect("regex");
    let allowed: HashSet<&str> = JA_LATIN_WORDS.split_whitespace().collect();
    let bare = spans.replace_all(text, " ");
    let word = regex::Regex::new(r"[A-Za-z][A-Za-z0-9_.\-/@:+#]*").expect("regex");
    let identifier = regex::Regex::new(r"[A-Z].*[A-Z]|[a-z][A-Z]|[0-9_./@:+#-]").expect("regex");
    let mut out = Vec::new();
    for w in word.find_iter(&bare) {
        let core = w.as_str().trim_end_matches(['.', ':', '/', '-']);
        if allowed.contains(core)
            || identifier.is_match(core)
            || core.chars().all(|c| c.is_ascii_uppercase())
        {
            continue;
        }
        out.push(format!("English word '{}'", w.as_str()));
    }
    let code =
        regex::Regex::new(r#"https?://\S+|\{[^}]*\}|`[^`]*`|'[^']*'|"[^"]*""#).expect("regex");
    if code.replace_all(text, " ").contains(['(', ')']) {
        out.push("ASCII parentheses (use （ ）)".to_owned());
    }
    out
}

/// The catalog's words, checked: every entry says where its claims come from; English is
/// Microsoft's US spelling; Japanese reads as Japanese (no stray English words, full-width
/// parentheses, steps ending in 〜ます。 or 〜です。, never 〜ください).
#[test]
fn texts_follow_the_style_rules() {
    let cat = builtin();
    let british = regex::Regex::new(BRITISH).expect("regex");
    let trailing_aside = regex::Regex::new(r"\s*[（(][^（）()]*[）)]\s*。$").expect("regex");
    let mut problems = Vec::new();
    let mut unsourced = 0;
    for e in &cat.entries {
        if e.source.is_empty() || e.source.iter().any(|s| s.trim().is_empty()) {
            problems.push(format!("{}: no source", e.id));
        }
        unsourced += usize::from(e.source.iter().any(|s| s.starts_with("unsourced")));
        let en = std::iter::once(&e.en.title)
            .chain([&e.en.explanation])
            .chain(e.en.steps.iter());
        for text in en {
            for m in british.find_iter(text) {
                problems.push(format!("{} (en): British spelling '{}'", e.id, m.as_str()));
            }
        }
        let ja = std::iter::once(&e.ja.title)
            .chain([&e.ja.explanation])
            .chain(e.ja.steps.iter());
        for text in ja {
            for p in japanese_problems(text) {
                problems.push(format!("{} (ja): {p}: {text}", e.id));
            }
        }
        for step in &e.ja.steps {
            let s = trailing_aside.replace(step.trim(), "。");
            if s.ends_with("ください。") || s.ends_with("ください") {
                problems.push(format!("{} (ja): a step ends in ください: {step}", e.id));
            } else if !(s.ends_with("ます。") || s.ends_with("です。") || s.ends_with("ません。"))
            {
                problems.push(format!(
                    "{} (ja): a step does not end in 〜ます。: {step}",
                    e.id
                ));
            }
        }
    }
    println!(
        "{unsourced} of {} entries say they have no source",
        cat.entries.len()
    );
    assert!(
        problems.is_empty(),
        "{}\n{} problems",
        problems.join("\n"),
        problems.len()
    );
}

/// An informational entry (retry `none`) tells the admin nothing is broken: its steps
/// must not send them to fix something on the next cycle.
#[test]
fn informational_entries_do_not_ask_for_a_retry() {
    let cat = builtin();
    let none: Vec<&Entry> = cat
        .entries
        .iter()
        .filter(|e| e.retry == Retry::None)
        .collect();
    assert!(!none.is_empty(), "skips and notices are informational");
    for e in none {
        for s in &e.en.steps {
            assert!(
                !s.to_lowercase().contains("next cycle") || s.contains("no action"),
                "{}: {s}",
                e.id
            );
        }
    }
}

/// A code names one entry per system: School Data Sync classic reports Entra's code names
/// (`DuplicateTargetEntries`), and `--system` tells them apart; within a system a code is
/// unique.
#[test]
fn a_code_is_unique_within_its_system_only() {
    let entry = |id: &str, system: &str| {
        format!(
            "[[entry]]\nid = \"{id}\"\nsystem = \"{system}\"\ncategory = \"conflict\"\nretry = \"next-cycle\"\ncodes = [\"SharedCode\"]\nsource = [\"test\"]\nexamples = [\"SharedCode\"]\n[entry.en]\ntitle = \"t\"\nexplanation = \"x\"\nsteps = [\"y\"]\n[entry.ja]\ntitle = \"t\"\nexplanation = \"x\"\nsteps = [\"y\"]\n"
        )
    };
    let two_systems = format!("{}{}", entry("entra.a", "entra"), entry("sds.a", "sds"));
    let cat = Catalog::only(&[("t.toml".into(), two_systems)]).expect("loads");
    let ctx = |system| Context {
        system,
        ..Context::default()
    };
    let id = |system| {
        explain(&cat, "SharedCode", ctx(system), Lang::En)
            .first()
            .map(|e| e.diagnosis.id.clone())
    };
    assert_eq!(id(Some(System::Sds)).as_deref(), Some("sds.a"));
    assert_eq!(id(Some(System::Entra)).as_deref(), Some("entra.a"));
    assert_eq!(
        id(None).as_deref(),
        Some("entra.a"),
        "ties go to the lower id"
    );
    let same_system = format!("{}{}", entry("entra.a", "entra"), entry("entra.b", "entra"));
    let e = Catalog::only(&[("t.toml".into(), same_system)])
        .err()
        .expect("refused");
    assert!(
        format!("{e:#}").contains("already claimed by entry 'entra.a'"),
        "{e:#}"
    );
}
