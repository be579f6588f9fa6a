//! The real-world corpus (tests/corpus/): messages administrators, vendors and SIEM
//! fixtures posted in public, each with its source and the diagnosis it should get. The
//! test runs every message through the matcher, prints the accuracy per system and every
//! miss, and fails below 95 % right system + category.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use provlog::catalog::{Catalog, System};
use provlog::classify::{Context, explain};
use provlog::i18n::Lang;
use serde::Deserialize;

use crate::util::run;

/// Below this share of right system + category, the corpus test fails.
const MIN_ACCURACY: f64 = 0.95;
/// Below this share of messages diagnosed with the very entry the corpus names, too.
const MIN_ENTRY_ACCURACY: f64 = 0.90;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    message: Vec<Message>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Message {
    text: String,
    #[serde(default)]
    code: Option<String>,
    source: String,
    source_kind: String,
    lang: String,
    system: String,
    category: String,
    entry: String,
    #[serde(default)]
    context: Option<String>,
    note: String,
    #[serde(default)]
    app: Option<String>,
}

fn corpus() -> Vec<(String, Message)> {
    let dir: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "corpus"]
        .iter()
        .collect();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/corpus")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(&f).expect("readable corpus file");
        let parsed: File =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{name}: not a corpus file: {e}"));
        out.extend(parsed.message.into_iter().map(|m| (name.clone(), m)));
    }
    out
}

fn catalog() -> Catalog {
    Catalog::load(&[]).expect("the built-in catalog loads")
}

#[test]
fn every_corpus_message_is_well_formed_and_names_a_real_entry() {
    let cat = catalog();
    let all = corpus();
    let mut texts = HashSet::new();
    let mut per_system: BTreeMap<String, usize> = BTreeMap::new();
    for (file, m) in &all {
        let at = format!("{file}: {:?}", m.text.chars().take(80).collect::<String>());
        assert!(!m.text.trim().is_empty(), "{at}: empty text");
        assert!(
            texts.insert(m.text.trim().to_owned()),
            "{at}: the same text twice"
        );
        assert!(
            m.source.starts_with("https://")
                || m.source.starts_with("http://")
                || m.source.starts_with("github:"),
            "{at}: source must be a URL or github:owner/repo:path"
        );
        assert!(
            [
                "issue",
                "qa",
                "kb",
                "manual",
                "faq",
                "blog",
                "siem-fixture",
                "docs",
                "code"
            ]
            .contains(&m.source_kind.as_str()),
            "{at}: source_kind {}",
            m.source_kind
        );
        assert!(
            ["en", "ja"].contains(&m.lang.as_str()),
            "{at}: lang {}",
            m.lang
        );
        assert!(
            System::parse(&m.system).is_some(),
            "{at}: system {}",
            m.system
        );
        assert!(
            !m.note.trim().is_empty(),
            "{at}: a note says what the source gives as the cause"
        );
        if let Some(c) = &m.context {
            assert!(System::parse(c).is_some(), "{at}: context {c}");
        }
        if m.category == "unclassified" {
            assert_eq!(m.entry, "unclassified", "{at}");
        } else {
            let e = cat
                .get(&m.entry)
                .unwrap_or_else(|| panic!("{at}: entry {} is not in the catalog", m.entry));
            assert_eq!(
                e.category.as_str(),
                m.category,
                "{at}: the entry's category"
            );
            assert_eq!(e.system.as_str(), m.system, "{at}: the entry's system");
        }
        *per_system.entry(m.system.clone()).or_default() += 1;
    }
    assert!(all.len() >= 300, "{} messages", all.len());
    assert!(per_system["entra"] >= 150, "{per_system:?}");
    for s in ["sds", "iij", "cloudgate"] {
        assert!(per_system[s] >= 40, "{per_system:?}");
    }
}

#[test]
fn the_corpus_is_diagnosed_right() {
    let cat = catalog();
    let all = corpus();
    // system -> (messages, right system + category, right entry)
    let mut score: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    let mut misses = Vec::new();
    for (file, m) in &all {
        let ctx = Context {
            task: None,
            system: m.context.as_deref().and_then(System::parse),
            code: m.code.as_deref(),
        };
        let found = explain(&cat, &m.text, ctx, Lang::En);
        let (system, category, id) = match found.first() {
            Some(b) => (
                b.diagnosis.system.map(|s| s.as_str()).unwrap_or("-"),
                b.diagnosis.category.as_str(),
                b.diagnosis.id.as_str(),
            ),
            None => ("-", "unclassified", "unclassified"),
        };
        let right = if m.category == "unclassified" {
            found.is_empty()
        } else {
            system == m.system && category == m.category
        };
        let slot = score.entry(m.system.clone()).or_default();
        slot.0 += 1;
        slot.1 += usize::from(right);
        slot.2 += usize::from(id == m.entry);
        if !right || id != m.entry {
            misses.push(format!(
                "{}{file}: {:?}\n      want {} ({}/{}), got {id} ({system}/{category})",
                if right { "  entry " } else { "  WRONG " },
                m.text.chars().take(160).collect::<String>(),
                m.entry,
                m.system,
                m.category,
            ));
        }
    }
    let (n, right, entry) = score
        .values()
        .fold((0, 0, 0), |a, s| (a.0 + s.0, a.1 + s.1, a.2 + s.2));
    let pct = |a: usize, b: usize| 100.0 * a as f64 / b.max(1) as f64;
    let mut kinds: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    let mut apps: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, m) in &all {
        *kinds.entry((&m.system, &m.source_kind)).or_default() += 1;
        *apps.entry(m.app.as_deref().unwrap_or("-")).or_default() += 1;
    }
    println!("corpus: {n} messages; by system and source kind: {kinds:?}");
    println!("by app or component ({}): {apps:?}", apps.len());
    for (s, (n, r, e)) in &score {
        println!(
            "  {s:<10} {r:>4}/{n:<4} right system + category ({:.1} %), right entry {e}/{n} ({:.1} %)",
            pct(*r, *n),
            pct(*e, *n)
        );
    }
    println!(
        "  {:<10} {right:>4}/{n:<4} right system + category ({:.1} %), right entry {entry}/{n} ({:.1} %)",
        "all",
        pct(right, n),
        pct(entry, n)
    );
    for m in &misses {
        println!("{m}");
    }
    assert!(
        right as f64 >= MIN_ACCURACY * n as f64,
        "{right}/{n} right system + category, below {} %; misses:\n{}",
        MIN_ACCURACY * 100.0,
        misses.join("\n")
    );
    assert!(
        entry as f64 >= MIN_ENTRY_ACCURACY * n as f64,
        "{entry}/{n} right entry, below {} %",
        MIN_ENTRY_ACCURACY * 100.0
    );
}

/// Through the executable: a directory-sync event that quotes a SCIM error is IIJ's when
/// the user says where it came from, and a message nothing matches exits 1 with guesses.
#[test]
fn explain_takes_the_context_and_says_when_nothing_matches() {
    let all = corpus();
    let (_, iij) = all
        .iter()
        .find(|(_, m)| m.context.as_deref() == Some("iij"))
        .expect("a corpus message with an IIJ context");
    let r = run(&["explain", "--system", "iij", "--format", "json", &iij.text]).ok();
    let v = r.json();
    assert_eq!(v["diagnosis"]["system"], "iij", "{}", r.stdout);
    assert_eq!(v["diagnosis"]["id"], iij.entry.as_str(), "{}", r.stdout);

    let r = run(&[
        "explain",
        "--format",
        "json",
        "Something odd happened to the zebra",
    ]);
    assert_eq!(r.code, 1, "no match exits 1: {}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    assert!(v["diagnosis"].is_null());
    assert!(v["guesses"].is_array());

    let r = run(&["explain", "--system", "weather", "x"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("unknown system 'weather'"),
        "{}",
        r.stderr
    );
}
