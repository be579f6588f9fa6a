//! `provlog catalog list|show|export`: the entries as a table, CSV, JSON, and a KQL query
//! that classifies `AADProvisioningLogs` rows in Log Analytics with the same entries.

use std::io::Write;

use anyhow::Result;

use crate::catalog::{Catalog, Entry, System};
use crate::cli::{ExplainFormat, ExportFormat, ListFormat};
use crate::i18n::{Label, Lang, Msg, t};
use crate::render::csv::{guard, io_of};
use crate::render::wire::catalog::{WireCatalog, wire};
use crate::render::{Style, sanitize};

/// `catalog list`: `entries` are the ones the filters kept; `cat` gives the version line.
pub fn list(
    cat: &Catalog,
    entries: &[&Entry],
    format: ListFormat,
    style: Style,
    w: &mut dyn Write,
) -> Result<()> {
    let lang = style.lang;
    match format {
        ListFormat::Json => {
            serde_json::to_writer_pretty(
                &mut *w,
                &entries.iter().map(|e| wire(e)).collect::<Vec<_>>(),
            )?;
            writeln!(w)?;
        }
        ListFormat::Csv => csv_entries(entries, lang, w)?,
        ListFormat::Table => {
            writeln!(
                w,
                "{} {} ({}) — {} {}",
                t(lang, Msg::CatalogVersion),
                cat.version,
                cat.date,
                entries.len(),
                t(lang, Msg::Entries)
            )?;
            let mut table = comfy_table::Table::new();
            table
                .load_style(if style.ascii {
                    comfy_table::presets::ASCII_FULL_CONDENSED
                } else {
                    comfy_table::presets::UTF8_FULL_CONDENSED
                })
                .set_content_arrangement(comfy_table::ContentArrangement::Dynamic)
                .set_width(style.width.unwrap_or(120));
            if !style.color {
                table.force_no_tty();
            }
            table.set_header(vec![
                t(lang, Msg::Id),
                t(lang, Msg::System),
                t(lang, Msg::Category),
                t(lang, Msg::Retry),
                t(lang, Msg::Title),
            ]);
            for e in entries {
                table.add_row(vec![
                    e.id.as_str(),
                    e.system.as_str(),
                    e.category.label(lang),
                    e.retry.label(lang),
                    e.texts(lang).title.as_str(),
                ]);
            }
            crate::render::table::keep_words_whole(&mut table, &[0]);
            writeln!(w, "{table}")?;
        }
    }
    w.flush()?;
    Ok(())
}

fn csv_entries(entries: &[&Entry], lang: Lang, w: &mut dyn Write) -> Result<()> {
    let mut out = csv::Writer::from_writer(&mut *w);
    out.write_record([
        "id",
        "system",
        "category",
        "retry",
        "codes",
        "patterns",
        "http_status",
        "title",
        "explanation",
        "steps",
        "source",
    ])
    .map_err(io_of)?;
    for e in entries {
        let tx = e.texts(lang);
        let row = [
            e.id.clone(),
            e.system.as_str().to_owned(),
            e.category.as_str().to_owned(),
            e.retry.as_str().to_owned(),
            e.codes.join(" "),
            e.patterns
                .iter()
                .map(|p| p.as_str())
                .collect::<Vec<_>>()
                .join(" || "),
            e.http_status
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .join(" "),
            tx.title.clone(),
            tx.explanation.clone(),
            tx.steps
                .iter()
                .enumerate()
                .map(|(i, s)| format!("{}. {s}", i + 1))
                .collect::<Vec<_>>()
                .join("\n"),
            e.source.join("\n"),
        ];
        out.write_record(row.iter().map(|c| guard(c).into_owned()))
            .map_err(io_of)?;
    }
    out.flush()?;
    Ok(())
}

/// `catalog show`: one entry, whole.
pub fn show(e: &Entry, format: ExplainFormat, lang: Lang, w: &mut dyn Write) -> Result<()> {
    match format {
        ExplainFormat::Json => {
            serde_json::to_writer_pretty(&mut *w, &wire(e))?;
            writeln!(w)?;
        }
        ExplainFormat::Table | ExplainFormat::Markdown => {
            let tx = e.texts(lang);
            writeln!(w, "{} ({})", sanitize(&tx.title), e.id)?;
            writeln!(
                w,
                "  {}: {} · {}: {} · {}: {}",
                t(lang, Msg::System),
                e.system,
                t(lang, Msg::Category),
                e.category.label(lang),
                t(lang, Msg::Retry),
                crate::render::text::retry_text(e.retry, lang)
            )?;
            writeln!(w, "  {}", sanitize(&tx.explanation))?;
            writeln!(w, "  {}:", t(lang, Msg::WhatToDo))?;
            for (i, s) in tx.steps.iter().enumerate() {
                writeln!(w, "    {}. {}", i + 1, sanitize(s))?;
            }
            if !e.codes.is_empty() {
                writeln!(w, "  codes: {}", e.codes.join(", "))?;
            }
            for p in &e.patterns {
                writeln!(w, "  pattern: {}", p.as_str())?;
            }
            if !e.http_status.is_empty() {
                let s: Vec<String> = e.http_status.iter().map(|s| s.to_string()).collect();
                writeln!(w, "  http_status: {}", s.join(", "))?;
            }
            if !e.skip_reasons.is_empty() {
                writeln!(w, "  skip_reasons: {}", e.skip_reasons.join(", "))?;
            }
            for d in &e.docs {
                writeln!(w, "  {}: {d}", t(lang, Msg::Docs))?;
            }
            for s in &e.source {
                writeln!(w, "  {}: {}", t(lang, Msg::Source), sanitize(s))?;
            }
            writeln!(w, "  ({})", e.origin)?;
        }
    }
    w.flush()?;
    Ok(())
}

/// A KQL string literal: verbatim, with `"` doubled.
fn kql_str(s: &str) -> String {
    format!("@\"{}\"", s.replace('"', "\"\""))
}

/// A query that classifies `AADProvisioningLogs` rows with the same entries: exact codes
/// through a lookup table on `ResultSignature`, then the patterns over
/// `ResultDescription` (higher priority and longer patterns first, as the matcher ranks
/// them), then the HTTP status in the description.
///
/// The lookup tables' columns must not be named like a column of `AADProvisioningLogs`: a
/// join keeps both and renames the lookup's (`Category1`), so the name would keep meaning
/// the table's column. CI's `tests/kql.sh` checks the query with Kusto's language service.
pub fn kql(cat: &Catalog) -> String {
    let mut q = String::new();
    q.push_str(&format!(
        "// provlog catalog {} ({}): classify AADProvisioningLogs rows in Log Analytics.\n",
        cat.version, cat.date
    ));
    q.push_str(
        "// Generated by `provlog catalog export --format kql`; the same entries as the CLI.\n",
    );
    q.push_str("let ProvlogEntries = datatable(DiagnosisId:string, System:string, DiagnosisCategory:string, Retry:string, Title:string)[\n");
    for e in &cat.entries {
        q.push_str(&format!(
            "    {}, {}, {}, {}, {},\n",
            kql_str(&e.id),
            kql_str(e.system.as_str()),
            kql_str(e.category.as_str()),
            kql_str(e.retry.as_str()),
            kql_str(&e.en.title)
        ));
    }
    q.push_str("];\n");
    // AADProvisioningLogs holds Entra's provisioning events: only Entra's entries classify
    // them (a code that another system shares, such as SDS classic's
    // `DuplicateTargetEntries`, would otherwise join twice and double the row).
    let entra: Vec<&Entry> = cat
        .entries
        .iter()
        .filter(|e| e.system == System::Entra)
        .collect();
    q.push_str("let ProvlogCodes = datatable(ErrorCode:string, CodeDiagnosis:string)[\n");
    let mut seen = std::collections::HashSet::new();
    for e in &entra {
        for c in e.codes.iter().filter(|c| seen.insert(c.as_str())) {
            q.push_str(&format!("    {}, {},\n", kql_str(c), kql_str(&e.id)));
        }
    }
    q.push_str("];\n");
    let mut pats: Vec<(&Entry, &str)> = entra
        .iter()
        .flat_map(|e| e.patterns.iter().map(move |p| (*e, p.as_str())))
        .collect();
    pats.sort_by(|a, b| {
        b.0.priority
            .cmp(&a.0.priority)
            .then_with(|| b.1.len().cmp(&a.1.len()))
            .then_with(|| a.0.id.cmp(&b.0.id))
    });
    q.push_str("AADProvisioningLogs\n");
    q.push_str(
        "| extend ErrorCode = tostring(ResultSignature), Reason = tostring(ResultDescription)\n",
    );
    q.push_str("| join kind=leftouter ProvlogCodes on ErrorCode\n");
    q.push_str("| extend PatternDiagnosis = case(\n");
    for (e, p) in &pats {
        // Case is ignored, as the CLI ignores it; `(?i)` is what RE2 understands.
        let p = if p.starts_with("(?i)") {
            (*p).to_owned()
        } else {
            format!("(?i){p}")
        };
        q.push_str(&format!(
            "    Reason matches regex {}, {},\n",
            kql_str(&p),
            kql_str(&e.id)
        ));
    }
    q.push_str("    \"\")\n");
    let mut http: Vec<(u16, &str)> = cat
        .entries
        .iter()
        .flat_map(|e| e.http_status.iter().map(move |s| (*s, e.id.as_str())))
        .collect();
    http.sort();
    http.dedup_by_key(|x| x.0);
    q.push_str("| extend HttpStatus = extract(@\"StatusCode:\\s*(\\w+)\", 1, Reason)\n");
    q.push_str("| extend HttpDiagnosis = case(\n");
    for (s, id) in &http {
        let name = http_name(*s);
        q.push_str(&format!(
            "    HttpStatus in ({}, {}), {},\n",
            kql_str(&s.to_string()),
            kql_str(name),
            kql_str(id)
        ));
    }
    q.push_str("    \"\")\n");
    q.push_str("| extend DiagnosisId = coalesce(CodeDiagnosis, PatternDiagnosis, HttpDiagnosis, \"unclassified\")\n");
    q.push_str("| join kind=leftouter ProvlogEntries on DiagnosisId\n");
    q.push_str("| extend Category = iff(isempty(DiagnosisCategory), \"unclassified\", DiagnosisCategory)\n");
    q.push_str("| project TimeGenerated, ChangeId, JobId, CycleId, ResultType, ErrorCode, DiagnosisId, System, Category, Retry, Title, Reason\n");
    q
}

fn http_name(s: u16) -> &'static str {
    match s {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        409 => "Conflict",
        412 => "PreconditionFailed",
        422 => "UnprocessableEntity",
        429 => "TooManyRequests",
        500 => "InternalServerError",
        501 => "NotImplemented",
        502 => "BadGateway",
        503 => "ServiceUnavailable",
        504 => "GatewayTimeout",
        _ => "",
    }
}

/// `catalog export`: every entry, for other tools.
pub fn export(cat: &Catalog, format: ExportFormat, lang: Lang, w: &mut dyn Write) -> Result<()> {
    match format {
        ExportFormat::Json => {
            serde_json::to_writer_pretty(
                &mut *w,
                &WireCatalog {
                    version: &cat.version,
                    date: &cat.date,
                    entries: cat.entries.iter().map(wire).collect(),
                },
            )?;
            writeln!(w)?;
        }
        ExportFormat::Csv => {
            let all: Vec<&Entry> = cat.entries.iter().collect();
            csv_entries(&all, lang, w)?;
        }
        ExportFormat::Kql => w.write_all(kql(cat).as_bytes())?,
    }
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO: &str = r#"
[[entry]]
id = "entra.conflict"
system = "entra"
category = "conflict"
retry = "next-cycle"
codes = ["Conflict", "EntryConflict"]
patterns = ['StatusCode:\s*Conflict']
http_status = [409]
examples = ["Conflict"]
[entry.en]
title = "A value is already used"
explanation = "x"
steps = ["y"]
[entry.ja]
title = "値の重複"
explanation = "x"
steps = ["y"]

[[entry]]
id = "iij.quote-test"
system = "iij"
category = "invalid-data"
retry = "manual"
patterns = ['Format of (?P<attribute>\w+) is "invalid"']
priority = 1
examples = ['Format of login_id is "invalid"']
[entry.en]
title = "Say \"hi\""
explanation = "x"
steps = ["y"]
[entry.ja]
title = "t"
explanation = "x"
steps = ["y"]
"#;

    #[test]
    fn kql_export_golden() {
        let cat = Catalog::only(&[("two.toml".to_owned(), TWO.to_owned())]).expect("loads");
        let want = r#"// provlog catalog test (2026-01-01): classify AADProvisioningLogs rows in Log Analytics.
// Generated by `provlog catalog export --format kql`; the same entries as the CLI.
let ProvlogEntries = datatable(DiagnosisId:string, System:string, DiagnosisCategory:string, Retry:string, Title:string)[
    @"entra.conflict", @"entra", @"conflict", @"next-cycle", @"A value is already used",
    @"iij.quote-test", @"iij", @"invalid-data", @"manual", @"Say ""hi""",
];
let ProvlogCodes = datatable(ErrorCode:string, CodeDiagnosis:string)[
    @"Conflict", @"entra.conflict",
    @"EntryConflict", @"entra.conflict",
];
AADProvisioningLogs
| extend ErrorCode = tostring(ResultSignature), Reason = tostring(ResultDescription)
| join kind=leftouter ProvlogCodes on ErrorCode
| extend PatternDiagnosis = case(
    Reason matches regex @"(?i)StatusCode:\s*Conflict", @"entra.conflict",
    "")
| extend HttpStatus = extract(@"StatusCode:\s*(\w+)", 1, Reason)
| extend HttpDiagnosis = case(
    HttpStatus in (@"409", @"Conflict"), @"entra.conflict",
    "")
| extend DiagnosisId = coalesce(CodeDiagnosis, PatternDiagnosis, HttpDiagnosis, "unclassified")
| join kind=leftouter ProvlogEntries on DiagnosisId
| extend Category = iff(isempty(DiagnosisCategory), "unclassified", DiagnosisCategory)
| project TimeGenerated, ChangeId, JobId, CycleId, ResultType, ErrorCode, DiagnosisId, System, Category, Retry, Title, Reason
"#;
        assert_eq!(kql(&cat), want);
    }

    /// The columns of `AADProvisioningLogs` (Azure Monitor's reference, and the real but
    /// undocumented `Action` and `StatusInfo`); tests/kql/check.js has them with types.
    const AAD_PROVISIONING_LOGS: &str = "AADTenantId _BilledSize Category ChangeId \
        CorrelationId CycleId DurationMs Id InitiatedBy _IsBillable JobId ModifiedProperties \
        OperationName OperationVersion ProvisioningAction ProvisioningStatusInfo \
        ProvisioningSteps ResultDescription ResultSignature ResultType ServicePrincipal \
        SourceIdentity SourceSystem TargetIdentity TargetSystem TenantId TimeGenerated Type \
        Action StatusInfo";

    /// A lookup table column named like one of the table's would be renamed by the join
    /// (the catalog's `Category` came out as `Category1`, and the query's `Category` was
    /// the table's own event category, the same for every row).
    #[test]
    fn kql_lookup_columns_do_not_shadow_the_table() {
        let cat = Catalog::only(&[("two.toml".to_owned(), TWO.to_owned())]).expect("loads");
        let q = kql(&cat);
        let mut tables = 0;
        for decl in q.split("datatable(").skip(1) {
            tables += 1;
            let cols = decl.split(')').next().expect("a column list");
            for col in cols.split(',') {
                let name = col.split(':').next().expect("name:type").trim();
                assert!(
                    !AAD_PROVISIONING_LOGS.split_whitespace().any(|c| c == name),
                    "lookup column {name} is also a column of AADProvisioningLogs"
                );
            }
        }
        assert_eq!(tables, 2);
    }
}
