//! `provlog catalog draft`: catalog entries drafted from the unclassified failures of an
//! export, one per message template, ready to be filled in and loaded with `--catalog`.
//!
//! What can be known is filled in: a pattern from the template (from the target's own
//! answer when the reason carries one, so that the pattern is not Entra's boilerplate),
//! the code when the events carry one and no message, examples as logged, and a category
//! guessed from the HTTP status or the closest entry. What only a person knows (the
//! texts and steps) is left as a marked placeholder; the file loads as it is.

use std::collections::HashSet;
use std::io::{self, Write};

use crate::catalog::{Catalog, Category, System};
use crate::layers;
use crate::reason;
use crate::report::{Group, Report};
use crate::template;

/// How long a drafted pattern may be, in characters: the stable head of a message.
const PATTERN_CHARS: usize = 160;

pub struct DraftOptions {
    pub system: System,
    /// Templates seen fewer times than this are left out.
    pub min_count: u64,
    /// The inputs, named in the file's header.
    pub sources: Vec<String>,
}

pub fn render(w: &mut dyn Write, r: &Report, cat: &Catalog, opts: &DraftOptions) -> io::Result<()> {
    let groups: Vec<&Group> = r
        .groups
        .iter()
        .filter(|g| g.count >= opts.min_count)
        .filter(|g| g.diagnosis.as_ref().is_none_or(|d| d.is_unclassified()))
        .collect();
    let events: u64 = groups.iter().map(|g| g.count).sum();
    writeln!(w, "# Catalog entries drafted by provlog catalog draft")?;
    writeln!(w, "# from: {}", toml_comment(&opts.sources.join(", ")))?;
    writeln!(
        w,
        "# {} message templates that no entry matched ({events} events). For each entry, check the",
        groups.len()
    )?;
    writeln!(
        w,
        "# category and retry, replace every TODO with your own text (en and ja), then use it:"
    )?;
    writeln!(w, "#   provlog analyze EXPORT --catalog THIS-FILE.toml")?;
    writeln!(
        w,
        "# The patterns are matched ignoring case, spacing, quotes and a final period."
    )?;
    let mut ids: HashSet<String> = cat.entries.iter().map(|e| e.id.clone()).collect();
    for g in groups {
        entry(w, g, cat, opts.system, &opts.sources.join(", "), &mut ids)?;
    }
    Ok(())
}

fn entry(
    w: &mut dyn Write,
    g: &Group,
    cat: &Catalog,
    system: System,
    sources: &str,
    ids: &mut HashSet<String>,
) -> io::Result<()> {
    let example = g.example.as_deref().unwrap_or("");
    // A template made of the code alone (no message was logged) is matched by the code.
    let code_only = g.codes.len() == 1 && g.codes.keys().next().is_some_and(|c| c == example);
    let telling = layers::telling(example).unwrap_or_else(|| example.to_owned());
    let pattern = template::pattern(&template::of(&telling), PATTERN_CHARS);
    let id = unique_id(system, &slug(&telling), ids);
    let (category, why) = guess_category(cat, example, system);

    writeln!(w)?;
    writeln!(
        w,
        "# {} {}, {} {}; first {}, last {}; e.g. change {}",
        g.count,
        if g.count == 1 { "event" } else { "events" },
        g.identity_count,
        if g.identity_count == 1 {
            "identity"
        } else {
            "identities"
        },
        g.first
            .as_ref()
            .map(crate::time::format_time)
            .unwrap_or_else(|| "-".into()),
        g.last
            .as_ref()
            .map(crate::time::format_time)
            .unwrap_or_else(|| "-".into()),
        g.change_ids
            .first()
            .map(|c| toml_comment(c))
            .unwrap_or_else(|| "-".into()),
    )?;
    writeln!(w, "[[entry]]")?;
    writeln!(w, "id = {}", quote(&id))?;
    writeln!(w, "system = {}", quote(system.as_str()))?;
    writeln!(w, "category = {}   # {why}", quote(category.as_str()))?;
    writeln!(
        w,
        "retry = \"next-cycle\"   # or automatic (the service retries by itself), manual, none (informational)"
    )?;
    if code_only {
        writeln!(w, "codes = [{}]", quote(example))?;
    } else {
        writeln!(w, "patterns = [{}]", literal(&pattern))?;
    }
    writeln!(w, "examples = [{}]", literal(example))?;
    writeln!(
        w,
        "source = [{}]   # add where the cause and the steps come from",
        quote(&format!(
            "provlog catalog draft: {} events in {}",
            g.count, sources
        ))
    )?;
    writeln!(w)?;
    writeln!(w, "[entry.en]")?;
    writeln!(w, "title = \"TODO: a short title for this failure\"")?;
    writeln!(
        w,
        "explanation = \"TODO: what happened and why, in a sentence or two.\""
    )?;
    writeln!(w, "steps = [\"TODO: the first thing to check or change.\"]")?;
    writeln!(w)?;
    writeln!(w, "[entry.ja]")?;
    writeln!(w, "title = \"TODO: この失敗の短いタイトル\"")?;
    writeln!(w, "explanation = \"TODO: 何が起きたか、なぜ起きたか。\"")?;
    writeln!(w, "steps = [\"TODO: 最初に確認または変更すること。\"]")?;
    Ok(())
}

/// A category to start from: the HTTP status of the reason, else the closest entry's.
fn guess_category(cat: &Catalog, example: &str, system: System) -> (Category, String) {
    if let Some(status) = reason::parse(example).http_status {
        let c = match status {
            401 => Some(Category::Auth),
            403 => Some(Category::Permission),
            404 => Some(Category::NotFound),
            409 | 412 => Some(Category::Conflict),
            400 | 422 => Some(Category::InvalidData),
            429 => Some(Category::Throttling),
            500..=599 => Some(Category::Transient),
            _ => None,
        };
        if let Some(c) = c {
            return (c, format!("guessed from HTTP {status}; check it"));
        }
    }
    if let Some(g) = cat.closest(example, Some(system), 1).first() {
        let e = &cat.entries[g.entry];
        return (
            e.category,
            format!("guessed from the closest entry, {}; check it", e.id),
        );
    }
    (
        Category::TargetConfig,
        format!(
            "not guessed: choose one of {}",
            Category::ALL
                .iter()
                .filter(|c| **c != Category::Unclassified)
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    )
}

/// Up to six words of the message, in kebab case (ASCII letters and digits only).
fn slug(message: &str) -> String {
    let masked = template::of(message);
    let words: Vec<String> = masked
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| {
            !w.is_empty() && !["value", "email", "guid", "time", "url", "hex", "n"].contains(w)
        })
        .take(6)
        .map(str::to_ascii_lowercase)
        .collect();
    words.join("-")
}

fn unique_id(system: System, slug: &str, ids: &mut HashSet<String>) -> String {
    let base = if slug.is_empty() {
        format!("{}.local-draft", system.as_str())
    } else {
        format!("{}.local-{slug}", system.as_str())
    };
    let mut id = base.clone();
    let mut n = 2;
    while ids.contains(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    ids.insert(id.clone());
    id
}

/// A TOML basic string.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A TOML literal string when the text allows one (regexes read better without escapes),
/// else a basic string.
fn literal(s: &str) -> String {
    if !s.contains('\'') && !s.chars().any(char::is_control) {
        format!("'{s}'")
    } else {
        quote(s)
    }
}

/// Text for a `#` comment: one line.
fn toml_comment(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_survive_toml() {
        for s in ["plain", "it's", "a \"b\" \\ c\nd\u{7}", "'''"] {
            let doc = format!("a = {}\nb = {}\n", quote(s), literal(s));
            let v: toml::Table = toml::from_str(&doc).expect("valid TOML");
            assert_eq!(v["a"].as_str(), Some(s));
            assert_eq!(v["b"].as_str(), Some(s));
        }
    }

    #[test]
    fn slugs_and_ids() {
        assert_eq!(
            slug("Failed to create User 'x@y.com' in app; quota 25 reached"),
            "failed-to-create-user-in-app"
        );
        let mut ids = HashSet::from(["entra.local-a".to_owned()]);
        assert_eq!(unique_id(System::Entra, "a", &mut ids), "entra.local-a-2");
        assert_eq!(unique_id(System::Iij, "", &mut ids), "iij.local-draft");
    }
}
