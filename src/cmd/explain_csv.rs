//! `provlog explain --csv FILE`: every row of a console export (IIJ ID Service job list,
//! CloudGate UNO operation log, provisioning or bulk-processing history) diagnosed.
//!
//! The file is decoded (`input::decode`), read as a table and its columns found
//! (`input::console`), its rows diagnosed (`classify::console`) and written
//! (`render::console`).

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow};

use crate::catalog::Catalog;
use crate::classify::console::{cell_at, classify_rows};
use crate::cli::{EncodingArg, ExplainArgs, FormatArg};
use crate::error::Exit;
use crate::i18n::Lang;
use crate::input::console;
use crate::input::decode::{self, EncodingChoice};
use crate::render::console::View;
use crate::render::{self, Style};

use super::{Context, warn};

/// `provlog explain --csv FILE`.
pub fn run(args: &ExplainArgs, ctx: &mut Context) -> Result<Exit> {
    let opts = Options::from_args(args, ctx.style)?;
    explain_file(&ctx.catalog, &opts, &mut super::stdin(), ctx.out, ctx.err)?;
    Ok(Exit::Ok)
}

/// What `run` needs, decided from the command line.
#[derive(Debug, Clone)]
pub struct Options {
    /// `-` reads stdin.
    pub path: PathBuf,
    pub column: Option<String>,
    pub encoding: EncodingChoice,
    pub format: FormatArg,
    /// `--bom` / `--no-bom`; `None` decides from the input and the language.
    pub bom: Option<bool>,
    /// The task for rows that have no job type or operation column (`--task`).
    pub task: Option<String>,
    pub style: Style,
}

impl Options {
    pub fn from_args(a: &ExplainArgs, style: Style) -> Result<Options> {
        let path = a
            .csv
            .clone()
            .ok_or_else(|| anyhow!("explain: --csv FILE is required here"))?;
        Ok(Options {
            path,
            column: a.column.clone(),
            encoding: match a.encoding {
                None | Some(EncodingArg::Auto) => EncodingChoice::Auto,
                Some(EncodingArg::Utf8) => EncodingChoice::Utf8,
                Some(EncodingArg::Utf16) => EncodingChoice::Utf16,
                Some(EncodingArg::ShiftJis) => EncodingChoice::ShiftJis,
            },
            format: a.format.map_or(FormatArg::Csv, Into::into),
            bom: if a.no_bom {
                Some(false)
            } else {
                a.bom.then_some(true)
            },
            task: a.task.clone(),
            style,
        })
    }
}

/// Reads, diagnoses and writes one console export.
pub fn explain_file(
    cat: &Catalog,
    opts: &Options,
    stdin: &mut dyn Read,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<()> {
    let label = if opts.path == Path::new("-") {
        "<stdin>".to_owned()
    } else {
        opts.path.display().to_string()
    };
    let bytes = read_input(&opts.path, stdin)
        .map_err(|e| anyhow!("{label}: {}", crate::input::io_text(&e)))?;
    let decoded = decode::decode(&bytes, opts.encoding).map_err(|m| anyhow!("{label}: {m}"))?;
    drop(bytes);
    if decoded.replaced {
        warn(
            err,
            format!(
                "{label}: some bytes are not valid {} and were replaced with U+FFFD",
                decoded.encoding.as_str()
            ),
        );
    }
    let table = console::parse(&decoded.text).map_err(|m| anyhow!("{label}: {m}"))?;
    if let Some(first) = table.ragged.first() {
        warn(
            err,
            format!(
                "{label}: row {first}: {} row(s) do not have as many cells as the header; they were padded with empty cells",
                table.ragged.len()
            ),
        );
    }
    // Garbled headers hide the message column, so they are checked before it is looked for.
    let garbled = crate::platform::mostly_garbled(table.headers.iter().map(String::as_str));
    if garbled {
        warn(err, format!("{label}: {}", crate::platform::GARBLED_HINT));
    }
    let cols = console::find_columns(&table.headers, opts.column.as_deref())
        .map_err(|m| anyhow!("{label}: {m}"))?;
    if !garbled
        && crate::platform::mostly_garbled(
            table
                .rows
                .iter()
                .map(|r| cell_at(r, Some(cols.message)).unwrap_or("")),
        )
    {
        warn(err, format!("{label}: {}", crate::platform::GARBLED_HINT));
    }
    let lang = opts.style.lang;
    let results = classify_rows(cat, &table, &cols, opts.task.as_deref(), lang);
    let view = View {
        label: &label,
        decoded: &decoded,
        table: &table,
        cols: &cols,
        results: &results,
    };
    // Excel reads a UTF-8 file without a BOM in the ANSI code page, garbling Japanese; a
    // file that came from Excel (BOM, UTF-16 or Shift_JIS) goes back to it with one.
    let bom = opts.bom.unwrap_or(
        decoded.bom || decoded.encoding == decode::TextEncoding::ShiftJis || lang == Lang::Ja,
    );
    render::console::write(out, &view, opts.format, bom, &opts.style)?;
    out.flush()?;
    Ok(())
}

fn read_input(path: &Path, stdin: &mut dyn Read) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    if path == Path::new("-") {
        stdin.read_to_end(&mut bytes)?;
    } else {
        bytes = std::fs::read(path)?;
    }
    Ok(bytes)
}
