//! The error catalog: data, not code.
//!
//! Entries live in TOML files under `catalog/` (one per system), compiled into the binary
//! as JSON (build.rs converts them: JSON parses several times quicker, and the catalog is
//! read at every start). `--catalog FILE` (TOML) goes through the same validation, and an
//! entry whose id is already known replaces the built-in one. The catalog is built once
//! and passed by reference; there is no global.

mod literals;
mod matcher;
pub mod normalize;
mod prefilter;
pub mod similar;

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use crate::i18n::Lang;
use anyhow::{Context, Result, bail};
use regex_automata::meta::{self, Regex};
use regex_automata::nfa::thompson::{
    self,
    backtrack::{self, BoundedBacktracker},
};
use regex_automata::util::{captures::Captures, syntax};
use regex_automata::{PatternID, Span};
use serde::Deserialize;

pub use matcher::{Candidate, Found, Lookup, MatchedBy, Matcher};

/// One built-in catalog file: its path (for messages) and its entries as JSON, compiled in.
macro_rules! builtin {
    ($file:literal) => {
        (
            concat!("catalog/", $file),
            include_str!(concat!(env!("OUT_DIR"), "/catalog/", $file, ".json")),
        )
    };
}

/// The built-in catalog files, in the order they are loaded: one per system, and for
/// Entra also per family (directory errors, AADSTS sign-in codes, SCIM error bodies) and
/// per target app whose own error bodies reach the provisioning logs.
pub const BUILTIN: &[(&str, &str)] = &[
    builtin!("entra.toml"),
    builtin!("entra-more.toml"),
    builtin!("entra-graph.toml"),
    builtin!("entra-directory.toml"),
    builtin!("entra-aadsts.toml"),
    builtin!("entra-phrases.toml"),
    builtin!("scim-generic.toml"),
    builtin!("app-atlassian.toml"),
    builtin!("app-aws.toml"),
    builtin!("app-google.toml"),
    builtin!("app-saas.toml"),
    builtin!("app-salesforce.toml"),
    builtin!("app-servicenow.toml"),
    builtin!("app-slack.toml"),
    builtin!("app-tableau.toml"),
    builtin!("app-zoom.toml"),
    builtin!("iij.toml"),
    builtin!("cloudgate.toml"),
    builtin!("sds.toml"),
];

const META: &str = include_str!("../../catalog/catalog.toml");

/// Largest compiled form a user's pattern may take: a pathological regex is refused at
/// load time rather than slowing every event.
const REGEX_SIZE_LIMIT: usize = 2 << 20;

macro_rules! vocabulary {
    ($name:ident { $($variant:ident = $text:literal),* $(,)? }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($variant),* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),* }
            }

            pub fn parse(s: &str) -> Option<$name> {
                match s { $($text => Some($name::$variant),)* _ => None }
            }

            pub fn names() -> String {
                [$($text),*].join(", ")
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary!(System {
    Entra = "entra",
    Iij = "iij",
    CloudGate = "cloudgate",
    Sds = "sds",
});

vocabulary!(Category {
    Auth = "auth",
    Permission = "permission",
    License = "license",
    Conflict = "conflict",
    NotFound = "not-found",
    InvalidData = "invalid-data",
    Throttling = "throttling",
    Limit = "limit",
    Transient = "transient",
    TargetConfig = "target-config",
    Scoping = "scoping",
    Internal = "internal",
    Unclassified = "unclassified",
});

vocabulary!(Retry {
    Automatic = "automatic",
    NextCycle = "next-cycle",
    Manual = "manual",
    // Informational: a skip or notice that needs no fix and is not retried.
    None = "none",
});

/// The texts of an entry in one language.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Texts {
    pub title: String,
    pub explanation: String,
    pub steps: Vec<String>,
}

/// An entry as written in TOML.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryDef {
    id: String,
    system: String,
    category: String,
    retry: String,
    #[serde(default)]
    codes: Vec<String>,
    #[serde(default)]
    patterns: Vec<String>,
    #[serde(default)]
    http_status: Vec<u16>,
    #[serde(default)]
    skip_reasons: Vec<String>,
    #[serde(default)]
    tasks: Vec<String>,
    #[serde(default)]
    priority: i32,
    #[serde(default)]
    docs: Vec<String>,
    /// Where the entry's claims come from (a seed document and section, a Microsoft
    /// Learn page, a vendor article, a corpus file), so that a reviewer can check them.
    #[serde(default)]
    source: Vec<String>,
    #[serde(default)]
    examples: Vec<String>,
    en: Texts,
    ja: Texts,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDef {
    #[serde(default)]
    entry: Vec<EntryDef>,
}

#[derive(Debug, Deserialize)]
struct MetaDef {
    version: String,
    date: String,
}

/// A pattern, compiled on first use: starting provlog should not pay for compiling
/// hundreds of regexes that a run may never need. Built-in patterns are compiled by the
/// catalog's self-test; a user's are compiled when their file is loaded.
///
/// Built twice if it is searched often. First quickly: its NFA and the bounded
/// backtracker over it, which is what the full build searches a short text with too,
/// once its lazy DFA has found where the match is (a short input searches most patterns
/// a few times, and compiling is what it pays for most). The backtracker tries every
/// start in the text, though, so after `QUICK_SEARCHES` searches, or for a text too long
/// to backtrack over, the pattern is compiled in full (regex's own engines, see
/// `Pattern::compile`). The engines change the speed of a search, never its result.
#[derive(Debug)]
pub struct Pattern {
    source: String,
    quick: OnceLock<Option<BoundedBacktracker>>,
    full: OnceLock<Option<Regex>>,
    searches: AtomicU32,
}

/// Searches made with the quick build of a pattern before it is compiled in full: 16 keep
/// the cost of a large input with many failures within 1% of compiling in full at once
/// (32 would cost 5%), while most patterns of a short input never need the full build.
const QUICK_SEARCHES: u32 = 16;

thread_local! {
    /// Compiles the quick builds. One for the run: a compiler allocates and fills a large
    /// table the first time it compiles a Unicode class (`\w`, `\S`, `[^"]`).
    static QUICK_COMPILER: thompson::Compiler = {
        let mut c = thompson::Compiler::new();
        c.syntax(Pattern::syntax()).configure(
            thompson::Config::new()
                .utf8(true)
                .nfa_size_limit(Some(REGEX_SIZE_LIMIT))
                .shrink(false),
        );
        c
    };

    /// The backtracker's scratch space, shared by the quick builds of every pattern.
    static SCRATCH: RefCell<Option<backtrack::Cache>> = const { RefCell::new(None) };
}

impl Clone for Pattern {
    fn clone(&self) -> Pattern {
        Pattern {
            source: self.source.clone(),
            quick: self.quick.clone(),
            full: self.full.clone(),
            searches: AtomicU32::new(self.searches.load(Ordering::Relaxed)),
        }
    }
}

/// Where a pattern matched, and its named captures that are not blank, in pattern order.
pub type PatternMatch = (Span, Vec<(String, String)>);

impl Pattern {
    fn new(source: String) -> Pattern {
        Pattern {
            source,
            quick: OnceLock::new(),
            full: OnceLock::new(),
            searches: AtomicU32::new(0),
        }
    }

    /// How a pattern meets text: normalised (see `normalize`) and ignoring case.
    fn syntax() -> syntax::Config {
        syntax::Config::new().case_insensitive(true).utf8(true)
    }

    /// Compiled in full: regex's own configuration (`RegexBuilder`) without the two parts
    /// that cost the most to build and save little on texts that short: the regex's own
    /// literal prefilter (the catalog's prefilter already ran one; extracting literals
    /// from a case-insensitive pattern is slow) and the one-pass DFA.
    fn compile(source: &str) -> Result<Regex, regex::Error> {
        let config = meta::Config::new()
            .match_kind(regex_automata::MatchKind::LeftmostFirst)
            .utf8_empty(true)
            .nfa_size_limit(Some(REGEX_SIZE_LIMIT))
            .hybrid_cache_capacity(2 << 20)
            .auto_prefilter(false)
            .onepass(false);
        meta::Builder::new()
            .configure(config)
            .syntax(Pattern::syntax())
            .build(&normalize::pattern(source))
            // The errors regex itself reports, as a user's catalog file shows them.
            .map_err(|e| match e.size_limit() {
                Some(limit) => regex::Error::CompiledTooBig(limit),
                None => regex::Error::Syntax(
                    e.syntax_error()
                        .map_or_else(|| e.to_string(), ToString::to_string),
                ),
            })
    }

    /// The quick build: the NFA the full build makes (same syntax and NFA options).
    fn compile_quick(source: &str) -> Option<BoundedBacktracker> {
        let nfa = QUICK_COMPILER.with(|c| c.build(&normalize::pattern(source)).ok())?;
        BoundedBacktracker::new_from_nfa(nfa).ok()
    }

    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The full build; `None` only for a pattern that does not compile, which loading
    /// refuses for user files and the self-test refuses for built-in ones (so that its
    /// quick build, a part of it, compiles too).
    fn full(&self) -> Option<&Regex> {
        self.full
            .get_or_init(|| Pattern::compile(&self.source).ok())
            .as_ref()
    }

    /// Where the pattern first matches the text (leftmost-first, as regex does), with its
    /// captures; `None` if it does not match or does not compile.
    pub fn captures(&self, text: &str) -> Option<PatternMatch> {
        if self.full.get().is_none()
            && self.searches.fetch_add(1, Ordering::Relaxed) < QUICK_SEARCHES
            && let Some(bt) = self
                .quick
                .get_or_init(|| Pattern::compile_quick(&self.source))
            && text.len() <= bt.max_haystack_len()
        {
            let mut caps = bt.create_captures();
            let searched = SCRATCH.with_borrow_mut(|scratch| {
                let cache = scratch.get_or_insert_with(|| bt.create_cache());
                cache.reset(bt);
                bt.try_captures(cache, text, &mut caps)
            });
            if searched.is_ok() {
                return named(&caps, text);
            }
        }
        let re = self.full()?;
        let mut caps = re.create_captures();
        re.captures(text, &mut caps);
        named(&caps, text)
    }
}

/// A match's span and its named captures that are not blank.
fn named(caps: &Captures, text: &str) -> Option<PatternMatch> {
    let span = caps.get_match()?.span();
    let named = caps
        .group_info()
        .pattern_names(PatternID::ZERO)
        .enumerate()
        .filter_map(|(i, name)| {
            let name = name?;
            let value = text.get(caps.get_group(i)?.range())?.trim();
            (!value.is_empty()).then(|| (name.to_owned(), value.to_owned()))
        })
        .collect();
    Some((span, named))
}

/// A validated catalog entry.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: String,
    pub system: System,
    pub category: Category,
    pub retry: Retry,
    pub codes: Vec<String>,
    pub patterns: Vec<Pattern>,
    pub http_status: Vec<u16>,
    pub skip_reasons: Vec<String>,
    pub tasks: Vec<String>,
    pub priority: i32,
    pub docs: Vec<String>,
    pub source: Vec<String>,
    pub examples: Vec<String>,
    pub en: Texts,
    pub ja: Texts,
    /// Where the entry was defined (a built-in file or the user's `--catalog`).
    pub origin: String,
}

impl Entry {
    pub fn texts(&self, lang: Lang) -> &Texts {
        match lang {
            Lang::En => &self.en,
            Lang::Ja => &self.ja,
        }
    }

    /// Names of every capture group of the entry's patterns.
    pub fn capture_names(&self) -> HashSet<&str> {
        self.patterns
            .iter()
            .filter_map(Pattern::full)
            .flat_map(|r| r.group_info().pattern_names(PatternID::ZERO))
            .flatten()
            .collect()
    }
}

/// The compiled catalog: entries plus the matcher built over them.
pub struct Catalog {
    pub version: String,
    pub date: String,
    pub entries: Vec<Entry>,
    pub matcher: Matcher,
    /// For guesses when nothing matches; built on first use.
    similar: OnceLock<similar::Index>,
}

impl Catalog {
    /// The built-in catalog plus the user's files (which replace entries with the same id).
    pub fn load(extra: &[(String, String)]) -> Result<Catalog> {
        let meta: MetaDef = toml::from_str(META).context("catalog/catalog.toml")?;
        let mut entries: Vec<Entry> = Vec::new();
        let mut unique = Unique::default();
        for (name, json) in BUILTIN {
            let loaded = parse_builtin(name, json, false)?;
            unique.check(&loaded, name)?;
            entries.extend(loaded);
        }
        for (name, text) in extra {
            for e in parse_file(name, text, true)? {
                match entries.iter_mut().find(|x| x.id == e.id) {
                    Some(slot) => *slot = e,
                    None => entries.push(e),
                }
            }
        }
        let matcher = Matcher::new(&entries)?;
        Ok(Catalog {
            version: meta.version,
            date: meta.date,
            entries,
            matcher,
            similar: OnceLock::new(),
        })
    }

    /// A catalog of these files only, without the built-in entries (for tests of code
    /// that renders a catalog).
    pub fn only(files: &[(String, String)]) -> Result<Catalog> {
        let mut entries: Vec<Entry> = Vec::new();
        let mut unique = Unique::default();
        for (name, text) in files {
            let loaded = parse_file(name, text, true)?;
            unique.check(&loaded, name)?;
            entries.extend(loaded);
        }
        let matcher = Matcher::new(&entries)?;
        Ok(Catalog {
            version: "test".to_owned(),
            date: "2026-01-01".to_owned(),
            entries,
            matcher,
            similar: OnceLock::new(),
        })
    }

    pub fn get(&self, id: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.id == id)
    }

    pub fn lookup(&self, q: &Lookup<'_>) -> Found {
        self.matcher.lookup(&self.entries, q)
    }

    /// The entries closest to a message that matched nothing (guesses), best first.
    pub fn closest(&self, message: &str, system: Option<System>, n: usize) -> Vec<similar::Guess> {
        let index = self
            .similar
            .get_or_init(|| similar::Index::new(&self.entries));
        index.closest(message, system.map(|s| (s, self.entries.as_slice())), n)
    }
}

/// Ids are unique; a code belongs to one entry per system (two systems may use the same
/// code name: School Data Sync classic reports Entra's `DuplicateTargetEntries`). Checked
/// file by file, against the files before.
#[derive(Default)]
struct Unique {
    ids: HashSet<String>,
    codes: HashMap<(String, System), String>,
}

impl Unique {
    fn check(&mut self, new: &[Entry], file: &str) -> Result<()> {
        for e in new {
            if !self.ids.insert(e.id.clone()) {
                bail!("{file}: entry '{}' is defined twice", e.id);
            }
            for c in &e.codes {
                if let Some(other) = self.codes.insert((c.clone(), e.system), e.id.clone()) {
                    bail!(
                        "{file}: entry '{}': code '{c}' is already claimed by entry '{other}'",
                        e.id
                    );
                }
            }
        }
        Ok(())
    }
}

/// Parses and validates one catalog file. Errors name the file, the entry and the field.
/// With `compile`, every pattern is compiled now (a user's file); built-in patterns are
/// compiled on first use.
pub fn parse_file(name: &str, text: &str, compile: bool) -> Result<Vec<Entry>> {
    let def: FileDef = toml::from_str(text).map_err(|e| {
        let msg = e.message().trim().to_owned();
        let at = e
            .span()
            .map(|s| {
                let line = text[..s.start.min(text.len())].matches('\n').count() + 1;
                format!("line {line}: ")
            })
            .unwrap_or_default();
        anyhow::anyhow!("{name}: {at}{msg}")
    })?;
    validate_all(def, name, compile)
}

/// A built-in file, as build.rs converted it (a TOML error fails the build).
fn parse_builtin(name: &str, json: &str, compile: bool) -> Result<Vec<Entry>> {
    let def: FileDef = serde_json::from_str(json).with_context(|| name.to_owned())?;
    validate_all(def, name, compile)
}

fn validate_all(def: FileDef, name: &str, compile: bool) -> Result<Vec<Entry>> {
    def.entry
        .into_iter()
        .map(|d| {
            let id = d.id.clone();
            validate(d, name, compile).with_context(|| format!("{name}: entry '{id}'"))
        })
        .collect()
}

fn validate(d: EntryDef, origin: &str, compile: bool) -> Result<Entry> {
    let system = System::parse(&d.system).with_context(|| {
        format!(
            "field `system`: unknown value '{}' (expected one of {})",
            d.system,
            System::names()
        )
    })?;
    let category = Category::parse(&d.category)
        .filter(|c| *c != Category::Unclassified)
        .with_context(|| {
            format!(
                "field `category`: unknown value '{}' (expected one of {})",
                d.category,
                Category::names()
            )
        })?;
    let retry = Retry::parse(&d.retry).with_context(|| {
        format!(
            "field `retry`: unknown value '{}' (expected one of {})",
            d.retry,
            Retry::names()
        )
    })?;
    let prefix = format!("{}.", system.as_str());
    let rest = d.id.strip_prefix(&prefix).unwrap_or("");
    let well_formed = !rest.is_empty()
        && rest.split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    if !well_formed {
        bail!("field `id`: must be '{prefix}' followed by kebab-case words (a-z, 0-9)");
    }
    let patterns: Vec<Pattern> = d.patterns.into_iter().map(Pattern::new).collect();
    if compile {
        for (i, p) in patterns.iter().enumerate() {
            let re = Pattern::compile(p.as_str())
                .with_context(|| format!("field `patterns`[{i}] does not compile"))?;
            let _ = p.full.set(Some(re));
        }
    }
    for (lang, t) in [("en", &d.en), ("ja", &d.ja)] {
        if t.title.trim().is_empty() || t.explanation.trim().is_empty() {
            bail!("field `{lang}`: title and explanation must not be empty");
        }
        if t.steps.is_empty() || t.steps.iter().any(|s| s.trim().is_empty()) {
            bail!("field `{lang}.steps`: needs at least one step, and no empty ones");
        }
    }
    if d.codes.is_empty()
        && patterns.is_empty()
        && d.http_status.is_empty()
        && d.skip_reasons.is_empty()
    {
        bail!(
            "the entry has no codes, patterns, http_status or skip_reasons: nothing can match it"
        );
    }
    Ok(Entry {
        id: d.id,
        system,
        category,
        retry,
        codes: d.codes,
        patterns,
        http_status: d.http_status,
        skip_reasons: d.skip_reasons,
        tasks: d.tasks,
        priority: d.priority,
        docs: d.docs,
        source: d.source,
        examples: d.examples,
        en: d.en,
        ja: d.ja,
        origin: origin.to_owned(),
    })
}

/// Fills `{name}` placeholders from captured values; a missing one shows as `<name>`.
pub fn fill(text: &str, captures: &[(String, String)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close)
                if close > 0
                    && after[..close]
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_') =>
            {
                let name = &after[..close];
                match captures.iter().find(|(k, _)| k == name) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('<');
                        out.push_str(name);
                        out.push('>');
                    }
                }
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests;
