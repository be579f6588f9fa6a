//! `catalog list|show|export --format json`: the entries as the catalog files hold them.

use serde::Serialize;

use crate::catalog::{Entry, Texts};

#[derive(Serialize)]
pub struct WireEntry<'a> {
    pub id: &'a str,
    pub system: &'static str,
    pub category: &'static str,
    pub retry: &'static str,
    pub codes: &'a [String],
    pub patterns: Vec<&'a str>,
    pub http_status: &'a [u16],
    pub skip_reasons: &'a [String],
    pub tasks: &'a [String],
    pub priority: i32,
    pub docs: &'a [String],
    pub source: &'a [String],
    pub examples: &'a [String],
    pub en: &'a Texts,
    pub ja: &'a Texts,
}

pub fn wire(e: &Entry) -> WireEntry<'_> {
    WireEntry {
        id: &e.id,
        system: e.system.as_str(),
        category: e.category.as_str(),
        retry: e.retry.as_str(),
        codes: &e.codes,
        patterns: e.patterns.iter().map(|p| p.as_str()).collect(),
        http_status: &e.http_status,
        skip_reasons: &e.skip_reasons,
        tasks: &e.tasks,
        priority: e.priority,
        docs: &e.docs,
        source: &e.source,
        examples: &e.examples,
        en: &e.en,
        ja: &e.ja,
    }
}

/// `catalog export --format json`: the catalog's version, date and every entry.
#[derive(Serialize)]
pub struct WireCatalog<'a> {
    pub version: &'a str,
    pub date: &'a str,
    pub entries: Vec<WireEntry<'a>>,
}
