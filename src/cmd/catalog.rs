//! `provlog catalog list|show|export|draft`: choose the entries, hand them to
//! `render::catalog` (`draft` reads exports as `analyze` does and writes entries for what
//! the catalog does not know).

use std::io::Write;

use anyhow::{Result, bail};

use crate::catalog::{Catalog, Category, Entry, System};
use crate::cli::{ExplainFormat, ExportFormat, ListFormat};
use crate::render::{self, Style};

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
