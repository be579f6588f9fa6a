//! Matching a failure against the catalog, with one documented precedence rule.
//!
//! Every text is first cut into its layers (`crate::layers`: the service's own sentence,
//! the target's answer as SCIM, Graph, OAuth, HTML or plain text, and the answer decoded)
//! and normalised (`normalize`: case, whitespace, quotes, ellipses, entities). A literal
//! prefilter (`prefilter`) finds the patterns that can match; each is run, and each match
//! is attributed to the layer it starts in.
//!
//! Tiers, best first:
//! 1. a catalog id typed into `explain`; for a skipped event, its `SkipReason`;
//! 2. the specific matches: the event's error code equal to an entry's `codes`, and
//!    patterns. Among them, an entry with a negative `priority` (a catch-all such as
//!    "some Graph error") loses to any other; then the match deeper inside the message
//!    wins (the target's own answer over Entra's envelope: an AADSTS code inside a 401, a
//!    SCIM `detail` inside a 400), unless it belongs to another system than the
//!    envelope's own match (an IIJ job quoting a Graph error is IIJ's); then the code
//!    over a pattern, the higher `priority`, the pattern that matched the longer stretch
//!    of text (the more specific one), the entry whose `tasks` name the event's task, and
//!    the id; between systems that match equally, Entra (the user names another with
//!    `--system`);
//! 3. (`explain` only) a known code appearing inside a pasted message; then phrases, the
//!    entries of priority -2 or lower that know a category from common wording ("has
//!    already been taken", "User not found"), deeper layers first;
//! 4. the HTTP status parsed from the reason;
//! 5. a skip reason on an event that is not marked skipped.
//!
//! The winner's outer layers are kept as its context (`Found::chain`). Nothing matching
//! is not an error: the caller reports the event as `unclassified`.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::HashMap;
use std::sync::OnceLock;

use anyhow::{Context, Result};
use regex::Regex;

use super::prefilter::Prefilter;
use super::{Entry, System, normalize};
use crate::layers::{self, Layer};

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
    /// Reason, additional details, the failed step's description, a pasted message, each
    /// with the layer it stands for (its body, if it has one, is found inside it).
    pub texts: Vec<(Layer, &'a str)>,
    pub http_status: Option<u16>,
    pub skip_reason: Option<&'a str>,
    pub skipped: bool,
    /// The job type or operation (IIJ), to break ties.
    pub task: Option<&'a str>,
    /// Only entries of this system (the user knows where the message came from).
    pub system: Option<System>,
    /// Look for known codes inside the texts (a pasted message).
    pub embedded_codes: bool,
    /// Every candidate (`explain` lists them); otherwise the lookup stops as soon as the
    /// answer cannot change, which spares the pattern pass for events found by their code
    /// whose reason has no target answer inside.
    pub all: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub entry: usize,
    pub matched_by: MatchedBy,
    /// The layer of the message the match was found in.
    pub layer: Layer,
    /// Named captures of the entry's pattern that matched, in pattern order.
    pub captures: Vec<(String, String)>,
    /// Found by a code, status or skip reason: the captures are still to be read from the
    /// entry's own patterns, which is done only for the candidates a caller sees.
    pending: bool,
    rank: Rank,
}

/// Entries at this priority or lower are phrases ("already been taken", "not found"):
/// they speak only when no entry knows the message, not even by a code inside it, and
/// before the bare HTTP status.
pub const PHRASE_PRIORITY: i32 = -2;

/// What a lookup found: every entry that fits, best first (one candidate per entry, its
/// best match), and the winner's chain: the best match of each layer outside the
/// winner's, outermost first, ending with the winner. Without `Lookup::all`, only the
/// winner and the chain carry their captures: reading the others' would compile patterns
/// for candidates nobody shows.
#[derive(Debug, Clone, Default)]
pub struct Found {
    pub candidates: Vec<Candidate>,
    pub chain: Vec<Candidate>,
}

/// Smaller is better; see the module's precedence rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Rank {
    class: u8,
    generic: bool,
    /// Found in the target's answer but of another system than the envelope's own
    /// match: an IIJ job that quotes a Graph error is still an IIJ failure.
    foreign: bool,
    depth: std::cmp::Reverse<u8>,
    tier: u8,
    priority: std::cmp::Reverse<i32>,
    len: std::cmp::Reverse<usize>,
    /// Matches of Entra and of another system that are otherwise equal: Entra's (the
    /// system most messages come from; `--system` narrows to another).
    not_entra: bool,
    task_mismatch: bool,
}

pub struct Matcher {
    /// Each code's entries: one per system at most.
    codes: HashMap<String, Vec<usize>>,
    /// The same codes in lower case: a code typed or pasted in another case still
    /// matches (an exact match is tried first).
    codes_folded: HashMap<String, Vec<usize>>,
    /// Built on first use: narrows the patterns to run on a text.
    prefilter: OnceLock<Prefilter>,
    sources: Vec<String>,
    /// For each pattern of `set`: its entry and its index among the entry's patterns.
    owners: Vec<(usize, usize)>,
    /// For each entry: the index (into `owners`) of its first pattern; an entry's patterns
    /// are numbered in a row.
    first_pattern: Vec<usize>,
    http: HashMap<u16, Vec<usize>>,
    skips: HashMap<String, usize>,
    ids: HashMap<String, usize>,
    token: Regex,
}

/// A text made ready for matching: its layers normalised and joined, with the span of
/// each. Pieces of the original are joined by a space (a pattern may read across
/// `StatusCode: … Message: …`), decoded forms by a line break.
pub struct Prepared<'a> {
    pub text: Cow<'a, str>,
    spans: Vec<(usize, Layer)>,
    pub has_body: bool,
    /// The patterns that may match `text` (see `Matcher::candidates`).
    candidates: OnceCell<Vec<usize>>,
}

impl<'a> Prepared<'a> {
    pub fn new(raw: &'a str, outer: Layer) -> Prepared<'a> {
        let pieces = layers::split(raw, outer);
        let has_body = pieces.len() > 1;
        if !has_body {
            let text = normalize::text(raw);
            return Prepared {
                text,
                spans: vec![(0, outer)],
                has_body,
                candidates: OnceCell::new(),
            };
        }
        let mut text = String::with_capacity(raw.len() + 64);
        let mut spans = Vec::with_capacity(pieces.len());
        for p in &pieces {
            let norm = normalize::text(&p.text);
            if norm.is_empty() {
                continue;
            }
            if !text.is_empty() {
                text.push(if p.decoded { '\n' } else { ' ' });
            }
            spans.push((text.len(), p.layer));
            text.push_str(&norm);
        }
        Prepared {
            text: Cow::Owned(text),
            spans,
            has_body,
            candidates: OnceCell::new(),
        }
    }

    /// The layer of the piece holding byte `at`.
    pub fn layer_at(&self, at: usize) -> Layer {
        let i = self.spans.partition_point(|(start, _)| *start <= at);
        self.spans
            .get(i.saturating_sub(1))
            .map_or(Layer::Summary, |(_, l)| *l)
    }
}

impl Matcher {
    pub fn new(entries: &[Entry]) -> Result<Matcher> {
        let mut codes: HashMap<String, Vec<usize>> = HashMap::new();
        let mut codes_folded: HashMap<String, Vec<usize>> = HashMap::new();
        let mut owners = Vec::new();
        let mut first_pattern = Vec::with_capacity(entries.len());
        let mut sources = Vec::new();
        let mut http: HashMap<u16, Vec<usize>> = HashMap::new();
        let mut skips = HashMap::new();
        let mut ids = HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            ids.insert(e.id.clone(), i);
            for c in &e.codes {
                // Per system, the entry loaded last owns the code: a user's file, loaded
                // after the built-in ones, takes a code over.
                for list in [
                    codes.entry(c.clone()).or_default(),
                    codes_folded.entry(c.to_lowercase()).or_default(),
                ] {
                    list.retain(|&j| entries[j].system != e.system);
                    list.push(i);
                }
            }
            first_pattern.push(owners.len());
            for (k, p) in e.patterns.iter().enumerate() {
                owners.push((i, k));
                sources.push(normalize::pattern(p.as_str()));
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
            codes_folded,
            prefilter: OnceLock::new(),
            sources,
            owners,
            first_pattern,
            http,
            skips,
            ids,
            token,
        })
    }

    /// The entries whose code this is, exactly or else in another case.
    fn code(&self, c: &str) -> &[usize] {
        self.codes
            .get(c)
            .or_else(|| self.codes_folded.get(&c.to_lowercase()))
            .map_or(&[], Vec::as_slice)
    }

    fn prefilter(&self) -> &Prefilter {
        self.prefilter.get_or_init(|| Prefilter::new(&self.sources))
    }

    /// Indexes (into `owners`) of the patterns that may match the text, in order; the
    /// caller runs each to find out. Worked out once per text.
    fn candidates<'p>(&self, p: &'p Prepared<'_>) -> &'p [usize] {
        p.candidates
            .get_or_init(|| self.prefilter().candidates(&p.text))
    }

    /// Every entry that fits, best first, one candidate per entry (its best match).
    /// `entries` is the slice the matcher was built from (the catalog holds both), so
    /// every index kept here (codes, owners, ids, http, skips) is in range.
    pub fn lookup(&self, entries: &[Entry], q: &Lookup<'_>) -> Found {
        let mut found: Vec<Candidate> = Vec::new();
        let task_mismatch = |i: usize| match q.task {
            Some(t) if !entries[i].tasks.is_empty() => {
                !entries[i].tasks.iter().any(|x| x.eq_ignore_ascii_case(t))
            }
            _ => false,
        };
        let allowed = |i: usize| q.system.is_none_or(|s| entries[i].system == s);
        let add = |found: &mut Vec<Candidate>,
                   entry: usize,
                   by: MatchedBy,
                   layer: Layer,
                   len: usize,
                   captures: Option<Vec<(String, String)>>| {
            if !allowed(entry) {
                return;
            }
            let priority = entries[entry].priority;
            let (class, tier) = match by {
                MatchedBy::Id => (0, 0),
                MatchedBy::SkipReason if q.skipped => (0, 1),
                MatchedBy::Code => (1, 0),
                MatchedBy::Pattern if priority <= PHRASE_PRIORITY => (2, 1),
                MatchedBy::Pattern => (1, 1),
                MatchedBy::EmbeddedCode => (2, 0),
                MatchedBy::HttpStatus => (3, 0),
                MatchedBy::SkipReason => (4, 0),
            };
            found.push(Candidate {
                entry,
                matched_by: by,
                layer,
                pending: captures.is_none(),
                captures: captures.unwrap_or_default(),
                rank: Rank {
                    class,
                    generic: priority < 0,
                    foreign: false,
                    depth: std::cmp::Reverse(layer.depth()),
                    tier,
                    priority: std::cmp::Reverse(priority),
                    len: std::cmp::Reverse(len),
                    not_entra: entries[entry].system != System::Entra,
                    task_mismatch: task_mismatch(entry),
                },
            });
        };

        if let Some(&i) = q.id.and_then(|id| self.ids.get(id.trim())) {
            add(
                &mut found,
                i,
                MatchedBy::Id,
                Layer::Code,
                0,
                Some(Vec::new()),
            );
        }
        let prepared: Vec<Prepared> = q
            .texts
            .iter()
            .map(|(layer, t)| Prepared::new(t, *layer))
            .collect();
        let skip = q
            .skip_reason
            .and_then(|s| self.skips.get(&s.trim().to_ascii_lowercase()).copied());
        if let (Some(i), true) = (skip, q.skipped) {
            add(&mut found, i, MatchedBy::SkipReason, Layer::Step, 0, None);
        }
        let decided = |found: &Vec<Candidate>| !q.all && found.iter().any(|c| c.rank.class == 0);
        if !decided(&found) {
            for &i in q.code.map_or(&[][..], |c| self.code(c.trim())) {
                add(&mut found, i, MatchedBy::Code, Layer::Code, 0, None);
            }
        }
        // Found by its code, an event needs the pattern pass only if a target's answer
        // inside the reason could say something more specific.
        let by_code = found.iter().any(|c| c.matched_by == MatchedBy::Code);
        let body = prepared.iter().any(|p| p.has_body);
        if !decided(&found) && (q.all || !by_code || body) {
            for p in &prepared {
                for &idx in self.candidates(p) {
                    let (entry, k) = self.owners[idx];
                    if let Some((span, captures)) = entries[entry].patterns[k].captures(&p.text) {
                        let layer = p.layer_at(span.start);
                        add(
                            &mut found,
                            entry,
                            MatchedBy::Pattern,
                            layer,
                            span.len(),
                            Some(captures),
                        );
                    }
                }
            }
        }
        let specific = |found: &Vec<Candidate>| found.iter().any(|c| c.rank.class <= 1);
        if q.embedded_codes && (q.all || !specific(&found)) {
            for p in &prepared {
                for m in self.token.find_iter(&p.text) {
                    for &i in self.code(m.as_str()) {
                        let layer = p.layer_at(m.start());
                        add(&mut found, i, MatchedBy::EmbeddedCode, layer, 0, None);
                    }
                }
            }
        }
        // The status is cheap to look up and is the outermost context of a chain, so it is
        // kept even when something more specific matched.
        if let Some(list) = q.http_status.and_then(|s| self.http.get(&s)) {
            for &i in list {
                add(&mut found, i, MatchedBy::HttpStatus, Layer::Status, 0, None);
            }
        }
        if let (Some(i), false) = (skip, q.skipped)
            && (q.all || found.is_empty())
        {
            add(&mut found, i, MatchedBy::SkipReason, Layer::Step, 0, None);
        }

        let fill = |c: &mut Candidate| {
            if c.pending {
                c.captures = self.captures_of(entries, c.entry, &prepared);
                c.pending = false;
            }
        };
        if q.all {
            found.iter_mut().for_each(fill);
        }
        mark_foreign(entries, &mut found);
        found.sort_by(|a, b| {
            a.rank
                .cmp(&b.rank)
                .then_with(|| entries[a.entry].id.cmp(&entries[b.entry].id))
        });
        let mut chain = chain(entries, &found);
        let mut seen = std::collections::HashSet::new();
        found.retain(|c| seen.insert(c.entry));
        chain.iter_mut().chain(found.first_mut()).for_each(fill);
        Found {
            candidates: found,
            chain,
        }
    }

    /// Captures from the entry's own patterns, for an entry found by code or status: the
    /// first pattern that matches, texts in order. Only the patterns the prefilter lets
    /// through are run (the others cannot match), which spares compiling them.
    fn captures_of(
        &self,
        entries: &[Entry],
        i: usize,
        texts: &[Prepared<'_>],
    ) -> Vec<(String, String)> {
        let first = self.first_pattern[i];
        for p in texts {
            let candidates = self.candidates(p);
            for (k, pattern) in entries[i].patterns.iter().enumerate() {
                if candidates.binary_search(&(first + k)).is_err() {
                    continue;
                }
                if let Some((_, captures)) = pattern.captures(&p.text) {
                    return captures;
                }
            }
        }
        Vec::new()
    }
}

/// The winner (`found[0]`, `found` sorted best first, every match of every entry) and the
/// best match of each layer outside it, outermost first, ending with the winner: the
/// chain `show` prints as "Target app answered 401 ← Client secret has expired". Links
/// of another system than the winner's are left out (a CloudGate message's status is
/// not an Entra diagnosis).
fn chain(entries: &[Entry], found: &[Candidate]) -> Vec<Candidate> {
    let Some(winner) = found.first() else {
        return Vec::new();
    };
    if !matches!(winner.rank.class, 1 | 2) {
        return vec![winner.clone()];
    }
    let depth = winner.layer.depth();
    let mut out: Vec<&Candidate> = Vec::new();
    for c in found.iter().skip(1) {
        let d = c.layer.depth();
        if c.rank.class > 3
            || d >= depth
            || c.entry == winner.entry
            || entries[c.entry].system != entries[winner.entry].system
            || out
                .iter()
                .any(|o| o.layer.depth() == d || o.entry == c.entry)
        {
            continue;
        }
        out.push(c);
    }
    out.sort_by_key(|c| c.layer.depth());
    out.push(winner);
    out.into_iter().cloned().collect()
}

/// The system of the best specific match outside the target's answer, if any; deeper
/// matches of another system are marked foreign.
fn mark_foreign(entries: &[Entry], found: &mut [Candidate]) {
    let outer = found
        .iter()
        .filter(|c| c.rank.class == 1 && !c.rank.generic && c.layer.depth() == 1)
        .min_by(|a, b| a.rank.cmp(&b.rank))
        .map(|c| entries[c.entry].system);
    if let Some(system) = outer {
        for c in found.iter_mut() {
            c.rank.foreign = c.layer.is_body() && entries[c.entry].system != system;
        }
    }
}
