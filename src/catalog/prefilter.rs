//! Which catalog patterns can match a text, found fast.
//!
//! Running hundreds of patterns as one `RegexSet` needs an overlapping search, which the
//! regex engines do slowly (the lazy DFA's states multiply, and a Unicode word boundary
//! sends the search to the PikeVM). Most patterns, though, contain literals that every
//! match must contain ("already exists", "AADSTS7000222", "存在しません"). One
//! Aho-Corasick pass over the text finds which of those literals occur, and only the
//! patterns whose every required literal occurs are run (and compiled: compiling is what
//! a short input pays for most). The few patterns without such a literal are run through
//! a small `RegexSet`.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use regex::{RegexSet, RegexSetBuilder};
use regex_syntax::hir::{Hir, HirKind};

/// Shorter literals occur in too many texts to narrow anything down.
const MIN_LITERAL: usize = 3;

/// Longer literals are looked for by their start.
const MAX_LITERAL: usize = 24;

/// Requirements kept per pattern (one bit each); more narrow nothing down in practice.
const MAX_REQUIREMENTS: usize = 64;

pub struct Prefilter {
    /// The required literals of every pattern that has some.
    literals: Option<AhoCorasick>,
    /// For each literal of `literals`: the patterns that require it, each with the bit of
    /// the requirement it meets (a requirement is met by any one of its literals).
    owners: Vec<Vec<(usize, u64)>>,
    /// For each pattern: the bits of all its requirements; 0 for a pattern with none.
    needs: Vec<u64>,
    /// The patterns with no required literal, run as one set.
    rest: Option<RegexSet>,
    rest_ids: Vec<usize>,
    /// Patterns that could not be analysed or combined: run on every text.
    always: Vec<usize>,
}

impl Prefilter {
    /// `sources` are the patterns as compiled (normalised; matched ignoring case).
    pub fn new(sources: &[String]) -> Prefilter {
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut words: Vec<String> = Vec::new();
        let mut owners: Vec<Vec<(usize, u64)>> = Vec::new();
        let mut needs = vec![0; sources.len()];
        let mut rest_ids = Vec::new();
        let mut rest_sources = Vec::new();
        for (i, src) in sources.iter().enumerate() {
            let groups = required(src);
            if groups.is_empty() {
                rest_ids.push(i);
                rest_sources.push(src.as_str());
                continue;
            }
            for (r, group) in groups.into_iter().enumerate() {
                let bit = 1u64 << r;
                needs[i] |= bit;
                for lit in group {
                    let slot = *index.entry(lit.clone()).or_insert_with(|| {
                        words.push(lit);
                        owners.push(Vec::new());
                        owners.len() - 1
                    });
                    owners[slot].push((i, bit));
                }
            }
        }
        let literals = if words.is_empty() {
            None
        } else {
            // Built at every start for a few hundred short texts: the automaton that is
            // quickest to build, over lower-cased words and texts rather than one that
            // folds case (which doubles its transitions).
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::Standard)
                .kind(Some(AhoCorasickKind::NoncontiguousNFA))
                .build(&words)
                .ok()
        };
        let mut always = Vec::new();
        if literals.is_none() {
            // Every pattern that relied on a literal is run as it is.
            always.extend(owners.iter().flatten().map(|&(p, _)| p));
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
            needs,
            rest,
            rest_ids,
            always,
        }
    }

    /// The patterns (indexes into `sources`) that may match `text`, in order, each once.
    /// Every pattern that matches is among them; some of them may not match.
    pub fn candidates(&self, text: &str) -> Vec<usize> {
        if folds_into_ascii(text) {
            return (0..self.needs.len()).collect();
        }
        let mut met = vec![0u64; self.needs.len()];
        if let Some(ac) = &self.literals {
            for m in ac.find_overlapping_iter(&text.to_ascii_lowercase()) {
                for &(p, bit) in &self.owners[m.pattern().as_usize()] {
                    met[p] |= bit;
                }
            }
        }
        let mut seen: Vec<bool> = met
            .iter()
            .zip(&self.needs)
            .map(|(&met, &needs)| needs != 0 && met == needs)
            .collect();
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

/// Whether the text holds one of the two characters that Unicode case folding turns into
/// an ASCII letter (KELVIN SIGN into `k`, LONG S into `s`): a pattern compiled ignoring
/// case matches them where the ASCII-only folding of the literal search does not, so no
/// pattern can be ruled out.
fn folds_into_ascii(text: &str) -> bool {
    text.contains(['\u{212a}', '\u{17f}'])
}

/// What every match of the pattern contains: for each requirement, literals (lower-cased)
/// of which a match contains at least one. Empty when there are none worth using.
fn required(src: &str) -> Vec<Vec<String>> {
    // Case is ignored by the search anyway; a leading (?i) would only turn literals
    // into classes.
    let src = src.strip_prefix("(?i)").unwrap_or(src);
    let Ok(hir) = regex_syntax::ParserBuilder::new().build().parse(src) else {
        return Vec::new();
    };
    let mut groups = Vec::new();
    all(&hir, &mut groups);
    let mut out: Vec<Vec<String>> = groups.into_iter().filter_map(usable).collect();
    out.sort();
    out.dedup();
    out.truncate(MAX_REQUIREMENTS);
    out
}

/// A requirement as the literal search looks for it, or `None` if it cannot.
fn usable(group: Vec<String>) -> Option<Vec<String>> {
    let mut out: Vec<String> = group.into_iter().map(|l| head(&l.to_lowercase())).collect();
    out.sort();
    out.dedup();
    // A literal whose letters change under Unicode case folding beyond ASCII would be
    // missed by the ASCII-only folding of the literal search.
    if out.is_empty()
        || out
            .iter()
            .any(|l| l.len() < MIN_LITERAL || l.chars().any(|c| !c.is_ascii() && has_case(c)))
    {
        return None;
    }
    Some(out)
}

/// A literal's first `MAX_LITERAL` bytes (which every match contains as well): the
/// automaton is smaller, and so quicker to build, and a longer stretch hardly narrows more.
fn head(literal: &str) -> String {
    let mut end = literal.len().min(MAX_LITERAL);
    while !literal.is_char_boundary(end) {
        end -= 1;
    }
    literal[..end].to_owned()
}

/// Every requirement of a pattern's tree: the literals of each part that every match goes
/// through, and for an alternation, one literal from each branch.
fn all(h: &Hir, out: &mut Vec<Vec<String>>) {
    match h.kind() {
        HirKind::Capture(c) => all(&c.sub, out),
        HirKind::Repetition(r) if r.min >= 1 => all(&r.sub, out),
        HirKind::Concat(parts) => {
            // Adjacent literals are one literal.
            let mut run = String::new();
            for p in parts {
                if let HirKind::Literal(l) = p.kind()
                    && let Ok(s) = std::str::from_utf8(&l.0)
                {
                    run.push_str(s);
                    continue;
                }
                if run.len() >= MIN_LITERAL {
                    out.push(vec![std::mem::take(&mut run)]);
                }
                run.clear();
                all(p, out);
            }
            if run.len() >= MIN_LITERAL {
                out.push(vec![run]);
            }
        }
        _ => out.extend(of(h)),
    }
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

    fn words(groups: &[&[&str]]) -> Vec<Vec<String>> {
        groups
            .iter()
            .map(|g| g.iter().map(|w| (*w).to_owned()).collect())
            .collect()
    }

    #[test]
    fn required_literals() {
        assert_eq!(
            required(r"Resource \[USER\]: with email\[(?P<e>[^\]]+)\] already exists"),
            words(&[&["] already exists"], &["resource [user]: with em"]])
        );
        assert_eq!(
            required(r"(?i)quarantine[^\n]{0,60}?\binvalid credentials\b"),
            words(&[&["invalid credentials"], &["quarantine"]])
        );
        assert_eq!(
            required(r"(?:foo bar|baz qux)\d+"),
            words(&[&["baz qux", "foo bar"]])
        );
        assert_eq!(
            required(r"(?:Error: )?(?P<code>[A-Z]\w+) (?:was|is) rejected"),
            words(&[&[" rejected"]]),
            "an optional part requires nothing, nor a branch too short to look for"
        );
        assert!(required(r"(?:foo|\d+) x").is_empty());
        assert!(required(r"\w+").is_empty());
        assert_eq!(required("存在しません"), words(&[&["存在しません"]]));
        assert!(required("Élan vital").is_empty(), "non-ASCII case");
    }

    #[test]
    fn candidates_include_every_match() {
        let sources: Vec<String> = [
            r"already exists",
            r"(?P<app>\w+) returned 409",
            r"AADSTS7000222",
            r"^\d+$",
            r"user \w+ already exists",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        let p = Prefilter::new(&sources);
        assert_eq!(p.without_literal(), 1);
        assert_eq!(
            p.candidates("Already EXISTS; Slack returned 409"),
            vec![0, 1]
        );
        assert_eq!(p.candidates("user x already exists"), vec![0, 4]);
        assert_eq!(p.candidates("aadsts7000222"), vec![2]);
        assert_eq!(p.candidates("12345"), vec![3]);
        assert!(p.candidates("nothing here").is_empty());
        // Ignoring case, KELVIN SIGN is a `k`: no pattern can be ruled out by its literals.
        assert_eq!(p.candidates("\u{212a}"), vec![0, 1, 2, 3, 4]);
    }
}
