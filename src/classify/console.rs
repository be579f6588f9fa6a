//! Diagnosing the rows of a console export (IIJ ID Service job list, CloudGate UNO
//! operation log, provisioning or bulk-processing history): each distinct message goes
//! through [`super::explain`], the matcher a pasted message uses, with the IIJ job type and
//! operation as the task; then the export's own system is preferred where it matched, and
//! the target service is named.

use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use super::{Context, Diagnosis, Explained, explain};
use crate::catalog::{Catalog, System};
use crate::i18n::Lang;
use crate::input::console::{self, Columns, ConsoleCsv};
use crate::reason::{self, Facts};

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

// ---------------------------------------------------------------------------------------
// Classification

pub fn cell_at(row: &console::ConsoleRow, col: Option<usize>) -> Option<&str> {
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
    fn services_are_named_canonically() {
        assert_eq!(canonical_service("Microsoft 365"), Some("Office 365"));
        assert_eq!(canonical_service("Google"), Some("Google Workspace"));
        assert_eq!(canonical_service("G Suite"), Some("Google Workspace"));
        assert_eq!(canonical_service("Box"), None);
    }
}
