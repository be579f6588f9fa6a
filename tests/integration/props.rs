//! Property tests, in process through the library: whatever the bytes, the readers, the
//! reason parser and `explain` never panic, and no record goes uncounted.

use std::sync::OnceLock;

use proptest::prelude::*;
use serde_json::{Map, Value};

use provlog::catalog::Catalog;
use provlog::event::Event;
use provlog::i18n::Lang;
use provlog::input::normalize::Damage;
use provlog::input::raw::RawEvent;
use provlog::input::{Collect, EventSink, Problem, read_bytes, read_set_bytes};

use crate::util::read_fixture;

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| Catalog::load(&[]).expect("the built-in catalog loads"))
}

/// The first `n` events of the portal fixture (v1.0) and of the beta one.
fn sample_events() -> &'static [Value] {
    static EVENTS: OnceLock<Vec<Value>> = OnceLock::new();
    EVENTS.get_or_init(|| {
        let mut out = Vec::new();
        for rel in ["portal-export.json", "portal-export-beta.json"] {
            let text = String::from_utf8(read_fixture(rel)).expect("utf-8");
            let v: Value =
                serde_json::from_str(text.trim_start_matches('\u{feff}')).expect("fixture");
            // Failures first: they carry the most fields.
            let mut items = v.as_array().cloned().unwrap_or_default();
            items.sort_by_key(|e| !e.to_string().contains("\"failure\""));
            out.extend(items.into_iter().take(12));
        }
        out
    })
}

/// Reads bytes and checks what every read must give: each event seen is delivered, each
/// problem has a position or is about the whole input, and its text is not empty.
fn read_checked(label: &str, bytes: &[u8]) -> Collect {
    let mut sink = Collect::default();
    let outcome = read_bytes(label, bytes, &mut sink);
    assert_eq!(sink.seen as usize, sink.events.len());
    for p in sink.rejected.iter().chain(outcome.fatal.iter()) {
        assert_eq!(p.file, label);
        assert!(!p.message.is_empty());
    }
    for p in &sink.rejected {
        assert!(
            p.position.is_some(),
            "a rejected record without a position: {p}"
        );
    }
    sink
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        ".{0,40}".prop_map(Value::String),
        // Strings that look like what readers parse: times, JSON text, numbers.
        prop_oneof![
            Just("2026-11-24T08:00:00Z"),
            Just("{\"status\":\"failure\"}"),
            Just("[{\"name\":\"x\"}]"),
            Just("1"),
            Just("")
        ]
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec(("[a-zA-Z]{1,12}", inner), 0..4)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<String, Value>>())),
        ]
    })
}

/// One change to an event: remove a field, give it a value of another type, or rename
/// it in another case. `path` picks the field, walking down objects.
#[derive(Debug, Clone)]
enum Mutation {
    Remove(Vec<u16>),
    Retype(Vec<u16>, Value),
    Recase(Vec<u16>, u8),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let path = prop::collection::vec(any::<u16>(), 1..4);
    prop_oneof![
        path.clone().prop_map(Mutation::Remove),
        (path.clone(), json_value()).prop_map(|(p, v)| Mutation::Retype(p, v)),
        (path, any::<u8>()).prop_map(|(p, c)| Mutation::Recase(p, c)),
    ]
}

/// Changes a key's case: upper, lower, or alternating from a seed.
fn recase(key: &str, how: u8) -> String {
    match how % 3 {
        0 => key.to_ascii_uppercase(),
        1 => key.to_ascii_lowercase(),
        _ => key
            .chars()
            .enumerate()
            .map(|(i, c)| {
                if (i + how as usize).is_multiple_of(2) {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect(),
    }
}

fn apply(v: &mut Value, m: &Mutation) {
    let (path, last) = match m {
        Mutation::Remove(p) | Mutation::Retype(p, _) | Mutation::Recase(p, _) => {
            (&p[..p.len() - 1], p[p.len() - 1])
        }
    };
    // Walk down with shared borrows, noting a JSON pointer; then change it through one
    // mutable borrow.
    let mut pointer = String::new();
    let mut at: &Value = v;
    for step in path {
        let next = match at {
            Value::Object(o) if !o.is_empty() => o
                .iter()
                .nth(*step as usize % o.len())
                .map(|(k, v)| (k.replace('~', "~0").replace('/', "~1"), v)),
            Value::Array(a) if !a.is_empty() => {
                let i = *step as usize % a.len();
                Some((i.to_string(), &a[i]))
            }
            _ => None,
        };
        match next {
            Some((k, n)) if n.is_object() || n.is_array() => {
                pointer.push('/');
                pointer.push_str(&k);
                at = n;
            }
            _ => break,
        }
    }
    let Some(at) = v.pointer_mut(&pointer) else {
        return;
    };
    let Value::Object(o) = at else { return };
    if o.is_empty() {
        return;
    }
    let Some(key) = o.keys().nth(last as usize % o.len()).cloned() else {
        return;
    };
    match m {
        Mutation::Remove(_) => {
            o.remove(&key);
        }
        Mutation::Retype(_, value) => {
            o.insert(key, value.clone());
        }
        Mutation::Recase(_, how) => {
            if let Some(value) = o.remove(&key) {
                o.insert(recase(&key, *how), value);
            }
        }
    }
}

/// Recases every key of the event except inside steps and modified properties (whose
/// detail names are data, kept as written).
fn recase_all(v: &mut Value, how: u8) {
    if let Value::Object(o) = v {
        let old = std::mem::take(o);
        for (k, mut val) in old {
            let lower = k.to_ascii_lowercase();
            if lower != "provisioningsteps" && lower != "modifiedproperties" && lower != "details" {
                recase_all(&mut val, how.wrapping_add(1));
            }
            o.insert(recase(&k, how), val);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Any bytes, as a file of unknown shape.
    #[test]
    fn any_bytes_into_the_reader(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        read_checked("any.bin", &bytes);
    }

    /// Bytes behind a JSON start, so the JSON readers see them.
    #[test]
    fn any_bytes_after_a_json_start(
        start in prop_oneof![Just(&b"["[..]), Just(&b"{"[..]), Just(&b"[{\"changeId\":"[..]), Just(&b"{\"value\":[{"[..])],
        bytes in prop::collection::vec(any::<u8>(), 0..2048),
    ) {
        let mut input = start.to_vec();
        input.extend(bytes);
        read_checked("any.json", &input);
    }

    /// Bytes behind a CSV header, as a Log Analytics export and as the portal's set.
    #[test]
    fn any_bytes_after_a_csv_header(
        rows in prop::collection::vec(any::<u8>(), 0..2048),
        steps in prop::collection::vec(any::<u8>(), 0..512),
        props in prop::collection::vec(any::<u8>(), 0..512),
    ) {
        let mut la = b"TenantId,TimeGenerated [UTC],ChangeId,ResultType,ResultDescription,ProvisioningSteps,ServicePrincipal\n".to_vec();
        la.extend(&rows);
        read_checked("la.csv", &la);
        let mut events = b"Change ID,Date (UTC),Action,Status,Status Reason,Error Code\n".to_vec();
        events.extend(&rows);
        let mut st = b"Change ID,Step,Name,Type,Status,Description,Details\n".to_vec();
        st.extend(&steps);
        let mut pr = b"Change ID,Name,Old Value,New Value\n".to_vec();
        pr.extend(&props);
        let mut sink = Collect::default();
        read_set_bytes(("e.csv", &events), Some(("s.csv", &st)), Some(("p.csv", &pr)), &mut sink);
        prop_assert_eq!(sink.seen as usize, sink.events.len());
    }

    /// Any text into the reason parser: no panic, and an HTTP status is one.
    #[test]
    fn any_text_into_the_reason_parser(text in ".{0,300}", tail in "[ -~]{0,200}") {
        for t in [text.clone(), format!("{text}StatusCode: {tail}"), format!("Web Response: {{{tail}"), format!("{text} retried {tail} times. It will be retried again after this date: {tail}")] {
            let facts = provlog::reason::parse(&t);
            if let Some(s) = facts.http_status {
                prop_assert!((100..600).contains(&s));
            }
        }
    }

    /// Randomly mutated real events: each is read as an event or rejected with a reason
    /// and a position, never lost and never a panic.
    #[test]
    fn mutated_events_are_read_or_rejected(
        picks in prop::collection::vec(any::<u16>(), 1..4),
        mutations in prop::collection::vec(mutation(), 1..6),
        ndjson in any::<bool>(),
    ) {
        let pool = sample_events();
        let mut events: Vec<Value> = picks.iter().map(|i| pool[*i as usize % pool.len()].clone()).collect();
        for (k, m) in mutations.iter().enumerate() {
            let n = events.len();
            apply(&mut events[k % n], m);
        }
        let n = events.len();
        let bytes = if ndjson {
            events.iter().map(|e| e.to_string() + "\n").collect::<String>()
        } else {
            Value::Array(events).to_string()
        };
        let got = read_checked("mutated.json", bytes.as_bytes());
        prop_assert_eq!(got.seen as usize + got.rejected.len(), n, "every record counted");
    }
}

/// Compares, for every event, what the check every event gets (`RawEvent::check`, before
/// `seen`) finds unreadable with what normalising the event finds: the check may find less
/// (what lies inside a party or a list of steps), never more, so that an event counted as
/// unreadable when it is not read in full is one when it is.
#[derive(Default)]
struct CheckVsNormalize {
    checked: Vec<u32>,
    normalized: Vec<Damage>,
    damaged: u64,
}

impl EventSink for CheckVsNormalize {
    fn seen(&mut self, raw: &RawEvent<'_>) -> bool {
        self.checked.push(raw.unreadable_fields());
        true
    }
    fn selected(&mut self, _: Event, damage: Damage) {
        self.normalized.push(damage);
    }
    fn noise(&mut self, _: u64) {}
    fn rejected(&mut self, _: Problem) {}
    fn damaged(&mut self, _: Problem) {
        self.damaged += 1;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// See `CheckVsNormalize`; and each event with an unreadable field is reported once.
    /// See: provlog issue 17, item 20.
    #[test]
    fn the_check_of_every_event_never_finds_more_than_normalising(
        picks in prop::collection::vec(any::<u16>(), 1..4),
        mutations in prop::collection::vec(mutation(), 1..6),
        ndjson in any::<bool>(),
    ) {
        let pool = sample_events();
        let mut events: Vec<Value> = picks.iter().map(|i| pool[*i as usize % pool.len()].clone()).collect();
        for (k, m) in mutations.iter().enumerate() {
            let n = events.len();
            apply(&mut events[k % n], m);
        }
        let bytes = if ndjson {
            events.iter().map(|e| e.to_string() + "\n").collect::<String>()
        } else {
            Value::Array(events).to_string()
        };
        let mut sink = CheckVsNormalize::default();
        read_bytes("mutated.json", bytes.as_bytes(), &mut sink);
        prop_assert_eq!(sink.checked.len(), sink.normalized.len());
        for (checked, damage) in sink.checked.iter().zip(&sink.normalized) {
            prop_assert!(*checked <= damage.fields(), "check {} > normalize {:?}", checked, damage);
        }
        let with_damage = sink.normalized.iter().filter(|d| d.fields() > 0).count() as u64;
        prop_assert_eq!(sink.damaged, with_damage);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Any text into `explain`: no panic, and no entry listed twice.
    #[test]
    fn any_text_into_explain(text in ".{0,200}", ja in any::<bool>(), task in any::<bool>()) {
        let lang = if ja { Lang::Ja } else { Lang::En };
        let ctx = provlog::classify::Context {
            task: task.then_some("CreateUser"),
            ..Default::default()
        };
        let found = provlog::classify::explain(catalog(), &text, ctx, lang);
        let mut ids: Vec<&str> = found.iter().map(|e| e.diagnosis.id.as_str()).collect();
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        prop_assert_eq!(ids.len(), n);
    }

    /// Tolerant matching: a catalog example re-typed (case changed, spaces doubled or
    /// turned into line breaks, straight quotes curled, the final period turned into an
    /// ellipsis) gets the same diagnosis as the example itself.
    #[test]
    fn a_retyped_example_gets_the_same_diagnosis(pick in any::<u16>(), how in any::<u8>()) {
        let cat = catalog();
        let examples: Vec<&String> = cat.entries.iter().flat_map(|e| &e.examples).collect();
        let ex = examples[pick as usize % examples.len()];
        // Read where it came from, as `every_example_classifies_to_its_entry` does.
        let owner = cat.entries.iter().find(|e| e.examples.contains(ex)).map(|e| e.system);
        let ctx = provlog::classify::Context {
            system: owner.filter(|s| *s != provlog::catalog::System::Entra),
            ..Default::default()
        };
        let want = provlog::classify::explain(cat, ex, ctx, Lang::En)
            .first()
            .map(|e| e.diagnosis.id.clone());
        let mut t = ex.clone();
        // A bare code keeps its case: codes are exact, and some differ only in case
        // ("Timeout", "TIMEOUT").
        if how & 1 != 0 && ex.contains(' ') {
            t = t.to_uppercase();
        }
        if how & 2 != 0 {
            t = t.replace(' ', "  ");
        }
        if how & 4 != 0 {
            t = t.replacen(' ', "\r\n", 3);
        }
        if how & 8 != 0 {
            t = t.replace('\'', "\u{2019}");
        }
        if how & 16 != 0 && t.ends_with('.') {
            t.pop();
            t.push_str(" \u{2026}");
        }
        let got = provlog::classify::explain(cat, &t, ctx, Lang::En)
            .first()
            .map(|e| e.diagnosis.id.clone());
        prop_assert_eq!(got, want, "{:?} re-typed as {:?}", ex, t);
    }

    /// Any answer inside Entra's envelope (JSON, HTML, brackets, half of each): the
    /// layers, the template and the closest entries never panic, and a diagnosis found
    /// has a chain that ends with it.
    #[test]
    fn any_answer_inside_an_envelope(
        body in "[{}\\[\\]<>\"':;,.a-zA-Z0-9 &#\u{3000}-\u{30ff}\u{ff01}-\u{ff5e}…“”]{0,120}",
        frame in 0u8..4,
    ) {
        let text = match frame {
            0 => format!("StatusCode: BadRequest Message: x Web Response: {body}. This operation was retried 1 times."),
            1 => format!("Failed to create users in Azure AD [Error details: {body}]"),
            2 => format!("Error: {{\"error\":{{\"message\":\"{body}\"}}}} tail"),
            _ => format!("<html><title>{body}</title><script>{body}</script></html>"),
        };
        let found = provlog::classify::explain(catalog(), &text, Default::default(), Lang::En);
        if let Some(best) = found.first() {
            let last = best.diagnosis.cause.last().map(|c| c.id.as_str());
            prop_assert_eq!(last, Some(best.diagnosis.id.as_str()));
        } else {
            let _ = catalog().closest(&text, None, 3);
        }
        let _ = provlog::template::of(&text);
        let _ = provlog::layers::telling(&text);
    }

    /// Keys match in any case: an event whose keys are recased reads the same.
    #[test]
    fn keys_in_another_case_read_the_same(pick in any::<u16>(), how in any::<u8>()) {
        let pool = sample_events();
        let original = pool[pick as usize % pool.len()].clone();
        let mut recased = original.clone();
        recase_all(&mut recased, how);
        let a = read_checked("a.json", Value::Array(vec![original]).to_string().as_bytes());
        let b = read_checked("b.json", Value::Array(vec![recased]).to_string().as_bytes());
        prop_assert_eq!(a.events.len(), 1);
        prop_assert_eq!(&a.events, &b.events);
    }
}
