//! Classification: an event (or a pasted message) against the catalog, to a diagnosis.
//!
//! Pure: no I/O, no clock. The precedence rule is the matcher's (see `catalog::matcher`);
//! this module decides what an event offers to match on, and resolves the winning entry's
//! texts in the user's language with the captured values filled in.

pub mod console;

use crate::catalog::{Catalog, Category, Found, Lookup, MatchedBy, Retry, System, fill};
use crate::event::{Event, Status};
use crate::i18n::Lang;
use crate::layers::Layer;
use crate::reason::{self, Facts};

/// One link of a diagnosis's chain: the entry that matched one layer of the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cause {
    pub layer: Layer,
    pub id: String,
    pub title: String,
}

/// The diagnosis of one failure, in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnosis {
    pub id: String,
    pub system: Option<System>,
    pub category: Category,
    pub retry: Option<Retry>,
    pub matched_by: Option<MatchedBy>,
    pub title: String,
    pub explanation: String,
    pub steps: Vec<String>,
    pub docs: Vec<String>,
    /// The layers that matched, outermost first, ending with this diagnosis (empty when
    /// unclassified).
    pub cause: Vec<Cause>,
}

pub const UNCLASSIFIED: &str = "unclassified";

impl Diagnosis {
    pub fn is_unclassified(&self) -> bool {
        self.id == UNCLASSIFIED
    }

    /// The chain in one line, outermost first ("Target app answered 401 Unauthorized ←
    /// Client secret has expired"); `None` when only one layer matched.
    pub fn cause_line(&self) -> Option<String> {
        if self.cause.len() < 2 {
            return None;
        }
        Some(
            self.cause
                .iter()
                .map(|c| c.title.as_str())
                .collect::<Vec<_>>()
                .join(" ← "),
        )
    }

    /// For an event nothing matched: its raw code and reason are reported as they are.
    pub fn unclassified(system: Option<System>, lang: Lang) -> Diagnosis {
        let (title, explanation, steps): (&str, &str, &[&str]) = match lang {
            Lang::En => (
                "Not in the catalog",
                "No catalog entry matches this error code or message. The raw code and reason are shown as the service logged them.",
                &[
                    "Read the reason and the failed step of one of these events (provlog show CHANGE_ID).",
                    "Search the error code in the Microsoft Learn provisioning documentation or your vendor's knowledge base.",
                    "Once you know the cause, add an entry for it with --catalog FILE so that provlog recognizes it next time.",
                ],
            ),
            Lang::Ja => (
                "カタログに該当なし",
                "このエラー コードやメッセージに一致するカタログ エントリはありません。サービスが記録したコードと理由をそのまま表示しています。",
                &[
                    "該当イベントのいずれかについて、理由と失敗したステップを確認してください (provlog show 変更ID)。",
                    "エラー コードを Microsoft Learn のプロビジョニング関連ドキュメントやベンダーのナレッジベースで検索してください。",
                    "原因が分かったら --catalog FILE でエントリを追加すると、次回から provlog が認識します。",
                ],
            ),
        };
        Diagnosis {
            id: UNCLASSIFIED.to_owned(),
            system,
            category: Category::Unclassified,
            retry: None,
            matched_by: None,
            title: title.to_owned(),
            explanation: explanation.to_owned(),
            steps: steps.iter().map(|s| (*s).to_owned()).collect(),
            docs: Vec::new(),
            cause: Vec::new(),
        }
    }

    /// The diagnosis of the best candidate, with its chain; `None` when nothing matched.
    fn from_found(cat: &Catalog, found: &Found, lang: Lang) -> Option<Diagnosis> {
        let best = found.candidates.first()?;
        let mut d = Diagnosis::from_entry(cat, best.entry, best.matched_by, &best.captures, lang);
        d.cause = found
            .chain
            .iter()
            .map(|c| {
                let e = &cat.entries[c.entry];
                Cause {
                    layer: c.layer,
                    id: e.id.clone(),
                    title: fill(&e.texts(lang).title, &c.captures),
                }
            })
            .collect();
        Some(d)
    }

    fn from_entry(
        cat: &Catalog,
        entry: usize,
        by: MatchedBy,
        captures: &[(String, String)],
        lang: Lang,
    ) -> Diagnosis {
        let e = &cat.entries[entry];
        let t = e.texts(lang);
        let captures: Vec<(String, String)> =
            captures.iter().map(|(k, v)| (k.clone(), clip(v))).collect();
        let captures = &captures[..];
        Diagnosis {
            id: e.id.clone(),
            system: Some(e.system),
            category: e.category,
            retry: Some(e.retry),
            matched_by: Some(by),
            title: fill(&t.title, captures),
            explanation: fill(&t.explanation, captures),
            steps: t.steps.iter().map(|s| fill(s, captures)).collect(),
            docs: e.docs.clone(),
            cause: Vec::new(),
        }
    }
}

/// Longest captured value put into a title, explanation or step: captures come from log
/// text, and a diagnosis line should not carry megabytes (the facts keep the whole value).
const MAX_FILLED: usize = 200;

fn clip(v: &str) -> String {
    match v.char_indices().nth(MAX_FILLED) {
        Some((i, _)) => format!("{}…", &v[..i]),
        None => v.to_owned(),
    }
}

/// Facts from an event's reason and details, before the catalog adds its captures.
pub fn event_facts(ev: &Event) -> Facts {
    let mut f = ev
        .error
        .reason
        .as_deref()
        .map(reason::parse)
        .unwrap_or_default();
    if let Some(details) = &ev.error.additional_details {
        let more = reason::parse(details);
        f.http_status = f.http_status.or(more.http_status);
        f.retry_count = f.retry_count.or(more.retry_count);
        f.next_retry = f.next_retry.or(more.next_retry);
        f.target_error_code = f.target_error_code.or(more.target_error_code);
        f.request_id = f.request_id.or(more.request_id);
        for (k, v) in more.extra {
            if f.get_extra(&k).is_none() {
                f.set_extra(&k, v);
            }
        }
    }
    f
}

/// The details of a skipped event's scoping and skip steps as `Key: Value` lines, so that
/// patterns can read why it was out of scope (`Scoping filter evaluation passed: False`)
/// when the service gave no `SkipReason`.
fn skip_details(ev: &Event) -> Vec<String> {
    if ev.status() != Status::Skipped {
        return Vec::new();
    }
    ev.steps
        .iter()
        .filter(|s| s.status == Status::Skipped || s.step_type == crate::event::StepType::Scoping)
        .filter(|s| !s.details.is_empty())
        .map(|s| {
            s.details
                .iter()
                .map(|(k, v)| format!("{k}: {v}"))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect()
}

/// What an event offers to the matcher.
fn event_lookup<'a>(ev: &'a Event, facts: &Facts, details: &'a [String]) -> Lookup<'a> {
    let mut texts: Vec<(Layer, &str)> = Vec::with_capacity(4 + details.len());
    texts.extend(ev.error.reason.as_deref().map(|t| (Layer::Summary, t)));
    texts.extend(
        ev.error
            .additional_details
            .as_deref()
            .map(|t| (Layer::Details, t)),
    );
    if let Some(step) = ev.failed_step() {
        texts.extend(step.description.as_deref().map(|t| (Layer::Step, t)));
    }
    texts.extend(details.iter().map(|t| (Layer::Step, t.as_str())));
    Lookup {
        id: None,
        code: ev.error.code.as_deref(),
        texts,
        http_status: facts.http_status,
        skip_reason: ev.skip_reason(),
        skipped: ev.status() == Status::Skipped,
        task: None,
        system: None,
        embedded_codes: false,
        all: false,
    }
}

/// Diagnoses one event. Captures of the winning pattern are added to the facts.
pub fn classify_event(cat: &Catalog, ev: &Event, lang: Lang) -> (Diagnosis, Facts) {
    let mut facts = event_facts(ev);
    let details = skip_details(ev);
    let lookup = event_lookup(ev, &facts, &details);
    let found = cat.lookup(&lookup);
    if let Some(c) = found.candidates.first() {
        add_captures(&mut facts, &c.captures);
    }
    let diagnosis = Diagnosis::from_found(cat, &found, lang)
        .unwrap_or_else(|| Diagnosis::unclassified(Some(System::Entra), lang));
    (diagnosis, facts)
}

/// Captures named like the fixed facts fill them; the rest are extra facts.
fn add_captures(facts: &mut Facts, captures: &[(String, String)]) {
    for (k, v) in captures {
        match k.as_str() {
            "http_status" => {
                if facts.http_status.is_none() {
                    facts.http_status = v.parse().ok();
                }
            }
            "target_error_code" => {
                facts.target_error_code.get_or_insert_with(|| v.clone());
            }
            "request_id" => {
                facts.request_id.get_or_insert_with(|| v.clone());
            }
            _ => {
                if facts.get_extra(k).is_none() {
                    facts.set_extra(k, v.clone());
                }
            }
        }
    }
}

/// One result of `explain`.
#[derive(Debug, Clone)]
pub struct Explained {
    pub diagnosis: Diagnosis,
    pub facts: Facts,
}

/// What the user knows about a pasted message besides its text.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context<'a> {
    /// The IIJ job type or operation it came with.
    pub task: Option<&'a str>,
    /// The system it came from (an IIJ directory-sync event is IIJ even when it quotes a
    /// SCIM error): only that system's entries are candidates.
    pub system: Option<System>,
    /// The error code shown beside the message, when it was pasted apart from it.
    pub code: Option<&'a str>,
}

/// Diagnoses a pasted code, catalog id or message: every entry that fits, best first (the
/// first with its chain of layers). Empty when nothing matches.
pub fn explain(cat: &Catalog, text: &str, ctx: Context<'_>, lang: Lang) -> Vec<Explained> {
    let text = text.trim();
    let facts = reason::parse(text);
    let lookup = Lookup {
        id: Some(text),
        code: Some(ctx.code.map_or(text, str::trim)),
        texts: vec![(Layer::Summary, text)],
        http_status: facts.http_status,
        skip_reason: Some(text),
        skipped: false,
        task: ctx.task,
        system: ctx.system,
        embedded_codes: true,
        all: true,
    };
    let found = cat.lookup(&lookup);
    let mut best = Diagnosis::from_found(cat, &found, lang);
    found
        .candidates
        .iter()
        .map(|c| {
            let mut f = facts.clone();
            add_captures(&mut f, &c.captures);
            let diagnosis = best.take().unwrap_or_else(|| {
                Diagnosis::from_entry(cat, c.entry, c.matched_by, &c.captures, lang)
            });
            Explained {
                diagnosis,
                facts: f,
            }
        })
        .collect()
}

/// One closest entry, in the user's language.
pub struct Guess<'a> {
    pub id: &'a str,
    pub system: System,
    pub category: Category,
    pub title: &'a str,
    pub similarity: f64,
}

/// The `n` entries closest to a message that matched none, as guesses.
pub fn guesses<'a>(
    cat: &'a Catalog,
    input: &str,
    system: Option<System>,
    lang: Lang,
    n: usize,
) -> Vec<Guess<'a>> {
    cat.closest(input, system, n)
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
