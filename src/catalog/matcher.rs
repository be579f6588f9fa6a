//! Matching a failure against the catalog, with one documented precedence rule.
//!
//! Tiers, best first:
//! 1. for a skipped event, its `SkipReason` (the reason it was skipped is the diagnosis);
//! 2. the event's error code equal to an entry's `codes`;
//! 3. patterns: one `RegexSet` pass over every text finds the candidates; among them the
//!    higher `priority` wins, then the pattern that matched the longer stretch of text (the
//!    more specific one), then the entry whose `tasks` name the event's task, then the id;
//! 4. a known code appearing inside a pasted message (`explain` only);
//! 5. the HTTP status parsed from the reason;
//! 6. a skip reason on an event that is not marked skipped.
//!
//! Nothing matching is not an error: the caller reports the event as `unclassified`.

use std::collections::HashMap;
use std::sync::OnceLock;

use anyhow::{Context, Result};
use regex::{Regex, RegexSet, RegexSetBuilder};

use super::Entry;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MatchedBy {
    Id,
    SkipReason,
    Code,
    Pattern,
    EmbeddedCode,
    HttpStatus,
}

impl MatchedBy {
    /// The contract's `matched_by` values; a catalog id typed into `explain` and a code
    /// found inside a message both count as `code`.
    pub fn as_str(self) -> &'static str {
        match self {
            MatchedBy::Id | MatchedBy::Code | MatchedBy::EmbeddedCode => "code",
            MatchedBy::SkipReason => "skip-reason",
            MatchedBy::Pattern => "pattern",
            MatchedBy::HttpStatus => "http-status",
        }
    }
}

/// What is known about one failure, for matching.
#[derive(Debug, Default, Clone)]
pub struct Lookup<'a> {
    /// A catalog id typed by the user (`explain`).
    pub id: Option<&'a str>,
    pub code: Option<&'a str>,
    /// Reason, additional details, the failed step's description, a pasted message.
    pub texts: Vec<&'a str>,
    pub http_status: Option<u16>,
    pub skip_reason: Option<&'a str>,
    pub skipped: bool,
    /// The job type or operation (IIJ), to break ties.
    pub task: Option<&'a str>,
    /// Look for known codes inside the texts (a pasted message).
    pub embedded_codes: bool,
    /// Every candidate (`explain` lists them); otherwise the lookup stops at the first tier
    /// that matched, which spares the pattern pass for events found by their code.
    pub all: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub entry: usize,
    pub matched_by: MatchedBy,
    /// Named captures of the entry's pattern that matched, in pattern order.
    pub captures: Vec<(String, String)>,
    rank: (u8, i32, std::cmp::Reverse<usize>, bool),
}

pub struct Matcher {
    codes: HashMap<String, usize>,
    /// Built on first use; `None` if the patterns could not be combined (each is then run
    /// on its own, slower but with the same result).
    set: OnceLock<Option<RegexSet>>,
    sources: Vec<String>,
    /// For each pattern of `set`: its entry and its index among the entry's patterns.
    owners: Vec<(usize, usize)>,
    http: HashMap<u16, Vec<usize>>,
    skips: HashMap<String, usize>,
    ids: HashMap<String, usize>,
    token: Regex,
}

impl Matcher {
    pub fn new(entries: &[Entry]) -> Result<Matcher> {
        let mut codes = HashMap::new();
        let mut owners = Vec::new();
        let mut sources = Vec::new();
        let mut http: HashMap<u16, Vec<usize>> = HashMap::new();
        let mut skips = HashMap::new();
        let mut ids = HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            ids.insert(e.id.clone(), i);
            for c in &e.codes {
                codes.insert(c.clone(), i);
            }
            for (k, p) in e.patterns.iter().enumerate() {
                owners.push((i, k));
                sources.push(p.as_str().to_owned());
            }
            for s in &e.http_status {
                http.entry(*s).or_default().push(i);
            }
            for s in &e.skip_reasons {
                skips.insert(s.to_ascii_lowercase(), i);
            }
        }
        let token = Regex::new(r"[A-Za-z][A-Za-z0-9_]{2,}").context("code token")?;
        Ok(Matcher {
            codes,
            set: OnceLock::new(),
            sources,
            owners,
            http,
            skips,
            ids,
            token,
        })
    }

    fn build_set(sources: &[String]) -> Option<RegexSet> {
        RegexSetBuilder::new(sources)
            .size_limit(256 << 20)
            // The lazy DFA's cache: bounded, so that memory stays flat however many
            // failures need the pattern pass.
            .dfa_size_limit(4 << 20)
            .build()
            .ok()
    }

    fn set(&self) -> Option<&RegexSet> {
        self.set
            .get_or_init(|| Matcher::build_set(&self.sources))
            .as_ref()
    }

    /// Indexes (into `owners`) of the patterns that match `text`.
    fn matching(&self, entries: &[Entry], text: &str) -> Vec<usize> {
        match self.set() {
            Some(set) => set.matches(text).into_iter().collect(),
            None => self
                .owners
                .iter()
                .enumerate()
                .filter(|(_, (e, k))| {
                    entries[*e].patterns[*k]
                        .regex()
                        .is_some_and(|r| r.is_match(text))
                })
                .map(|(i, _)| i)
                .collect(),
        }
    }

    /// Every entry that fits, best first, one candidate per entry. `entries` is the slice
    /// the matcher was built from (the catalog holds both), so every index kept here
    /// (codes, owners, ids, http, skips) is in range.
    pub fn lookup(&self, entries: &[Entry], q: &Lookup<'_>) -> Vec<Candidate> {
        let mut found: Vec<Candidate> = Vec::new();
        let task_mismatch = |i: usize| match q.task {
            Some(t) if !entries[i].tasks.is_empty() => {
                !entries[i].tasks.iter().any(|x| x.eq_ignore_ascii_case(t))
            }
            _ => false,
        };
        let add = |found: &mut Vec<Candidate>, entry: usize, by, tier: u8, len: usize, captures| {
            found.push(Candidate {
                entry,
                matched_by: by,
                captures,
                rank: (
                    tier,
                    -entries[entry].priority,
                    std::cmp::Reverse(len),
                    task_mismatch(entry),
                ),
            });
        };
        // Without `all`, a lower tier is not looked at once a higher one matched.
        let done = |found: &Vec<Candidate>| !q.all && !found.is_empty();

        if let Some(&i) = q.id.and_then(|id| self.ids.get(id.trim())) {
            add(&mut found, i, MatchedBy::Id, 0, 0, Vec::new());
        }
        let skip = q
            .skip_reason
            .and_then(|s| self.skips.get(&s.trim().to_ascii_lowercase()).copied());
        if let (Some(i), true) = (skip, q.skipped) {
            let caps = self.captures_of(entries, i, q);
            add(&mut found, i, MatchedBy::SkipReason, 1, 0, caps);
        }
        if let Some(&i) = q.code.and_then(|c| self.codes.get(c.trim())) {
            let caps = self.captures_of(entries, i, q);
            add(&mut found, i, MatchedBy::Code, 2, 0, caps);
        }
        if !done(&found) {
            for text in &q.texts {
                for idx in self.matching(entries, text) {
                    let (entry, k) = self.owners[idx];
                    let Some(re) = entries[entry].patterns[k].regex() else {
                        continue;
                    };
                    if let Some(caps) = re.captures(text) {
                        let len = caps.get(0).map_or(0, |m| m.len());
                        add(
                            &mut found,
                            entry,
                            MatchedBy::Pattern,
                            3,
                            len,
                            named(re, &caps),
                        );
                    }
                }
            }
        }
        if q.embedded_codes && !done(&found) {
            for text in &q.texts {
                for m in self.token.find_iter(text) {
                    if let Some(&i) = self.codes.get(m.as_str()) {
                        let caps = self.captures_of(entries, i, q);
                        add(&mut found, i, MatchedBy::EmbeddedCode, 4, 0, caps);
                    }
                }
            }
        }
        if !done(&found)
            && let Some(list) = q.http_status.and_then(|s| self.http.get(&s))
        {
            for &i in list {
                let caps = self.captures_of(entries, i, q);
                add(&mut found, i, MatchedBy::HttpStatus, 5, 0, caps);
            }
        }
        if let (Some(i), false) = (skip, q.skipped)
            && !done(&found)
        {
            let caps = self.captures_of(entries, i, q);
            add(&mut found, i, MatchedBy::SkipReason, 6, 0, caps);
        }

        found.sort_by(|a, b| {
            a.rank
                .cmp(&b.rank)
                .then_with(|| entries[a.entry].id.cmp(&entries[b.entry].id))
        });
        let mut seen = std::collections::HashSet::new();
        found.retain(|c| seen.insert(c.entry));
        found
    }

    /// Captures from the entry's own patterns, for an entry found by code or status.
    fn captures_of(&self, entries: &[Entry], i: usize, q: &Lookup<'_>) -> Vec<(String, String)> {
        for text in &q.texts {
            for re in entries[i].patterns.iter().filter_map(|p| p.regex()) {
                if let Some(caps) = re.captures(text) {
                    return named(re, &caps);
                }
            }
        }
        Vec::new()
    }
}

fn named(re: &Regex, caps: &regex::Captures<'_>) -> Vec<(String, String)> {
    re.capture_names()
        .flatten()
        .filter_map(|n| {
            caps.name(n)
                .map(|m| (n.to_owned(), m.as_str().trim().to_owned()))
                .filter(|(_, v)| !v.is_empty())
        })
        .collect()
}
