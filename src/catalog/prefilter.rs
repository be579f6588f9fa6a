//! Which catalog patterns can match a text, found fast.
//!
//! Running hundreds of patterns as one `RegexSet` needs an overlapping search, which the
//! regex engines do slowly (the lazy DFA's states multiply, and a Unicode word boundary
//! sends the search to the PikeVM). Most patterns, though, contain a literal that every
//! match must contain ("already exists", "AADSTS7000222", "存在しません"). One
//! Aho-Corasick pass over the text finds which of those literals occur, and only their
//! patterns are run. The few patterns without such a literal are run through a small
//! `RegexSet`.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::{RegexSet, RegexSetBuilder};
use regex_syntax::hir::{Hir, HirKind};

/// Shorter literals occur in too many texts to narrow anything down.
const MIN_LITERAL: usize = 3;

pub struct Prefilter {
    /// The required literals of every pattern that has some.
    literals: Option<AhoCorasick>,
    /// For each literal of `literals`: the patterns that require it.
    owners: Vec<Vec<usize>>,
    /// The patterns with no required literal, run as one set.
    rest: Option<RegexSet>,
    rest_ids: Vec<usize>,
    /// Patterns that could not be analysed or combined: run on every text.
    always: Vec<usize>,
    count: usize,
}

impl Prefilter {
    /// `sources` are the patterns as compiled (normalised; matched ignoring case).
    pub fn new(sources: &[String]) -> Prefilter {
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut words: Vec<String> = Vec::new();
        let mut owners: Vec<Vec<usize>> = Vec::new();
        let mut rest_ids = Vec::new();
        let mut rest_sources = Vec::new();
        for (i, src) in sources.iter().enumerate() {
            match required(src) {
                Some(lits) => {
                    for lit in lits {
                        let slot = *index.entry(lit.clone()).or_insert_with(|| {
                            words.push(lit);
                            owners.push(Vec::new());
                            owners.len() - 1
                        });
                        if owners[slot].last() != Some(&i) {
                            owners[slot].push(i);
                        }
                    }
                }
                None => {
                    rest_ids.push(i);
                    rest_sources.push(src.as_str());
                }
            }
        }
        let literals = if words.is_empty() {
            None
        } else {
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::Standard)
                .build(&words)
                .ok()
        };
        let mut always = Vec::new();
        if literals.is_none() {
            // Every pattern that relied on a literal is run as it is.
            always.extend(owners.iter().flatten().copied());
            always.sort_unstable();
            always.dedup();
        }
        let rest = if rest_sources.is_empty() {
            None
        } else {
            let set = RegexSetBuilder::new(&rest_sources)
                .case_insensitive(true)
                .size_limit(64 << 20)
                .dfa_size_limit(2 << 20)
                .build()
                .ok();
            if set.is_none() {
                always.extend(rest_ids.iter().copied());
            }
            set
        };
        Prefilter {
            literals,
            owners,
            rest,
            rest_ids,
            always,
            count: sources.len(),
        }
    }

    /// The patterns (indexes into `sources`) that may match `text`, in order, each once.
    /// Every pattern that matches is among them; some of them may not match.
    pub fn candidates(&self, text: &str) -> Vec<usize> {
        let mut seen = vec![false; self.count];
        if let Some(ac) = &self.literals {
            for m in ac.find_overlapping_iter(text) {
                for &p in &self.owners[m.pattern().as_usize()] {
                    seen[p] = true;
                }
            }
        }
        if let Some(set) = &self.rest {
            for k in set.matches(text).iter() {
                seen[self.rest_ids[k]] = true;
            }
        }
        for &p in &self.always {
            seen[p] = true;
        }
        seen.iter()
            .enumerate()
            .filter_map(|(i, s)| s.then_some(i))
            .collect()
    }

    /// How many patterns need the set.
    #[cfg(test)]
    pub fn without_literal(&self) -> usize {
        self.rest_ids.len()
    }
}

/// Literals of which every match of the pattern contains at least one, lower-cased, or
/// `None` when there are none worth using.
fn required(src: &str) -> Option<Vec<String>> {
    // Case is ignored by the search anyway; a leading (?i) would only turn literals
    // into classes.
    let src = src.strip_prefix("(?i)").unwrap_or(src);
    let hir = regex_syntax::ParserBuilder::new().build().parse(src).ok()?;
    let lits = of(&hir)?;
    let mut out: Vec<String> = lits.into_iter().map(|l| l.to_lowercase()).collect();
    out.sort();
    out.dedup();
    // A literal whose letters change under Unicode case folding beyond ASCII would be
    // missed by the ASCII-only folding of the literal search.
    if out
        .iter()
        .any(|l| l.len() < MIN_LITERAL || l.chars().any(|c| !c.is_ascii() && has_case(c)))
    {
        return None;
    }
    Some(out)
}

fn has_case(c: char) -> bool {
    c.to_lowercase().ne(c.to_uppercase())
}

/// The required literals of a pattern's tree: every match contains one of them.
fn of(h: &Hir) -> Option<Vec<String>> {
    match h.kind() {
        HirKind::Literal(l) => {
            let s = std::str::from_utf8(&l.0).ok()?;
            (s.len() >= MIN_LITERAL).then(|| vec![s.to_owned()])
        }
        HirKind::Capture(c) => of(&c.sub),
        HirKind::Repetition(r) if r.min >= 1 => of(&r.sub),
        HirKind::Concat(parts) => {
            // Every part is required: the one with the longest shortest literal narrows
            // best. Adjacent literals are one literal.
            let mut best: Option<Vec<String>> = None;
            let mut run = String::new();
            let consider = |cand: Option<Vec<String>>, best: &mut Option<Vec<String>>| {
                if let Some(c) = cand {
                    let score = |v: &Vec<String>| v.iter().map(String::len).min().unwrap_or(0);
                    if best.as_ref().is_none_or(|b| score(&c) > score(b)) {
                        *best = Some(c);
                    }
                }
            };
            for p in parts {
                if let HirKind::Literal(l) = p.kind()
                    && let Ok(s) = std::str::from_utf8(&l.0)
                {
                    run.push_str(s);
                    continue;
                }
                if run.len() >= MIN_LITERAL {
                    consider(Some(vec![std::mem::take(&mut run)]), &mut best);
                }
                run.clear();
                consider(of(p), &mut best);
            }
            if run.len() >= MIN_LITERAL {
                consider(Some(vec![run]), &mut best);
            }
            best
        }
        HirKind::Alternation(alts) => {
            let mut all = Vec::new();
            for a in alts {
                all.extend(of(a)?);
            }
            Some(all)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_literals() {
        assert_eq!(
            required(r"Resource \[USER\]: with email\[(?P<e>[^\]]+)\] already exists"),
            Some(vec!["resource [user]: with email[".to_owned()])
        );
        assert_eq!(
            required(r"(?i)quarantine[^\n]{0,60}?\binvalid credentials\b"),
            Some(vec!["invalid credentials".to_owned()])
        );
        assert_eq!(
            required(r"(?:foo bar|baz qux)\d+"),
            Some(vec!["baz qux".to_owned(), "foo bar".to_owned()])
        );
        assert_eq!(required(r"(?:foo|\d+) x"), None);
        assert_eq!(required(r"\w+"), None);
        assert_eq!(
            required("存在しません"),
            Some(vec!["存在しません".to_owned()])
        );
        assert_eq!(required("Élan vital"), None, "non-ASCII case");
    }

    #[test]
    fn candidates_include_every_match() {
        let sources: Vec<String> = [
            r"already exists",
            r"(?P<app>\w+) returned 409",
            r"AADSTS7000222",
            r"^\d+$",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        let p = Prefilter::new(&sources);
        assert_eq!(p.without_literal(), 1);
        assert_eq!(
            p.candidates("User ALREADY EXISTS; Slack returned 409"),
            vec![0, 1]
        );
        assert_eq!(p.candidates("aadsts7000222"), vec![2]);
        assert_eq!(p.candidates("12345"), vec![3]);
        assert!(p.candidates("nothing here").is_empty());
    }
}
