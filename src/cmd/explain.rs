//! `provlog explain`: diagnose pasted codes and messages.

use std::io::{self, BufRead, Write};

use anyhow::{Result, bail};
use serde::Serialize;

use crate::catalog::{Catalog, Category, Lang, System};
use crate::classify::{Context, Explained, explain};
use crate::cli::{ExplainFormat, FormatArg};
use crate::error::Exit;
use crate::i18n::{Label, t};
use crate::render::markdown::cell;
use crate::render::one_line;
use crate::render::text::retry_text;
use crate::render::wire::{WireDiagnosisDetail, WireFacts};

/// How many closest entries are offered when nothing matches.
const GUESSES: usize = 3;

#[derive(Serialize)]
struct WireExplain<'a> {
    input: &'a str,
    diagnosis: Option<WireDiagnosisDetail<'a>>,
    facts: Option<WireFacts<'a>>,
    also: Vec<WireAlso<'a>>,
    /// When nothing matched: the closest entries, as guesses.
    guesses: Vec<WireGuess<'a>>,
}

#[derive(Serialize)]
struct WireAlso<'a> {
    id: &'a str,
    system: Option<&'static str>,
    category: &'static str,
    title: &'a str,
    matched_by: Option<&'static str>,
}

#[derive(Serialize)]
struct WireGuess<'a> {
    id: &'a str,
    system: &'static str,
    category: &'static str,
    title: &'a str,
    /// 0 to 1: how many of the message's words the entry's closest example shares.
    similarity: f64,
}

/// One closest entry, in the user's language.
struct Guess<'a> {
    id: &'a str,
    system: System,
    category: Category,
    title: &'a str,
    similarity: f64,
}

/// The output format of `explain` for pasted messages: JSON is already one object per
/// line, so `ndjson` is the same; CSV belongs to `--csv`.
pub fn format_of(arg: Option<FormatArg>) -> Result<ExplainFormat> {
    Ok(match arg {
        None | Some(FormatArg::Table) => ExplainFormat::Table,
        Some(FormatArg::Json | FormatArg::Ndjson) => ExplainFormat::Json,
        Some(FormatArg::Markdown) => ExplainFormat::Markdown,
        Some(FormatArg::Csv) => {
            bail!("--format csv is for console exports (explain --csv FILE); use --format json")
        }
        Some(FormatArg::Html) => bail!("--format html is for analyze; use --format markdown"),
    })
}

/// The `--system` value, checked.
pub fn system_of(arg: Option<&str>) -> Result<Option<System>> {
    match arg {
        None => Ok(None),
        Some(s) => match System::parse(s.trim()) {
            Some(sys) => Ok(Some(sys)),
            None => bail!(
                "--system: unknown system '{s}' (expected one of {})",
                System::names()
            ),
        },
    }
}

/// The messages to explain: the arguments as one message, else one per line of stdin.
pub fn messages(args: &[String], stdin: &mut dyn BufRead) -> io::Result<Vec<String>> {
    if !args.is_empty() {
        return Ok(vec![args.join(" ")]);
    }
    let mut out = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if stdin.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_start_matches('\u{feff}').trim();
        if !text.is_empty() {
            out.push(text.to_owned());
        }
    }
    Ok(out)
}

/// Explains every input; `Exit::NoMatch` when any of them matched no entry, so that a
/// script can tell.
pub fn run(
    catalog: &Catalog,
    inputs: &[String],
    ctx: Context<'_>,
    format: ExplainFormat,
    lang: Lang,
    w: &mut dyn Write,
) -> Result<Exit> {
    let mut exit = Exit::Ok;
    for (n, input) in inputs.iter().enumerate() {
        let found = explain(catalog, input, ctx, lang);
        let guesses = if found.is_empty() {
            exit = Exit::NoMatch;
            guesses(catalog, input, ctx.system, lang)
        } else {
            Vec::new()
        };
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
                if n > 0 {
                    writeln!(w)?;
                }
                text(w, input, &found, &guesses, lang)?;
            }
            ExplainFormat::Markdown => {
                if n > 0 {
                    writeln!(w)?;
                }
                markdown(w, input, &found, &guesses, lang)?;
            }
        }
    }
    w.flush()?;
    Ok(exit)
}

fn guesses<'a>(
    cat: &'a Catalog,
    input: &str,
    system: Option<System>,
    lang: Lang,
) -> Vec<Guess<'a>> {
    cat.closest(input, system, GUESSES)
        .into_iter()
        .map(|g| {
            let e = &cat.entries[g.entry];
            Guess {
                id: &e.id,
                system: e.system,
                category: e.category,
                title: &e.texts(lang).title,
                similarity: g.score,
            }
        })
        .collect()
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
        writeln!(w, "{}", t(lang, "no_match"))?;
        if !guesses.is_empty() {
            writeln!(w, "  {}:", t(lang, "guesses"))?;
            for g in guesses {
                writeln!(
                    w,
                    "    - {} ({}, {}) {} {}",
                    g.id,
                    one_line(g.title),
                    g.category.label(lang),
                    t(lang, "guess_similarity"),
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
        t(lang, "system"),
        d.system.map(|s| s.as_str()).unwrap_or("-"),
        t(lang, "category"),
        d.category.label(lang),
        t(lang, "retry"),
        d.retry.map(|r| retry_text(r, lang)).unwrap_or("-"),
        t(lang, "matched_by"),
        d.matched_by.map(|m| m.as_str()).unwrap_or("-"),
    )?;
    if let Some(line) = d.cause_line() {
        writeln!(w, "  {}: {}", t(lang, "cause"), one_line(&line))?;
    }
    writeln!(w, "  {}", one_line(&d.explanation))?;
    writeln!(w, "  {}:", t(lang, "what_to_do"))?;
    for (i, s) in d.steps.iter().enumerate() {
        writeln!(w, "    {}. {}", i + 1, one_line(s))?;
    }
    let facts = facts_lines(best);
    if !facts.is_empty() {
        writeln!(w, "  {}:", t(lang, "facts"))?;
        for f in facts {
            writeln!(w, "    {f}")?;
        }
    }
    for doc in &d.docs {
        writeln!(w, "  {}: {doc}", t(lang, "docs"))?;
    }
    if found.len() > 1 {
        writeln!(w, "  {}:", t(lang, "also_matches"))?;
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
        writeln!(w, "{}", t(lang, "no_match"))?;
        if !guesses.is_empty() {
            writeln!(w)?;
            writeln!(w, "{}:", t(lang, "guesses"))?;
            writeln!(w)?;
            for g in guesses {
                writeln!(
                    w,
                    "- `{}` {} ({}, {} {})",
                    g.id,
                    cell(g.title),
                    g.category.label(lang),
                    t(lang, "guess_similarity"),
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
        t(lang, "system"),
        d.system.map(|s| s.as_str()).unwrap_or("-"),
        t(lang, "category"),
        d.category.label(lang),
        t(lang, "retry"),
        d.retry.map(|r| retry_text(r, lang)).unwrap_or("-"),
    )?;
    writeln!(w)?;
    if let Some(line) = d.cause_line() {
        writeln!(w, "**{}:** {}", t(lang, "cause"), cell(&line))?;
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
