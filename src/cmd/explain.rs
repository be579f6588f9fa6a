//! `provlog explain`: diagnose pasted codes and messages.

use std::io::{self, BufRead, Write};

use anyhow::{Result, bail};

use crate::catalog::{Catalog, System};
use crate::classify::{Context, explain, guesses};
use crate::cli::{ExplainArgs, ExplainFormat, FormatArg};
use crate::error::Exit;
use crate::i18n::Lang;
use crate::render::{self, explain::Explanation};

use super::Context as CmdContext;

/// How many closest entries are offered when nothing matches.
const GUESSES: usize = 3;

/// `provlog explain`: pasted messages, or a console export with `--csv`.
pub fn run(args: ExplainArgs, ctx: &mut CmdContext) -> Result<Exit> {
    if args.csv.is_some() {
        return super::explain_csv::run(&args, ctx);
    }
    let format = format_of(args.format.map(Into::into))?;
    if args.text.is_empty()
        && ctx.refuse_terminal_stdin(
            "nothing to explain. Try: provlog explain \"<error code or message>\"",
        )
    {
        return Ok(Exit::Error);
    }
    let system = system_of(args.system.as_deref())?;
    let messages = messages(&args.text, &mut super::stdin())?;
    if crate::platform::mostly_garbled(messages.iter().map(String::as_str)) {
        ctx.warn(crate::platform::GARBLED_HINT);
    }
    explain_all(
        &ctx.catalog,
        &messages,
        Context {
            task: args.task.as_deref(),
            system,
            code: args.code.as_deref(),
        },
        format,
        ctx.lang(),
        ctx.out,
    )
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
pub fn explain_all(
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
            guesses(catalog, input, ctx.system, lang, GUESSES)
        } else {
            Vec::new()
        };
        let e = Explanation {
            input,
            found: &found,
            guesses: &guesses,
        };
        render::explain::write(w, &e, format, lang, n == 0)?;
    }
    w.flush()?;
    Ok(exit)
}
