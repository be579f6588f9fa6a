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

use super::literals;

/// The requirements of the built-in patterns, sorted by pattern (normalised): worked out
/// by build.rs with `literals::required`, rather than at every start (parsing hundreds of
/// patterns costs more than the rest of a short run).
static BUILTIN: &[(&str, &[&[&str]])] = include!(concat!(env!("OUT_DIR"), "/required.rs"));

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
            let groups = requirements(src);
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

/// What every match of the pattern contains (see `literals::required`).
fn requirements(src: &str) -> Vec<Vec<String>> {
    match BUILTIN.binary_search_by(|(s, _)| (*s).cmp(src)) {
        Ok(i) => BUILTIN[i]
            .1
            .iter()
            .map(|g| g.iter().map(|w| (*w).to_owned()).collect())
            .collect(),
        Err(_) => literals::required(src),
    }
}

/// Whether the text holds one of the two characters that Unicode case folding turns into
/// an ASCII letter (KELVIN SIGN into `k`, LONG S into `s`): a pattern compiled ignoring
/// case matches them where the ASCII-only folding of the literal search does not, so no
/// pattern can be ruled out.
fn folds_into_ascii(text: &str) -> bool {
    text.contains(['\u{212a}', '\u{17f}'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_requirements_are_up_to_date() {
        for (src, groups) in BUILTIN {
            assert_eq!(literals::required(src), *groups, "{src}");
        }
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
