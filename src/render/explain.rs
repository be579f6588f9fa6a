//! `explain` of pasted messages: the best diagnosis with its steps and facts, the other
//! entries that matched, or the closest entries as guesses when none did.

use std::io::{self, Write};

use anyhow::Result;

use crate::classify::{Explained, Guess};
use crate::cli::ExplainFormat;
use crate::i18n::Lang;
use crate::i18n::{Label, Msg, t};
use crate::render::markdown::cell;
use crate::render::one_line;
use crate::render::text::retry_text;
use crate::render::wire::explain::{WireAlso, WireExplain, WireGuess};
use crate::render::wire::{WireDiagnosisDetail, WireFacts};

/// One message explained.
pub struct Explanation<'a> {
    pub input: &'a str,
    /// Best first; empty when nothing matched.
    pub found: &'a [Explained],
    /// The closest entries when nothing matched.
    pub guesses: &'a [Guess<'a>],
}

/// Writes one explanation; `first` is false for every later message of the same run (the
/// human formats put a blank line between them).
pub fn write(
    w: &mut dyn Write,
    e: &Explanation<'_>,
    format: ExplainFormat,
    lang: Lang,
    first: bool,
) -> Result<()> {
    let Explanation {
        input,
        found,
        guesses,
    } = *e;
    match format {
        ExplainFormat::Json => {
            let best = found.first();
            let doc = WireExplain {
                input,
                diagnosis: best.map(|b| WireDiagnosisDetail::new(&b.diagnosis)),
                facts: best.map(|b| WireFacts::new(&b.facts)),
                also: found.iter().skip(1).map(also).collect(),
                guesses: guesses
                    .iter()
                    .map(|g| WireGuess {
                        id: g.id,
                        system: g.system.as_str(),
                        category: g.category.as_str(),
                        title: g.title,
                        similarity: (g.similarity * 100.0).round() / 100.0,
                    })
                    .collect(),
            };
            serde_json::to_writer(&mut *w, &doc)?;
            writeln!(w)?;
        }
        ExplainFormat::Table => {
            if !first {
                writeln!(w)?;
            }
            text(w, input, found, guesses, lang)?;
        }
        ExplainFormat::Markdown => {
            if !first {
                writeln!(w)?;
            }
            markdown(w, input, found, guesses, lang)?;
        }
    }
    Ok(())
}

fn also(e: &Explained) -> WireAlso<'_> {
    WireAlso {
        id: &e.diagnosis.id,
        system: e.diagnosis.system.map(|s| s.as_str()),
        category: e.diagnosis.category.as_str(),
        title: &e.diagnosis.title,
        matched_by: e.diagnosis.matched_by.map(|m| m.as_str()),
    }
}

fn facts_lines(e: &Explained) -> Vec<String> {
    let f = &e.facts;
    let mut v = Vec::new();
    if let Some(s) = f.http_status {
        v.push(format!("http_status: {s}"));
    }
    if let Some(n) = f.retry_count {
        v.push(format!("retry_count: {n}"));
    }
    if let Some(n) = &f.next_retry {
        v.push(format!("next_retry: {}", crate::time::format_seconds(n)));
    }
    if let Some(c) = &f.target_error_code {
        v.push(format!("target_error_code: {}", one_line(c)));
    }
    if let Some(r) = &f.request_id {
        v.push(format!("request_id: {}", one_line(r)));
    }
    let mut extra: Vec<_> = f.extra.iter().collect();
    extra.sort();
    for (k, val) in extra {
        v.push(format!("{k}: {}", one_line(val)));
    }
    v
}

fn percent(score: f64) -> String {
    format!("{:.0} %", score * 100.0)
}

fn text(
    w: &mut dyn Write,
    input: &str,
    found: &[Explained],
    guesses: &[Guess<'_>],
    lang: Lang,
) -> io::Result<()> {
    writeln!(w, "> {}", crate::render::shorten(&one_line(input), 200))?;
    let Some(best) = found.first() else {
        writeln!(w, "{}", t(lang, Msg::NoMatch))?;
        if !guesses.is_empty() {
            writeln!(w, "  {}:", t(lang, Msg::Guesses))?;
            for g in guesses {
                writeln!(
                    w,
                    "    - {} ({}, {}) {} {}",
                    g.id,
                    one_line(g.title),
                    g.category.label(lang),
                    t(lang, Msg::GuessSimilarity),
                    percent(g.similarity)
                )?;
            }
        }
        return Ok(());
    };
    let d = &best.diagnosis;
    writeln!(w, "{} ({})", one_line(&d.title), d.id)?;
    writeln!(
        w,
        "  {}: {} · {}: {} · {}: {} · {}: {}",
        t(lang, Msg::System),
        d.system.map(|s| s.as_str()).unwrap_or("-"),
        t(lang, Msg::Category),
        d.category.label(lang),
        t(lang, Msg::Retry),
        d.retry.map(|r| retry_text(r, lang)).unwrap_or("-"),
        t(lang, Msg::MatchedBy),
        d.matched_by.map(|m| m.as_str()).unwrap_or("-"),
    )?;
    if let Some(line) = d.cause_line() {
        writeln!(w, "  {}: {}", t(lang, Msg::Cause), one_line(&line))?;
    }
    writeln!(w, "  {}", one_line(&d.explanation))?;
    writeln!(w, "  {}:", t(lang, Msg::WhatToDo))?;
    for (i, s) in d.steps.iter().enumerate() {
        writeln!(w, "    {}. {}", i + 1, one_line(s))?;
    }
    let facts = facts_lines(best);
    if !facts.is_empty() {
        writeln!(w, "  {}:", t(lang, Msg::Facts))?;
        for f in facts {
            writeln!(w, "    {f}")?;
        }
    }
    for doc in &d.docs {
        writeln!(w, "  {}: {doc}", t(lang, Msg::Docs))?;
    }
    if found.len() > 1 {
        writeln!(w, "  {}:", t(lang, Msg::AlsoMatches))?;
        for o in &found[1..] {
            writeln!(
                w,
                "    - {} ({}, {})",
                o.diagnosis.id,
                one_line(&o.diagnosis.title),
                o.diagnosis.category.label(lang)
            )?;
        }
    }
    Ok(())
}

fn markdown(
    w: &mut dyn Write,
    input: &str,
    found: &[Explained],
    guesses: &[Guess<'_>],
    lang: Lang,
) -> io::Result<()> {
    writeln!(w, "> {}", cell(input))?;
    writeln!(w)?;
    let Some(best) = found.first() else {
        writeln!(w, "{}", t(lang, Msg::NoMatch))?;
        if !guesses.is_empty() {
            writeln!(w)?;
            writeln!(w, "{}:", t(lang, Msg::Guesses))?;
            writeln!(w)?;
            for g in guesses {
                writeln!(
                    w,
                    "- `{}` {} ({}, {} {})",
                    g.id,
                    cell(g.title),
                    g.category.label(lang),
                    t(lang, Msg::GuessSimilarity),
                    percent(g.similarity)
                )?;
            }
        }
        return Ok(());
    };
    let d = &best.diagnosis;
    writeln!(w, "### {} (`{}`)", cell(&d.title), d.id)?;
    writeln!(w)?;
    writeln!(
        w,
        "**{}:** {} · **{}:** {} · **{}:** {}",
        t(lang, Msg::System),
        d.system.map(|s| s.as_str()).unwrap_or("-"),
        t(lang, Msg::Category),
        d.category.label(lang),
        t(lang, Msg::Retry),
        d.retry.map(|r| retry_text(r, lang)).unwrap_or("-"),
    )?;
    writeln!(w)?;
    if let Some(line) = d.cause_line() {
        writeln!(w, "**{}:** {}", t(lang, Msg::Cause), cell(&line))?;
        writeln!(w)?;
    }
    writeln!(w, "{}", cell(&d.explanation))?;
    writeln!(w)?;
    for (i, s) in d.steps.iter().enumerate() {
        writeln!(w, "{}. {}", i + 1, cell(s))?;
    }
    let facts = facts_lines(best);
    if !facts.is_empty() {
        writeln!(w)?;
        for f in facts {
            writeln!(w, "- {}", cell(&f))?;
        }
    }
    Ok(())
}
