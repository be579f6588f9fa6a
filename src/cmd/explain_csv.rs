//! `provlog explain --csv FILE`: every row of a console export (IIJ ID Service job list,
//! CloudGate UNO operation log, provisioning or bulk-processing history) diagnosed.
//!
//! The file is decoded (`input::decode`), read as a table and its columns found
//! (`input::console`); each row's message goes through `classify::explain`, the matcher a
//! pasted message uses, with the IIJ job type and operation as the task. The output is the
//! same CSV with the diagnosis in added columns (every original cell unchanged, in order),
//! or NDJSON / JSON per row, or a table or Markdown view grouped by diagnosis.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use anyhow::{Result, anyhow};
use comfy_table::Cell;
use serde::Serialize;
use serde::ser::SerializeMap;

use crate::catalog::{Catalog, Lang, System};
use crate::classify::{Context, Diagnosis, Explained, explain};
use crate::cli::{EncodingArg, ExplainArgs, FormatArg};
use crate::i18n::{Label, t};
use crate::input::console::{self, Columns, ConsoleCsv};
use crate::input::decode::{self, Decoded, EncodingChoice};
use crate::reason::{self, Facts};
use crate::render::csv::{guard, io_of};
use crate::render::markdown::cell;
use crate::render::table::{category_cell, header, new_table, retry_text, unicode_width};
use crate::render::wire::{WireDiagnosis, WireFacts};
use crate::render::{Style, one_line, sanitize, shorten};

/// The columns added to the CSV, in this order.
pub const ADDED: &[&str] = &["system", "category", "diagnosis_id", "title", "first_step"];

/// Most row numbers and distinct messages shown per group in the table and Markdown.
const SHOWN: usize = 12;
const SHOWN_MESSAGES: usize = 5;

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

/// What became of one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Diagnosed,
    /// A message no catalog entry matches.
    Unclassified,
    NoMessage,
    /// A status saying the row succeeded, and a message that matches nothing: information,
    /// not an error.
    Succeeded,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Diagnosed => "diagnosed",
            Outcome::Unclassified => "unclassified",
            Outcome::NoMessage => "no-message",
            Outcome::Succeeded => "succeeded",
        }
    }
}

#[derive(Debug, Clone)]
pub struct RowResult {
    pub outcome: Outcome,
    /// `None` for rows without a message and succeeded rows; rows with the same message
    /// share one.
    pub diagnosis: Option<Rc<Diagnosis>>,
    pub facts: Facts,
    /// The job type or operation given to the matcher.
    pub task: Option<String>,
}

pub fn run(
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
            &format!(
                "{label}: some bytes are not valid {} and were replaced with U+FFFD",
                decoded.encoding.as_str()
            ),
        );
    }
    let table = console::parse(&decoded.text).map_err(|m| anyhow!("{label}: {m}"))?;
    if let Some(first) = table.ragged.first() {
        warn(
            err,
            &format!(
                "{label}: row {first}: {} row(s) do not have as many cells as the header; they were padded with empty cells",
                table.ragged.len()
            ),
        );
    }
    // Garbled headers hide the message column, so they are checked before it is looked for.
    let garbled = crate::platform::mostly_garbled(table.headers.iter().map(String::as_str));
    if garbled {
        warn(err, &format!("{label}: {}", crate::platform::GARBLED_HINT));
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
        warn(err, &format!("{label}: {}", crate::platform::GARBLED_HINT));
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
    match opts.format {
        FormatArg::Csv => {
            // Excel reads a UTF-8 file without a BOM in the ANSI code page, garbling
            // Japanese; a file that came from Excel (BOM, UTF-16 or Shift_JIS) goes back
            // to it with one.
            let bom = opts.bom.unwrap_or(
                decoded.bom
                    || decoded.encoding == decode::TextEncoding::ShiftJis
                    || lang == Lang::Ja,
            );
            // The same line ends as the input: it is "the same CSV", columns added.
            let crlf = decoded.text.contains("\r\n");
            write_csv(out, &table, &results, bom, crlf)?;
        }
        FormatArg::Ndjson => {
            for (row, res) in table.rows.iter().zip(&results) {
                serde_json::to_writer(&mut *out, &wire_row(&view, row, res))
                    .map_err(io::Error::from)?;
                out.write_all(b"\n")?;
            }
        }
        FormatArg::Json => write_json(out, &view)?,
        FormatArg::Table => write_table(out, &view, &opts.style)?,
        FormatArg::Markdown => write_markdown(out, &view, lang)?,
        FormatArg::Html => anyhow::bail!("--format html is for analyze; use --format markdown"),
    }
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

fn warn(err: &mut dyn Write, msg: &str) {
    // A warning that cannot be written is not worth failing the run for.
    let _ = writeln!(err, "provlog: {}", one_line(msg));
}

// ---------------------------------------------------------------------------------------
// Classification

fn cell_at(row: &console::ConsoleRow, col: Option<usize>) -> Option<&str> {
    col.and_then(|i| row.cells.get(i))
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
}

/// The candidates for one distinct (message, job type, operation): console exports repeat
/// the same few messages, so each is matched once and its diagnosis shared by its rows.
struct Matched {
    task: Option<String>,
    found: Vec<Explained>,
}

type MatchKey<'a> = (&'a str, Option<&'a str>, Option<&'a str>);

/// Every row's outcome, in file order.
pub fn classify_rows(
    cat: &Catalog,
    table: &ConsoleCsv,
    cols: &Columns,
    default_task: Option<&str>,
    lang: Lang,
) -> Vec<RowResult> {
    let mut cache: HashMap<MatchKey<'_>, Rc<Matched>> = HashMap::new();
    let matched: Vec<Option<Rc<Matched>>> = table
        .rows
        .iter()
        .map(|row| {
            let message = cell_at(row, Some(cols.message))?;
            let job_type = cell_at(row, cols.job_type);
            let operation = cell_at(row, cols.operation);
            let m = cache
                .entry((message, job_type, operation))
                .or_insert_with(|| {
                    let (task, found) =
                        explain_row(cat, message, job_type, operation, default_task, lang);
                    Rc::new(Matched {
                        task,
                        found: keep_relevant(found),
                    })
                });
            Some(Rc::clone(m))
        })
        .collect();
    drop(cache);
    let export = export_system(matched.iter().flatten().map(|m| m.found.as_slice()));
    let unclassified = Rc::new(unclassified(export, lang));
    // One shared diagnosis per (candidate list, chosen index).
    let mut shared: HashMap<(*const Matched, usize), Rc<Diagnosis>> = HashMap::new();
    matched
        .into_iter()
        .zip(&table.rows)
        .map(|(m, row)| {
            let (Some(m), Some(message)) = (m, cell_at(row, Some(cols.message))) else {
                return RowResult {
                    outcome: Outcome::NoMessage,
                    diagnosis: None,
                    facts: Facts::default(),
                    task: None,
                };
            };
            let (outcome, diagnosis, mut facts) = match choose(&m.found, export) {
                Some(i) => {
                    let d = shared
                        .entry((Rc::as_ptr(&m), i))
                        .or_insert_with(|| Rc::new(m.found[i].diagnosis.clone()));
                    (
                        Outcome::Diagnosed,
                        Some(Rc::clone(d)),
                        m.found[i].facts.clone(),
                    )
                }
                None if cell_at(row, cols.status).is_some_and(console::is_success) => {
                    (Outcome::Succeeded, None, reason::parse(message))
                }
                None => (
                    Outcome::Unclassified,
                    Some(Rc::clone(&unclassified)),
                    reason::parse(message),
                ),
            };
            let cloudgate = export == Some(System::CloudGate)
                || diagnosis.as_ref().and_then(|d| d.system) == Some(System::CloudGate);
            let service = cell_at(row, cols.service);
            if let Some(target) =
                target_of(service, message, diagnosis.as_deref(), &facts, cloudgate)
            {
                facts.set_extra("target", target);
            }
            RowResult {
                outcome,
                diagnosis,
                facts,
                task: m.task.clone(),
            }
        })
        .collect()
}

/// The matcher takes one task. The job type is the more telling one (`validate.user`
/// against `validate.group`), so it goes first; when the operation alone would choose a
/// different entry, the two entries tied on the text, and the one whose `tasks` name both
/// the type and the operation is the better fit.
fn explain_row(
    cat: &Catalog,
    message: &str,
    job_type: Option<&str>,
    operation: Option<&str>,
    default_task: Option<&str>,
    lang: Lang,
) -> (Option<String>, Vec<Explained>) {
    let task = job_type.or(operation).or(default_task);
    let found = explain(
        cat,
        message,
        Context {
            task,
            ..Context::default()
        },
        lang,
    );
    if let (Some(k), Some(o), Some(a)) = (job_type, operation, found.first())
        && !names_both(cat, &a.diagnosis.id, k, o)
    {
        let alt = explain(
            cat,
            message,
            Context {
                task: Some(o),
                ..Context::default()
            },
            lang,
        );
        if let Some(b) = alt.first()
            && a.diagnosis.id != b.diagnosis.id
            && names_both(cat, &b.diagnosis.id, k, o)
        {
            return (task.map(str::to_owned), alt);
        }
    }
    (task.map(str::to_owned), found)
}

fn names_both(cat: &Catalog, id: &str, job_type: &str, operation: &str) -> bool {
    cat.get(id).is_some_and(|e| {
        let has = |t: &str| e.tasks.iter().any(|x| x.eq_ignore_ascii_case(t));
        has(job_type) && has(operation)
    })
}

fn is_console(s: Option<System>) -> bool {
    matches!(s, Some(System::Iij | System::CloudGate))
}

/// The best candidate, and the best of each console system after it: enough to prefer the
/// export's own system later without keeping every candidate's texts for every row.
fn keep_relevant(found: Vec<Explained>) -> Vec<Explained> {
    let mut kept: Vec<Explained> = Vec::with_capacity(3);
    for (i, e) in found.into_iter().enumerate() {
        let s = e.diagnosis.system;
        if i == 0 || (is_console(s) && !kept.iter().any(|k| k.diagnosis.system == s)) {
            kept.push(e);
        }
    }
    kept
}

/// The console the export comes from: the system (IIJ or CloudGate) that most rows'
/// best diagnoses belong to, when one clearly leads.
fn export_system<'a>(rows: impl Iterator<Item = &'a [Explained]>) -> Option<System> {
    let mut votes: BTreeMap<System, u64> = BTreeMap::new();
    for found in rows {
        if let Some(best) = found.first()
            && let Some(s) = best.diagnosis.system.filter(|s| is_console(Some(*s)))
        {
            *votes.entry(s).or_default() += 1;
        }
    }
    let mut v: Vec<(System, u64)> = votes.into_iter().collect();
    v.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    match v.as_slice() {
        [(s, _)] => Some(*s),
        [(s, a), (_, b), ..] if a > b => Some(*s),
        _ => None,
    }
}

/// The best candidate, unless the export's own system also has an entry whose pattern
/// matched: a CloudGate administrator is better served by the CloudGate entry (with steps in
/// the CloudGate console) than by the Microsoft Graph entry for the same upstream text.
fn choose(found: &[Explained], export: Option<System>) -> Option<usize> {
    if found.is_empty() {
        return None;
    }
    let pos = export
        .and_then(|s| found.iter().position(|e| e.diagnosis.system == Some(s)))
        .unwrap_or(0);
    Some(pos)
}

/// Nothing matched: the generic entry's steps speak of Entra provisioning events, so a
/// console row gets steps of its own.
fn unclassified(system: Option<System>, lang: Lang) -> Diagnosis {
    let mut d = Diagnosis::unclassified(system, lang);
    d.steps = match lang {
        Lang::En => vec![
            "Look the message up in the vendor's manual or knowledge base (IIJ ID Service: Troubleshooting Failed Jobs; CloudGate UNO: the provisioning-error Q&A), or ask the vendor's support with the row attached.".to_owned(),
            "Once you know the cause, add an entry for the message with --catalog FILE so that provlog recognizes it next time.".to_owned(),
        ],
        Lang::Ja => vec![
            "ベンダーのマニュアルやナレッジベース（IIJ ID サービス: 失敗したジョブのトラブルシューティング、CloudGate UNO: プロビジョニングエラーの Q&A）でメッセージを調べるか、この行を添えてベンダーのサポートに問い合わせてください。".to_owned(),
            "原因が分かったら --catalog FILE でこのメッセージのエントリを追加すると、次回から provlog が認識します。".to_owned(),
        ],
    };
    d
}

/// Office 365 or Google Workspace for a row of a CloudGate export (or one a CloudGate
/// entry diagnosed): the service column when there is
/// one, else a service named in the message, else the entry (`cloudgate.o365-…`,
/// `cloudgate.google-…`), else the shape of the reason phrase (CloudGate prints Microsoft's
/// in Title Case, `Forbidden (403)`, and Google's in camelCase, `notFound (404)`).
fn target_of(
    service: Option<&str>,
    message: &str,
    d: Option<&Diagnosis>,
    facts: &Facts,
    cloudgate: bool,
) -> Option<String> {
    if let Some(s) = service {
        return Some(canonical_service(s).unwrap_or(s).to_owned());
    }
    if !cloudgate {
        return None;
    }
    if let Some(s) = canonical_service(message)
        .or_else(|| facts.get_extra("service").and_then(canonical_service))
    {
        return Some(s.to_owned());
    }
    let id = d.map(|d| d.id.as_str()).unwrap_or("");
    if id.starts_with("cloudgate.o365-") {
        return Some("Office 365".to_owned());
    }
    if id.starts_with("cloudgate.google-") {
        return Some("Google Workspace".to_owned());
    }
    let phrase = facts.get_extra("reason_phrase")?;
    match phrase.chars().next() {
        Some(c) if c.is_ascii_uppercase() => Some("Office 365".to_owned()),
        Some(c) if c.is_ascii_lowercase() => Some("Google Workspace".to_owned()),
        _ => None,
    }
}

fn canonical_service(text: &str) -> Option<&'static str> {
    let t = text.to_lowercase();
    if ["office 365", "office365", "microsoft 365", "o365", "m365"]
        .iter()
        .any(|k| t.contains(k))
    {
        Some("Office 365")
    } else if ["google workspace", "g suite", "gsuite", "google apps"]
        .iter()
        .any(|k| t.contains(k))
        || t.trim() == "google"
    {
        Some("Google Workspace")
    } else {
        None
    }
}

// ---------------------------------------------------------------------------------------
// CSV

/// The added column names; one that an original header already uses (ignoring case) gets
/// a `provlog_` prefix, so that no column is ambiguous when the file is sorted or read back.
pub fn added_headers(headers: &[String]) -> Vec<String> {
    ADDED
        .iter()
        .map(|a| {
            if headers.iter().any(|h| h.trim().eq_ignore_ascii_case(a)) {
                format!("provlog_{a}")
            } else {
                (*a).to_owned()
            }
        })
        .collect()
}

fn added_cells(res: &RowResult) -> [String; 5] {
    match &res.diagnosis {
        None => Default::default(),
        Some(d) => [
            d.system.map(|s| s.as_str()).unwrap_or("").to_owned(),
            d.category.as_str().to_owned(),
            d.id.clone(),
            d.title.clone(),
            d.steps.first().cloned().unwrap_or_default(),
        ],
    }
}

/// The original cells go out exactly as they came in (a console export the user already
/// opens in Excel); only the added cells, which carry values captured from messages, get
/// the formula guard.
fn write_csv(
    out: &mut dyn Write,
    table: &ConsoleCsv,
    results: &[RowResult],
    bom: bool,
    crlf: bool,
) -> Result<()> {
    if bom {
        out.write_all("\u{feff}".as_bytes())?;
    }
    let mut w = csv::WriterBuilder::new()
        .terminator(if crlf {
            csv::Terminator::CRLF
        } else {
            csv::Terminator::Any(b'\n')
        })
        .from_writer(&mut *out);
    let mut head: Vec<String> = table.headers.clone();
    head.extend(added_headers(&table.headers));
    w.write_record(&head).map_err(io_of)?;
    for (row, res) in table.rows.iter().zip(results) {
        let added: Vec<String> = added_cells(res)
            .iter()
            .map(|c| guard(c).into_owned())
            .collect();
        let record = row
            .cells
            .iter()
            .map(String::as_str)
            .chain(added.iter().map(String::as_str));
        w.write_record(record).map_err(io_of)?;
    }
    w.flush()?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// NDJSON and JSON

struct View<'a> {
    label: &'a str,
    decoded: &'a Decoded,
    table: &'a ConsoleCsv,
    cols: &'a Columns,
    results: &'a [RowResult],
}

/// The row's cells keyed by header, in file order; a repeated or empty header gets its
/// column number so that no key is lost.
struct WireColumns<'a> {
    headers: &'a [String],
    cells: &'a [String],
}

impl Serialize for WireColumns<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.cells.len()))?;
        for (i, (h, c)) in self.headers.iter().zip(self.cells).enumerate() {
            let repeated = h.is_empty() || self.headers[..i].contains(h);
            if repeated {
                map.serialize_entry(&format!("{h} ({})", i + 1), c)?;
            } else {
                map.serialize_entry(h, c)?;
            }
        }
        map.end()
    }
}

#[derive(Serialize)]
struct WireRow<'a> {
    /// The spreadsheet row: the header is row 1.
    row: u64,
    outcome: &'static str,
    message: Option<&'a str>,
    task: Option<&'a str>,
    columns: WireColumns<'a>,
    diagnosis: Option<WireDiagnosis<'a>>,
    facts: WireFacts<'a>,
}

fn wire_row<'a>(v: &View<'a>, row: &'a console::ConsoleRow, res: &'a RowResult) -> WireRow<'a> {
    WireRow {
        row: row.row,
        outcome: res.outcome.as_str(),
        message: cell_at(row, Some(v.cols.message)),
        task: res.task.as_deref(),
        columns: WireColumns {
            headers: &v.table.headers,
            cells: &row.cells,
        },
        diagnosis: res.diagnosis.as_deref().map(WireDiagnosis::new),
        facts: WireFacts::new(&res.facts),
    }
}

#[derive(Debug, Default, Clone, Copy, Serialize)]
struct Totals {
    rows: u64,
    diagnosed: u64,
    unclassified: u64,
    no_message: u64,
    succeeded: u64,
}

fn totals(results: &[RowResult]) -> Totals {
    let mut t = Totals::default();
    for r in results {
        t.rows += 1;
        match r.outcome {
            Outcome::Diagnosed => t.diagnosed += 1,
            Outcome::Unclassified => t.unclassified += 1,
            Outcome::NoMessage => t.no_message += 1,
            Outcome::Succeeded => t.succeeded += 1,
        }
    }
    t
}

/// Rows sharing a diagnosis id.
struct Group<'a> {
    diagnosis: &'a Diagnosis,
    count: u64,
    rows: Vec<u64>,
    /// Distinct messages, in file order (at most `SHOWN_MESSAGES`).
    messages: Vec<&'a str>,
}

/// Groups by diagnosis id, largest first, then by id.
fn groups<'a>(v: &View<'a>) -> Vec<Group<'a>> {
    let mut by_id: BTreeMap<&str, Group<'a>> = BTreeMap::new();
    for (row, res) in v.table.rows.iter().zip(v.results) {
        let Some(d) = &res.diagnosis else { continue };
        let g = by_id.entry(d.id.as_str()).or_insert_with(|| Group {
            diagnosis: d,
            count: 0,
            rows: Vec::new(),
            messages: Vec::new(),
        });
        g.count += 1;
        g.rows.push(row.row);
        if let Some(m) = cell_at(row, Some(v.cols.message))
            && g.messages.len() < SHOWN_MESSAGES
            && !g.messages.contains(&m)
        {
            g.messages.push(m);
        }
    }
    let mut out: Vec<Group<'a>> = by_id.into_values().collect();
    out.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.diagnosis.id.cmp(&b.diagnosis.id))
    });
    out
}

#[derive(Serialize)]
struct WireSummary<'a> {
    file: &'a str,
    encoding: &'static str,
    bom: bool,
    message_column: &'a str,
    job_type_column: Option<&'a str>,
    operation_column: Option<&'a str>,
    service_column: Option<&'a str>,
    status_column: Option<&'a str>,
    #[serde(flatten)]
    totals: Totals,
}

#[derive(Serialize)]
struct WireGroup<'a> {
    id: &'a str,
    system: Option<&'static str>,
    category: &'static str,
    title: &'a str,
    count: u64,
    rows: &'a [u64],
}

#[derive(Serialize)]
struct WireDoc<'a> {
    summary: WireSummary<'a>,
    groups: Vec<WireGroup<'a>>,
    rows: Vec<WireRow<'a>>,
}

fn header_of<'a>(v: &View<'a>, col: Option<usize>) -> Option<&'a str> {
    col.and_then(|i| v.table.headers.get(i)).map(String::as_str)
}

fn write_json(out: &mut dyn Write, v: &View<'_>) -> Result<()> {
    let groups = groups(v);
    let doc = WireDoc {
        summary: WireSummary {
            file: v.label,
            encoding: v.decoded.encoding.as_str(),
            bom: v.decoded.bom,
            message_column: header_of(v, Some(v.cols.message)).unwrap_or(""),
            job_type_column: header_of(v, v.cols.job_type),
            operation_column: header_of(v, v.cols.operation),
            service_column: header_of(v, v.cols.service),
            status_column: header_of(v, v.cols.status),
            totals: totals(v.results),
        },
        groups: groups
            .iter()
            .map(|g| WireGroup {
                id: &g.diagnosis.id,
                system: g.diagnosis.system.map(|s| s.as_str()),
                category: g.diagnosis.category.as_str(),
                title: &g.diagnosis.title,
                count: g.count,
                rows: &g.rows,
            })
            .collect(),
        rows: v
            .table
            .rows
            .iter()
            .zip(v.results)
            .map(|(row, res)| wire_row(v, row, res))
            .collect(),
    };
    serde_json::to_writer(&mut *out, &doc).map_err(io::Error::from)?;
    out.write_all(b"\n")?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Table and Markdown

fn summary_lines(v: &View<'_>, lang: Lang) -> Vec<(&'static str, String)> {
    let tot = totals(v.results);
    let mut enc = v.decoded.encoding.as_str().to_owned();
    if v.decoded.bom {
        enc.push_str(" + BOM");
    }
    let mut lines = vec![
        (
            t(lang, "file"),
            format!("{} ({} {enc})", one_line(v.label), t(lang, "encoding")),
        ),
        (
            t(lang, "message_column"),
            one_line(header_of(v, Some(v.cols.message)).unwrap_or("")),
        ),
    ];
    if v.cols.job_type.is_some() || v.cols.operation.is_some() {
        lines.push((
            t(lang, "task_columns"),
            format!(
                "{} / {}",
                one_line(header_of(v, v.cols.job_type).unwrap_or("-")),
                one_line(header_of(v, v.cols.operation).unwrap_or("-"))
            ),
        ));
    }
    if let Some(s) = header_of(v, v.cols.service) {
        lines.push((t(lang, "service_column"), one_line(s)));
    }
    let mut parts = vec![format!("{} {}", tot.diagnosed, t(lang, "diagnosed"))];
    for (n, key) in [
        (tot.unclassified, "not_in_catalog"),
        (tot.no_message, "no_message"),
        (tot.succeeded, "succeeded"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {}", t(lang, key)));
        }
    }
    lines.push((
        t(lang, "rows"),
        format!("{}: {}", tot.rows, parts.join(" · ")),
    ));
    lines
}

fn row_list(rows: &[u64], lang: Lang) -> String {
    let mut s: Vec<String> = rows.iter().take(SHOWN).map(u64::to_string).collect();
    if rows.len() > SHOWN {
        s.push(t(lang, "more_n").replace("{n}", &(rows.len() - SHOWN).to_string()));
    }
    s.join(", ")
}

fn unit(lang: Lang, n: u64) -> &'static str {
    if n == 1 {
        t(lang, "row_unit_one")
    } else {
        t(lang, "row_unit")
    }
}

fn write_table(out: &mut dyn Write, v: &View<'_>, style: &Style) -> Result<()> {
    let lang = style.lang;
    let lines = summary_lines(v, lang);
    let width = lines
        .iter()
        .map(|(l, _)| unicode_width(l))
        .max()
        .unwrap_or(0);
    for (label, value) in &lines {
        let pad = width - unicode_width(label);
        writeln!(out, "{label}{}  {value}", " ".repeat(pad))?;
    }
    writeln!(out)?;
    let groups = groups(v);
    if groups.is_empty() {
        writeln!(out, "{}", t(lang, "no_rows"))?;
        return Ok(());
    }
    writeln!(out, "{}", t(lang, "rows_by_diagnosis"))?;
    let mut table = new_table(style);
    header(
        &mut table,
        &[
            "#",
            t(lang, "count"),
            t(lang, "category"),
            t(lang, "diagnosis"),
            t(lang, "title"),
            t(lang, "row_numbers"),
        ],
        style,
    );
    for (i, g) in groups.iter().enumerate() {
        let d = g.diagnosis;
        table.add_row(vec![
            Cell::new(i + 1),
            Cell::new(g.count),
            category_cell(Some(d.category), style),
            Cell::new(&d.id),
            Cell::new(one_line(&d.title)),
            Cell::new(row_list(&g.rows, lang)),
        ]);
    }
    crate::render::table::keep_words_whole(&mut table, &[3]);
    writeln!(out, "{table}")?;
    for (i, g) in groups.iter().enumerate() {
        let d = g.diagnosis;
        writeln!(out)?;
        let heading = format!(
            "[{}] {} ({}) — {} {}",
            i + 1,
            one_line(&d.title),
            d.id,
            g.count,
            unit(lang, g.count)
        );
        if style.color {
            writeln!(out, "\u{1b}[1m{heading}\u{1b}[0m")?;
        } else {
            writeln!(out, "{heading}")?;
        }
        writeln!(out, "    {}", sanitize(&d.explanation))?;
        if let Some(r) = d.retry {
            writeln!(out, "    {}: {}", t(lang, "retry"), retry_text(r, lang))?;
        }
        writeln!(out, "    {}:", t(lang, "what_to_do"))?;
        for (k, s) in d.steps.iter().enumerate() {
            writeln!(out, "      {}. {}", k + 1, sanitize(s))?;
        }
        writeln!(
            out,
            "    {}: {}",
            t(lang, "row_numbers"),
            row_list(&g.rows, lang)
        )?;
        for m in &g.messages {
            writeln!(
                out,
                "    {}: {}",
                t(lang, "message"),
                shorten(&one_line(m), 200)
            )?;
        }
        for doc in &d.docs {
            writeln!(out, "    {}: {doc}", t(lang, "docs"))?;
        }
    }
    Ok(())
}

fn write_markdown(out: &mut dyn Write, v: &View<'_>, lang: Lang) -> Result<()> {
    writeln!(out, "# {}", cell(v.label))?;
    writeln!(out)?;
    for (label, value) in summary_lines(v, lang) {
        writeln!(out, "- **{label}:** {}", cell(&value))?;
    }
    writeln!(out)?;
    let groups = groups(v);
    if groups.is_empty() {
        writeln!(out, "{}", t(lang, "no_rows"))?;
        return Ok(());
    }
    writeln!(
        out,
        "| # | {} | {} | {} | {} | {} |",
        t(lang, "count"),
        t(lang, "category"),
        t(lang, "diagnosis"),
        t(lang, "title"),
        t(lang, "row_numbers")
    )?;
    writeln!(out, "|---:|---:|---|---|---|---|")?;
    for (i, g) in groups.iter().enumerate() {
        let d = g.diagnosis;
        writeln!(
            out,
            "| {} | {} | {} | `{}` | {} | {} |",
            i + 1,
            g.count,
            d.category.label(lang),
            d.id,
            cell(&d.title),
            cell(&row_list(&g.rows, lang))
        )?;
    }
    for (i, g) in groups.iter().enumerate() {
        let d = g.diagnosis;
        writeln!(out)?;
        writeln!(
            out,
            "## {}. {} (`{}`, {} {})",
            i + 1,
            cell(&d.title),
            d.id,
            g.count,
            unit(lang, g.count)
        )?;
        writeln!(out)?;
        writeln!(out, "{}", cell(&d.explanation))?;
        writeln!(out)?;
        writeln!(out, "**{}:**", t(lang, "what_to_do"))?;
        writeln!(out)?;
        for (k, s) in d.steps.iter().enumerate() {
            writeln!(out, "{}. {}", k + 1, cell(s))?;
        }
        writeln!(out)?;
        writeln!(
            out,
            "**{}:** {}",
            t(lang, "row_numbers"),
            cell(&row_list(&g.rows, lang))
        )?;
        for m in &g.messages {
            writeln!(out)?;
            writeln!(out, "> {}", cell(&shorten(m, 300)))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        Catalog::load(&[]).expect("built-in catalog loads")
    }

    fn table(text: &str) -> (ConsoleCsv, Columns) {
        let t = console::parse(text).expect("parses");
        let c = console::find_columns(&t.headers, None).expect("columns");
        (t, c)
    }

    #[test]
    fn outcomes_of_rows() {
        let cat = catalog();
        let (t, c) = table(
            "種別,操作,状態,メッセージ\n\
             validate.user,csv_validation,エラー,User does not exist.\n\
             validate.user,csv_validation,エラー,\n\
             import.msonline_user,import,成功,インポートが完了しました。\n\
             export.msonline_user,create,エラー,qwertyuiop asdfghjkl\n",
        );
        let r = classify_rows(&cat, &t, &c, None, Lang::En);
        let outcomes: Vec<Outcome> = r.iter().map(|r| r.outcome).collect();
        assert_eq!(
            outcomes,
            vec![
                Outcome::Diagnosed,
                Outcome::NoMessage,
                Outcome::Succeeded,
                Outcome::Unclassified
            ]
        );
        assert_eq!(r[0].task.as_deref(), Some("validate.user"));
        let un = r[3].diagnosis.as_ref().expect("unclassified diagnosis");
        assert!(un.is_unclassified());
        // The export is IIJ's, so the unclassified row is put under it.
        assert_eq!(un.system, Some(System::Iij));
        assert!(!un.steps[0].contains("provlog show"), "{:?}", un.steps);
    }

    #[test]
    fn cloudgate_target_comes_from_the_service_column_or_the_message() {
        let cat = catalog();
        let (t, c) = table(
            "サービス,結果,詳細\n\
             Office 365,失敗,Forbidden (403) Insufficient privileges to complete the operation\n\
             ,失敗,duplicate (409) Entity already exists.\n\
             ,失敗,forbidden (403) Not Authorized to access this resource/api\n",
        );
        let r = classify_rows(&cat, &t, &c, None, Lang::En);
        assert_eq!(r[0].facts.get_extra("target"), Some("Office 365"));
        assert_eq!(r[0].facts.http_status, Some(403));
        assert_eq!(r[0].facts.get_extra("reason_phrase"), Some("Forbidden"));
        assert_eq!(r[1].facts.get_extra("target"), Some("Google Workspace"));
        // Only a generic HTTP 403 entry fits, but the export is CloudGate's and the
        // reason phrase is camelCase: Google.
        assert_eq!(r[2].facts.get_extra("target"), Some("Google Workspace"));
        assert_eq!(r[2].facts.http_status, Some(403));
    }

    #[test]
    fn iij_azure_ad_error_is_split_into_facts() {
        let cat = catalog();
        let (t, c) = table(
            "Type,Operation,Message\n\
             export.msonline_license,update,\"Failed to update user license in Azure AD [Error details: code: Request_BadRequest, message: License assignment failed because service plans a0000000-0000-0000-0000-000000000000,b0000000-0000-0000-0000-000000000000 are mutually exclusive, requestId: c0000000-0000-0000-0000-000000000000]\"\n",
        );
        let r = classify_rows(&cat, &t, &c, None, Lang::En);
        let f = &r[0].facts;
        assert_eq!(f.target_error_code.as_deref(), Some("Request_BadRequest"));
        assert_eq!(
            f.request_id.as_deref(),
            Some("c0000000-0000-0000-0000-000000000000")
        );
        assert!(
            f.get_extra("target_message")
                .is_some_and(|m| m.ends_with("are mutually exclusive")),
            "{f:?}"
        );
        assert_eq!(f.get_extra("target"), None);
        let d = r[0].diagnosis.as_ref().expect("diagnosed");
        assert_eq!(d.system, Some(System::Iij));
    }

    #[test]
    fn the_export_system_is_preferred_when_its_entry_also_matched() {
        let cat = catalog();
        let found = explain(
            &cat,
            "Forbidden (403) Insufficient privileges to complete the operation.",
            Context::default(),
            Lang::En,
        );
        let entra_first: Vec<Explained> = found
            .iter()
            .filter(|e| e.diagnosis.system == Some(System::Entra))
            .chain(
                found
                    .iter()
                    .filter(|e| e.diagnosis.system == Some(System::CloudGate)),
            )
            .cloned()
            .collect();
        assert!(entra_first.len() >= 2, "both systems match this text");
        let kept = keep_relevant(entra_first.clone());
        let got = choose(&kept, Some(System::CloudGate)).expect("one");
        assert_eq!(kept[got].diagnosis.system, Some(System::CloudGate));
        let got = choose(&entra_first, None).expect("one");
        assert_eq!(entra_first[got].diagnosis.system, Some(System::Entra));
        assert_eq!(choose(&[], Some(System::CloudGate)), None);
    }

    #[test]
    fn export_system_needs_a_clear_lead() {
        let cat = catalog();
        let one = |m: &str| explain(&cat, m, Context::default(), Lang::En);
        let iij = one("User does not exist.");
        let cg = one("duplicate (409) Entity already exists.");
        let rows = [iij.as_slice(), cg.as_slice(), iij.as_slice()];
        assert_eq!(export_system(rows.into_iter()), Some(System::Iij));
        let tie = [iij.as_slice(), cg.as_slice()];
        assert_eq!(export_system(tie.into_iter()), None);
        assert_eq!(export_system(std::iter::empty()), None);
    }

    #[test]
    fn added_headers_never_collide() {
        let h = vec!["Category".to_owned(), "メッセージ".to_owned()];
        assert_eq!(
            added_headers(&h),
            vec![
                "system",
                "provlog_category",
                "diagnosis_id",
                "title",
                "first_step"
            ]
        );
    }

    #[test]
    fn services_are_named_canonically() {
        assert_eq!(canonical_service("Microsoft 365"), Some("Office 365"));
        assert_eq!(canonical_service("Google"), Some("Google Workspace"));
        assert_eq!(canonical_service("G Suite"), Some("Google Workspace"));
        assert_eq!(canonical_service("Box"), None);
    }
}
