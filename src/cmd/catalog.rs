//! `provlog catalog list|show|export|draft`: choose the entries, hand them to
//! `render::catalog` (`draft` reads exports as `analyze` does and writes entries for what
//! the catalog does not know).

use std::io::Write;

use anyhow::{Result, bail};

use crate::catalog::{Catalog, Category, Entry, System};
use crate::cli::{CatalogCommand, ExplainFormat, ExportFormat, FormatArg, ListFormat};
use crate::config::AnalyzeConfig;
use crate::error::Exit;

use super::{Context, expand};
use crate::render::{self, Style};

/// `provlog catalog …`.
pub fn run(command: CatalogCommand, ctx: &mut Context) -> Result<Exit> {
    match command {
        CatalogCommand::List {
            system,
            category,
            format,
        } => {
            let (s, c) = parse_filters(&system, &category)?;
            list(&ctx.catalog, &s, &c, format, ctx.style, ctx.out)?;
        }
        CatalogCommand::Show { id, format } => show(&ctx.catalog, &id, format, ctx.style, ctx.out)?,
        CatalogCommand::Export { format } => export(&ctx.catalog, format, ctx.style, ctx.out)?,
        CatalogCommand::Draft {
            files,
            system,
            min_count,
        } => return draft(&files, &system, min_count, ctx),
    }
    Ok(Exit::Ok)
}

/// `catalog draft`: the exports read as `analyze` reads them, and an entry drafted for each
/// common unclassified message.
fn draft(
    files: &[std::path::PathBuf],
    system: &str,
    min_count: u64,
    ctx: &mut Context,
) -> Result<Exit> {
    let system = super::explain::system_of(Some(system))?.unwrap_or(System::Entra);
    if files.iter().any(|f| f.as_os_str() == "-")
        && ctx.refuse_terminal_stdin(
            "'-' reads an export from stdin, but stdin is a terminal. Try: provlog catalog draft EXPORT.json",
        )
    {
        return Ok(Exit::Error);
    }
    let mut cfg = AnalyzeConfig::draft();
    let (inputs, problems) = expand(files);
    let sources = files.iter().map(|f| f.display().to_string()).collect();
    super::analyze::analyze(
        &mut cfg,
        &inputs,
        problems,
        &ctx.catalog,
        super::analyze::Output {
            writer: ctx.out,
            format: FormatArg::Table,
            style: ctx.style,
            bom: false,
            progress: ctx.stderr_is_terminal,
            draft: Some(render::draft::DraftOptions {
                system,
                min_count,
                sources,
            }),
        },
        ctx.err,
    )
}

pub fn parse_filters(
    systems: &[String],
    categories: &[String],
) -> Result<(Vec<System>, Vec<Category>)> {
    let mut s = Vec::new();
    for x in systems {
        match System::parse(x.trim()) {
            Some(v) => s.push(v),
            None => bail!("--system '{x}': expected one of {}", System::names()),
        }
    }
    let mut c = Vec::new();
    for x in categories {
        match Category::parse(x.trim()) {
            Some(v) => c.push(v),
            None => bail!("--category '{x}': expected one of {}", Category::names()),
        }
    }
    Ok((s, c))
}

pub fn list(
    cat: &Catalog,
    systems: &[System],
    categories: &[Category],
    format: ListFormat,
    style: Style,
    w: &mut dyn Write,
) -> Result<()> {
    let entries: Vec<&Entry> = cat
        .entries
        .iter()
        .filter(|e| systems.is_empty() || systems.contains(&e.system))
        .filter(|e| categories.is_empty() || categories.contains(&e.category))
        .collect();
    render::catalog::list(cat, &entries, format, style, w)
}

pub fn show(
    cat: &Catalog,
    id: &str,
    format: ExplainFormat,
    style: Style,
    w: &mut dyn Write,
) -> Result<()> {
    let Some(e) = cat.get(id) else {
        bail!("no catalog entry '{id}' (see provlog catalog list)");
    };
    render::catalog::show(e, format, style.lang, w)
}

pub fn export(cat: &Catalog, format: ExportFormat, style: Style, w: &mut dyn Write) -> Result<()> {
    render::catalog::export(cat, format, style.lang, w)
}
