//! Turns a borrowed [`RawEvent`] into an owned, normalised [`Event`].
//!
//! Precedence rules live here: v1.0 fields win over the old beta ones, the event's own
//! fields over the diagnostic or Log Analytics envelope.

use std::borrow::Cow;

use serde_json::Value;

use super::raw::{Key, Nested, RawError, RawEvent, RawParty, Scalar};
use crate::event::{ErrorInfo, Event, ModifiedProperty, Party, Status, Step, StepType};

mod nested;

/// What could not be made sense of; the event is kept with those fields empty.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Damage {
    /// Fields with a value of the wrong JSON type, found while parsing.
    pub raw: u32,
    /// Text that is not what the field holds (a time that is no time, steps that are not
    /// JSON), found while normalising (or, for an event not read in full, those that
    /// [`RawEvent::check`] can tell).
    pub bad_fields: u32,
}

impl Damage {
    /// Fields left empty, in all.
    pub fn fields(self) -> u32 {
        self.raw.saturating_add(self.bad_fields)
    }
}

pub fn normalize(raw: &RawEvent<'_>) -> (Event, Damage) {
    normalize_with(raw, Need::ALL)
}

/// What of an event its reader's sink will look at besides what every output shows.
/// Reading the rest is most of the cost of reading an event in full; what it holds that
/// is unreadable is counted all the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Need {
    /// `modified_properties` (else left empty).
    pub properties: bool,
    /// Every detail of every step, even of an event that will not be diagnosed (else
    /// such an event keeps only the details `Event::identity` and `Event::failed_step`
    /// read). An event with a status other than success, or with an error code or
    /// reason, is diagnosed, so it always keeps them all.
    pub all_details: bool,
}

impl Need {
    pub const ALL: Need = Need {
        properties: true,
        all_details: true,
    };
}

/// [`normalize`], reading only what `need` asks for besides what every output shows.
pub fn normalize_with(raw: &RawEvent<'_>, need: Need) -> (Event, Damage) {
    let mut damage = Damage {
        raw: raw.wrong_fields(),
        bad_fields: 0,
    };
    // The rules below are those of `RawEvent::check`, which applies them to every event;
    // keep the two in step.
    let time = raw.time();
    if raw.time_text().is_some() && time.is_none() {
        damage.bad_fields = damage.bad_fields.saturating_add(1);
    }
    let duration_ms = raw.duration_ms.or_else(|| {
        raw.duration.as_deref().and_then(|d| {
            let parsed = parse_duration(d);
            if parsed.is_none() && !d.trim().is_empty() {
                damage.bad_fields = damage.bad_fields.saturating_add(1);
            }
            parsed
        })
    });
    let error = error_info(raw);
    // The condition under which `analyze` diagnoses an event: its details are read then.
    let diagnosed = raw.status().unwrap_or(Status::Unknown) != Status::Success
        || error.code.is_some()
        || error.reason.is_some();
    let steps = match &raw.steps {
        Some(n) => parse_steps(n, need.all_details || diagnosed, &mut damage),
        None => Vec::new(),
    };
    let modified_properties = match &raw.modified_properties {
        Some(n) if need.properties => parse_properties(n, &mut damage),
        Some(n) => {
            count_bad_properties(n, &mut damage);
            Vec::new()
        }
        None => Vec::new(),
    };
    let ev = Event {
        id: owned(&raw.id),
        change_id: raw.change_id().map(str::to_owned).filter(|s| !s.is_empty()),
        cycle_id: owned(&raw.cycle_id),
        job_id: owned(&raw.job_id),
        tenant_id: owned(&raw.tenant_id),
        time,
        action: raw.action(),
        status: raw.status(),
        duration_ms,
        service_principal: party(&raw.service_principal),
        source_system: lazy(&raw.source_system, raw.lazy_parties[0], &mut damage),
        target_system: lazy(&raw.target_system, raw.lazy_parties[1], &mut damage),
        source_identity: lazy(&raw.source_identity, raw.lazy_parties[2], &mut damage),
        target_identity: lazy(&raw.target_identity, raw.lazy_parties[3], &mut damage),
        initiated_by: lazy(&raw.initiated_by, raw.lazy_parties[4], &mut damage),
        error,
        steps,
        modified_properties,
    };
    (ev, damage)
}

/// A duration written as text: a number of milliseconds, whole or not.
pub(crate) fn parse_duration(d: &str) -> Option<i64> {
    let d = d.trim();
    d.parse::<i64>()
        .ok()
        .or_else(|| d.parse::<f64>().ok().map(|f| f as i64))
}

/// How a nested field begins, as far as that tells what normalising it will give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lead {
    /// Nothing (empty JSON text), or `null`: no value.
    Nothing,
    /// `[`, or JSON text that begins with `[`.
    Array,
    /// `{`, or JSON text that begins with `{`.
    Object,
    /// A number, a boolean, or JSON text that can only be a scalar or no JSON at all.
    Scalar,
    /// Only reading it in full can tell (an escape, `n`, a character outside ASCII).
    Unknown,
}

/// How JSON text (a CSV cell, or a JSON string's content) begins. `escaped`: the text is
/// still JSON-escaped (a JSON string's content, up to its closing `"`), so that `\` and
/// `"` have their JSON meaning.
fn text_lead(text: &[u8], escaped: bool) -> Lead {
    let skip_ws = |t: &[u8]| -> usize {
        t.iter()
            .take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
            .count()
    };
    let rest = &text[skip_ws(text)..];
    match rest.first() {
        None => Lead::Nothing,
        Some(b'"') if escaped => Lead::Nothing,
        Some(b'\\') if escaped => Lead::Unknown,
        Some(b'[') => Lead::Array,
        Some(b'{') => Lead::Object,
        Some(b'n') => match rest.strip_prefix(b"null") {
            // `null` and nothing after it but white space: no value.
            Some(after) => match after[skip_ws(after)..].first() {
                None => Lead::Nothing,
                Some(b'"') if escaped => Lead::Nothing,
                Some(b'\\') if escaped => Lead::Unknown,
                Some(_) => Lead::Scalar,
            },
            None => Lead::Scalar,
        },
        Some(b) if b.is_ascii() => Lead::Scalar,
        Some(_) => Lead::Unknown,
    }
}

fn nested_lead(n: &Nested<'_>) -> Lead {
    match n {
        Nested::Raw(raw) => raw_lead(raw),
        Nested::Text(t) => text_lead(t.as_bytes(), false),
    }
}

fn raw_lead(raw: &serde_json::value::RawValue) -> Lead {
    let s = raw.get().as_bytes();
    match s.first() {
        Some(b'[') => Lead::Array,
        Some(b'{') => Lead::Object,
        Some(b'n') | None => Lead::Nothing,
        Some(b'"') => text_lead(&s[1..], true),
        Some(_) => Lead::Scalar,
    }
}

/// Whether `provisioningSteps` will surely be counted as unreadable by `parse_steps`,
/// told from how it begins (a scalar; an array's elements are not looked at).
pub(crate) fn surely_bad_steps(n: &Nested<'_>) -> bool {
    nested_lead(n) == Lead::Scalar
}

/// Whether `modifiedProperties` will surely be counted as unreadable by
/// `parse_properties`: an object or a scalar where an array belongs.
pub(crate) fn surely_bad_properties(n: &Nested<'_>) -> bool {
    matches!(nested_lead(n), Lead::Scalar | Lead::Object)
}

/// Whether a party kept as raw JSON is surely of the wrong type: a number or a boolean
/// (a string is taken as a name, an array for its first element).
pub(crate) fn surely_bad_party(raw: &serde_json::value::RawValue) -> bool {
    matches!(
        raw.get().as_bytes().first(),
        Some(b't' | b'f' | b'-' | b'0'..=b'9')
    )
}

fn owned(s: &Option<Cow<'_, str>>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// A party the reader kept as raw JSON is parsed now; its type errors count as damage.
fn lazy<'a>(
    p: &RawParty<'a>,
    raw: Option<&'a serde_json::value::RawValue>,
    damage: &mut Damage,
) -> Party {
    let resolved = p.resolve(raw);
    if raw.is_some() {
        damage.bad_fields += resolved.wrong;
    }
    party(&resolved)
}

fn party(p: &RawParty<'_>) -> Party {
    Party {
        id: owned(&p.id),
        name: owned(&p.name),
        kind: owned(&p.kind),
        upn: owned(&p.upn),
    }
}

fn error_from(e: &RawError<'_>) -> ErrorInfo {
    ErrorInfo {
        code: owned(&e.code),
        reason: e
            .reason
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(str::to_owned),
        additional_details: owned(&e.additional_details),
        category: owned(&e.category),
        recommended_action: owned(&e.recommended_action),
    }
}

/// v1.0 `errorInformation`, else beta `statusInfo`, else the Log Analytics columns.
fn error_info(raw: &RawEvent<'_>) -> ErrorInfo {
    let mut e = if !raw.status.error.is_empty() {
        error_from(&raw.status.error)
    } else {
        error_from(&raw.status_beta.error)
    };
    if e.code.is_none() {
        e.code = owned(&raw.result_signature).filter(|c| !is_none_code(c));
    }
    if e.reason.is_none() {
        e.reason = owned(&raw.result_description);
    }
    if e.code.as_deref().is_some_and(is_none_code) {
        e.code = None;
    }
    e
}

/// Exports write "no error" as `None` or `0` in code columns.
fn is_none_code(c: &str) -> bool {
    c.eq_ignore_ascii_case("none") || c == "0" || c.eq_ignore_ascii_case("null")
}

/// Raw JSON that is not a string: what the visitors of `nested` read directly. A string
/// holds JSON text (Log Analytics writes nested objects so), read through a `Value`.
fn raw_json<'a>(n: &Nested<'a>) -> Option<&'a str> {
    match n {
        Nested::Raw(raw) if !raw.get().trim_start().starts_with('"') => Some(raw.get()),
        _ => None,
    }
}

/// The JSON held by a nested field: raw JSON, or a JSON string holding JSON text.
fn nested_value(n: &Nested<'_>) -> Option<Value> {
    let text: Cow<'_, str> = match n {
        Nested::Raw(raw) => {
            let s = raw.get();
            if s.trim_start().starts_with('"') {
                Cow::Owned(serde_json::from_str::<String>(s).ok()?)
            } else {
                return serde_json::from_str(s).ok();
            }
        }
        Nested::Text(t) => Cow::Borrowed(t.as_ref()),
    };
    if text.trim().is_empty() {
        return Some(Value::Null);
    }
    serde_json::from_str(&text).ok()
}

fn get<'v>(obj: &'v serde_json::Map<String, Value>, names: &[&str]) -> Option<&'v Value> {
    obj.iter()
        .find(|(k, _)| names.iter().any(|n| k.eq_ignore_ascii_case(n)))
        .map(|(_, v)| v)
}

/// A JSON value as text: strings as they are, other scalars printed, null as none.
pub fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(if *b { "True" } else { "False" }.to_owned()),
        other => Some(other.to_string()),
    }
}

fn text(obj: &serde_json::Map<String, Value>, names: &[&str]) -> Option<String> {
    get(obj, names).and_then(value_text)
}

fn parse_steps(n: &Nested<'_>, all_details: bool, damage: &mut Damage) -> Vec<Step> {
    if let Some(json) = raw_json(n) {
        let (steps, bad) = nested::steps_from_json(json, all_details);
        damage.bad_fields = damage.bad_fields.saturating_add(bad);
        return steps;
    }
    let Some(v) = nested_value(n) else {
        damage.bad_fields = damage.bad_fields.saturating_add(1);
        return Vec::new();
    };
    let items = match v {
        Value::Array(items) => items,
        Value::Null => return Vec::new(),
        Value::Object(_) => vec![v],
        _ => {
            damage.bad_fields = damage.bad_fields.saturating_add(1);
            return Vec::new();
        }
    };
    let mut steps = Vec::with_capacity(items.len());
    for item in items {
        let Value::Object(obj) = item else {
            damage.bad_fields = damage.bad_fields.saturating_add(1);
            continue;
        };
        steps.push(step_from(&obj));
    }
    steps
}

pub fn step_from(obj: &serde_json::Map<String, Value>) -> Step {
    let details = match get(obj, &["details"]) {
        Some(Value::Object(d)) => d
            .iter()
            .filter_map(|(k, v)| value_text(v).map(|v| (k.clone(), v)))
            .collect(),
        Some(Value::String(s)) => parse_details_text(s),
        _ => Vec::new(),
    };
    Step {
        name: text(obj, &["name"]),
        step_type: text(obj, &["provisioningStepType", "type"])
            .map(|t| StepType::parse(&t))
            .unwrap_or(StepType::Unknown),
        status: text(obj, &["status"])
            .map(|s| Status::parse(&s))
            .unwrap_or(Status::Unknown),
        description: text(obj, &["description"]),
        details,
    }
}

/// Step details written as JSON text (CSV cells); anything else is kept as one entry.
pub fn parse_details_text(s: &str) -> Vec<(String, String)> {
    if s.trim().is_empty() {
        return Vec::new();
    }
    match serde_json::from_str::<Value>(s) {
        Ok(Value::Object(d)) => d
            .iter()
            .filter_map(|(k, v)| value_text(v).map(|v| (k.clone(), v)))
            .collect(),
        _ => vec![("Details".to_owned(), s.to_owned())],
    }
}

fn parse_properties(n: &Nested<'_>, damage: &mut Damage) -> Vec<ModifiedProperty> {
    if let Some(json) = raw_json(n) {
        let (props, bad) = nested::properties_from_json(json);
        if bad {
            damage.bad_fields = damage.bad_fields.saturating_add(1);
        }
        return props;
    }
    let Some(v) = nested_value(n) else {
        damage.bad_fields = damage.bad_fields.saturating_add(1);
        return Vec::new();
    };
    let Value::Array(items) = v else {
        if !v.is_null() {
            damage.bad_fields = damage.bad_fields.saturating_add(1);
        }
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| {
            let obj = item.as_object()?;
            Some(ModifiedProperty {
                name: text(obj, &["displayName", "name"])?,
                old_value: text(obj, &["oldValue"]),
                new_value: text(obj, &["newValue"]),
            })
        })
        .collect()
}

/// Counts what `parse_properties` would count unreadable, without building the list.
fn count_bad_properties(n: &Nested<'_>, damage: &mut Damage) {
    match raw_json(n) {
        Some(json) => {
            let listed = matches!(json.trim_start().as_bytes().first(), Some(b'[' | b'n'));
            if !listed || !nested::holds_value(json) {
                damage.bad_fields = damage.bad_fields.saturating_add(1);
            }
        }
        None => {
            parse_properties(n, damage);
        }
    }
}

/// Whether an update only touches `accountDisabled`, looking at the raw JSON without
/// normalising the whole event (used for the summary of every update, so no allocation).
pub fn only_account_disabled(n: &Nested<'_>) -> bool {
    match n {
        Nested::Raw(raw) if !raw.get().trim_start().starts_with('"') => {
            serde_json::from_str::<OnlyAccountDisabled>(raw.get()).is_ok_and(|o| o.0)
        }
        // JSON text in a CSV cell: rare and small, parse it whole.
        _ => match nested_value(n) {
            Some(Value::Array(items)) => {
                !items.is_empty()
                    && items.iter().all(|item| {
                        item.as_object()
                            .and_then(|o| text(o, &["displayName", "name"]))
                            .is_some_and(|n| n.eq_ignore_ascii_case("accountDisabled"))
                    })
            }
            _ => false,
        },
    }
}

/// Visits `modifiedProperties` and says whether every entry is `accountDisabled`.
struct OnlyAccountDisabled(bool);

impl<'de> serde::Deserialize<'de> for OnlyAccountDisabled {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
        use std::fmt;

        struct Name(bool);
        impl<'de> serde::Deserialize<'de> for Name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = Name;
                    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                        f.write_str("a modified property")
                    }
                    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Name, A::Error> {
                        let mut is = false;
                        while let Some(Key(k)) = map.next_key::<Key<'de>>()? {
                            if k.eq_ignore_ascii_case("displayName")
                                || k.eq_ignore_ascii_case("name")
                            {
                                is = matches!(
                                    map.next_value::<Scalar<'de>>()?,
                                    Scalar::Str(v) if v.eq_ignore_ascii_case("accountDisabled")
                                );
                            } else {
                                map.next_value::<IgnoredAny>()?;
                            }
                        }
                        Ok(Name(is))
                    }
                }
                d.deserialize_map(V)
            }
        }

        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = OnlyAccountDisabled;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("modified properties")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut any = false;
                let mut all = true;
                while let Some(Name(is)) = seq.next_element::<Name>()? {
                    any = true;
                    all &= is;
                }
                Ok(OnlyAccountDisabled(any && all))
            }
        }
        d.deserialize_seq(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::value::RawValue;

    fn raw(s: &str) -> Box<RawValue> {
        RawValue::from_string(s.to_owned()).expect("valid JSON")
    }

    /// What normalising finds wrong with these steps and properties.
    fn found(n: &Nested<'_>) -> (bool, bool) {
        let mut d = Damage::default();
        parse_steps(n, true, &mut d);
        let steps = d.bad_fields > 0;
        let mut d = Damage::default();
        parse_properties(n, &mut d);
        (steps, d.bad_fields > 0)
    }

    /// The check every event gets says "surely bad" only where normalising finds it bad,
    /// for JSON values, JSON strings holding JSON text, and CSV cells.
    #[test]
    fn what_the_check_calls_bad_normalising_finds_bad() {
        let texts = [
            "",
            " ",
            "null",
            "nul",
            "null ",
            "null x",
            "nullx",
            "not json",
            "12",
            "-1",
            "true",
            "false",
            "\"x\"",
            "x",
            "]",
            "[]",
            "[1]",
            "[{}]",
            "[oops",
            "{}",
            "{\"a\":1}",
            "{oops",
            "\u{a0}[]",
            "\u{3000}",
            " [ ] ",
            "\t{}",
        ];
        for t in texts {
            let mut cases: Vec<(String, Box<RawValue>)> = vec![(
                format!("string {t:?}"),
                raw(&serde_json::to_string(t).expect("string")),
            )];
            if serde_json::from_str::<Value>(t).is_ok() {
                cases.push((format!("value {t:?}"), raw(t.trim())));
            }
            for (name, r) in &cases {
                let n = Nested::Raw(r);
                let (steps, props) = found(&n);
                assert!(!surely_bad_steps(&n) || steps, "{name}: steps");
                assert!(!surely_bad_properties(&n) || props, "{name}: properties");
            }
            let n = Nested::Text(Cow::Borrowed(t));
            let (steps, props) = found(&n);
            assert!(!surely_bad_steps(&n) || steps, "cell {t:?}: steps");
            assert!(
                !surely_bad_properties(&n) || props,
                "cell {t:?}: properties"
            );
        }
        // And the check does call these bad.
        assert!(surely_bad_steps(&Nested::Raw(&raw("12"))));
        assert!(surely_bad_steps(&Nested::Raw(&raw("\"not json\""))));
        assert!(surely_bad_steps(&Nested::Text(Cow::Borrowed("\"quoted\""))));
        assert!(surely_bad_properties(&Nested::Raw(&raw("{\"a\":1}"))));
        assert!(surely_bad_properties(&Nested::Text(Cow::Borrowed(
            " {oops"
        ))));
        assert!(!surely_bad_steps(&Nested::Raw(&raw("{\"name\":\"x\"}"))));
        assert!(
            !surely_bad_steps(&Nested::Raw(&raw("\"\\n[]\""))),
            "an escape: unknown"
        );
    }

    /// Steps and properties read straight from raw JSON are what reading them through a
    /// `serde_json::Value` (the path JSON text in a cell still takes) gives: keys in sorted
    /// order, the last of repeated keys, the first key that matches, scalars printed as
    /// the `Value` prints them, numbers it cannot hold.
    #[test]
    fn raw_json_reads_as_the_value_does() {
        let samples = [
            r#"[{"name":"A","status":"failure","details":{"b":"2","a":"1","ReportableIdentifier":"x","reportableidentifier":"y"}}]"#,
            r#"[{"Name":"X","name":"Y","Status":"Failure","status":"success","type":"export","provisioningStepType":"import","details":{"k":1,"k2":1.5,"k3":true,"k4":null,"k5":{"z":1,"a":[1,2]},"k6":[3],"k7":-4,"k8":1e5,"k9":12345678901234567890}}]"#,
            r#"[{"name":"A","details":{"a":"1","a":"2","a":null}},"x",{"name":"B","details":"{\"SkipReason\":\"y\"}"}]"#,
            r#"{"name":"one","status":"failure","details":{"SkipReason":"x"}}"#,
            r#"[{"name":"big","details":{"n":1e400}}]"#,
            r#"[{"name":"esc\u00e9","de\u0074ails":{"k\u0065y":"v"}}]"#,
            r#"[{"name":"d","details":"not json"},{"details":5},{"details":[1]},{"DETAILS":{"x":"y"},"details":{"a":"b"}}]"#,
            r#"[{"name":null,"status":3,"provisioningStepType":2,"description":{"b":1,"a":2}}]"#,
            r#"[{"displayName":"accountDisabled","oldValue":"a","newValue":"b"},{"name":"n","NAME":"m","newValue":5},1,[2],{"oldValue":"no name"}]"#,
            r#"[{"name":"p","oldValue":1e400}]"#,
            "[]",
            "null",
            "12",
            "true",
            r#"{"a":1}"#,
        ];
        for json in samples {
            let text = Nested::Text(Cow::Borrowed(json));
            let raw = raw(json);
            let fast = Nested::Raw(&raw);
            let (mut d1, mut d2) = (Damage::default(), Damage::default());
            assert_eq!(
                parse_steps(&fast, true, &mut d1),
                parse_steps(&text, true, &mut d2),
                "steps of {json}"
            );
            assert_eq!(d1, d2, "damage of the steps {json}");
            let (mut d1, mut d2, mut d3) =
                (Damage::default(), Damage::default(), Damage::default());
            assert_eq!(
                parse_properties(&fast, &mut d1),
                parse_properties(&text, &mut d2),
                "properties of {json}"
            );
            count_bad_properties(&fast, &mut d3);
            assert_eq!(d1, d2, "damage of the properties {json}");
            assert_eq!(d1, d3, "damage of the properties not read {json}");
        }
        // Only the details every output reads are kept for an event not diagnosed.
        let json = samples[0];
        let raw = raw(json);
        let steps = parse_steps(&Nested::Raw(&raw), false, &mut Damage::default());
        assert_eq!(
            steps[0].details,
            vec![
                ("ReportableIdentifier".to_owned(), "x".to_owned()),
                ("reportableidentifier".to_owned(), "y".to_owned())
            ]
        );
    }

    #[test]
    fn parties_of_a_scalar_type_are_surely_bad() {
        for (s, bad) in [
            ("5", true),
            ("-1.5", true),
            ("false", true),
            ("true", true),
            ("null", false),
            ("\"a name\"", false),
            ("{\"id\":{}}", false),
            ("[1]", false),
        ] {
            let r = raw(s);
            assert_eq!(surely_bad_party(&r), bad, "{s}");
            if bad {
                assert!(RawParty::from_raw(&r).wrong > 0, "{s}");
            }
        }
    }
}
