//! The literals that every match of a pattern contains, for the prefilter (`prefilter`):
//! a pattern needs to be run only on a text that holds them.
//!
//! Also compiled into build.rs, which works out the built-in patterns' literals once at
//! build time; so this file uses nothing but `regex_syntax`.

use regex_syntax::hir::{Hir, HirKind};

/// Shorter literals occur in too many texts to narrow anything down.
const MIN_LITERAL: usize = 3;

/// Longer literals are looked for by their start.
const MAX_LITERAL: usize = 24;

/// Requirements kept per pattern: the prefilter keeps one bit for each in a `u64`, and more
/// narrow nothing down in practice.
const MAX_REQUIREMENTS: usize = 64;

/// What every match of the pattern contains: for each requirement, literals (lower-cased)
/// of which a match contains at least one. Empty when there are none worth using.
pub fn required(src: &str) -> Vec<Vec<String>> {
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
}
