//! The entries closest to a message that matched nothing: guesses, not a diagnosis.
//!
//! Each entry is described by the words of its examples and its English title. A message
//! is compared with each example by weighted overlap of their words (Latin words, and
//! character pairs for Japanese, which has no spaces); rare words weigh more than words
//! every entry uses ("error", "failed"). The best example speaks for its entry.

use std::collections::{HashMap, HashSet};

use super::{Entry, System, normalize};

/// Below this, a "closest" entry shares too little to be worth showing.
const MIN_SCORE: f64 = 0.25;

pub struct Index {
    /// Per example: its entry and its words.
    examples: Vec<(usize, HashSet<String>)>,
    /// Inverse document frequency of each word over the entries.
    idf: HashMap<String, f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Guess {
    pub entry: usize,
    /// 0 to 1: the weighted share of words the message and the entry's best example have
    /// in common.
    pub score: f64,
}

impl Index {
    pub fn new(entries: &[Entry]) -> Index {
        let mut examples = Vec::new();
        let mut df: HashMap<String, usize> = HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            let mut of_entry: HashSet<String> = HashSet::new();
            let texts = e
                .examples
                .iter()
                .map(String::as_str)
                .chain([e.en.title.as_str()]);
            for t in texts {
                let w = words(t);
                if w.is_empty() {
                    continue;
                }
                of_entry.extend(w.iter().cloned());
                examples.push((i, w));
            }
            for w in of_entry {
                *df.entry(w).or_default() += 1;
            }
        }
        let n = entries.len().max(1) as f64;
        let idf = df
            .into_iter()
            .map(|(w, d)| (w, (n / d as f64).ln() + 1.0))
            .collect();
        Index { examples, idf }
    }

    fn weight(&self, w: &str) -> f64 {
        // A word no entry has says nothing about which entry is closest.
        self.idf.get(w).copied().unwrap_or(0.0)
    }

    /// The `n` closest entries (of `system`, if given), best first.
    pub fn closest(
        &self,
        message: &str,
        system: Option<(System, &[Entry])>,
        n: usize,
    ) -> Vec<Guess> {
        let mine = words(message);
        if mine.is_empty() {
            return Vec::new();
        }
        let mine_weight: f64 = mine.iter().map(|w| self.weight(w)).sum();
        let mut best: HashMap<usize, f64> = HashMap::new();
        for (entry, ex) in &self.examples {
            if let Some((s, entries)) = system
                && entries[*entry].system != s
            {
                continue;
            }
            let common: f64 = mine.intersection(ex).map(|w| self.weight(w)).sum();
            if common == 0.0 {
                continue;
            }
            let theirs: f64 = ex.iter().map(|w| self.weight(w)).sum();
            // Dice over weights: shared words against the words of both.
            let score = 2.0 * common / (mine_weight + theirs);
            let slot = best.entry(*entry).or_default();
            if score > *slot {
                *slot = score;
            }
        }
        let mut v: Vec<Guess> = best
            .into_iter()
            .filter(|(_, s)| *s >= MIN_SCORE)
            .map(|(entry, score)| Guess { entry, score })
            .collect();
        v.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.entry.cmp(&b.entry)));
        v.truncate(n);
        v
    }
}

/// The words of a text: Latin words of two letters or more (lower case, digits-only and
/// masked parts left out) and, for Japanese, overlapping pairs of characters.
fn words(text: &str) -> HashSet<String> {
    let t = crate::template::of(&normalize::text(text)).to_lowercase();
    let mut out = HashSet::new();
    let mut latin = String::new();
    let mut prev_cjk: Option<char> = None;
    let flush = |latin: &mut String, out: &mut HashSet<String>| {
        let digits = latin.chars().all(|c| c.is_ascii_digit());
        if latin.chars().count() >= 2 && (!digits || latin.len() == 3) {
            out.insert(std::mem::take(latin));
        }
        latin.clear();
    };
    for c in t.chars() {
        if c.is_ascii_alphanumeric() {
            latin.push(c);
            prev_cjk = None;
        } else if c.is_alphabetic() && !c.is_ascii() {
            flush(&mut latin, &mut out);
            if let Some(p) = prev_cjk {
                out.insert([p, c].iter().collect());
            }
            prev_cjk = Some(c);
        } else {
            flush(&mut latin, &mut out);
            prev_cjk = None;
        }
    }
    flush(&mut latin, &mut out);
    // Mask names are not words of the message.
    for m in ["url", "email", "guid", "time", "hex", "value"] {
        out.remove(m);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_of_latin_and_japanese() {
        let w = words("User 'x@y.com' already EXISTS (409).");
        assert!(w.contains("user") && w.contains("already") && w.contains("exists"));
        assert!(w.contains("409"), "{w:?}");
        assert!(!w.contains("email") && !w.contains("value"), "{w:?}");
        let j = words("そのIDのユーザはすでに存在しています。");
        assert!(
            j.contains("ユー") && j.contains("存在") && j.contains("id"),
            "{j:?}"
        );
    }
}
